package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// TestConditions checks preconditions, postconditions, output
// preconditions and check blocks at plan time.
func TestConditions(t *testing.T) {
	tests := map[string]struct {
		src     string
		errors  []string
		warning string
	}{
		"precondition fails": {src: `
variable "min" {
  default = 3
}
resource "fake_account" "a" {
  for_each = toset(["ani", "bu"])
  name     = each.key
  lifecycle {
    precondition {
      condition     = length(each.key) >= var.min
      error_message = "The name ${each.key} is too short."
    }
  }
}`, errors: []string{"Resource precondition failed", "The name bu is too short.", "main.hcl:"}},
		"precondition holds": {src: `
resource "fake_account" "a" {
  name = "ani"
  lifecycle {
    precondition {
      condition     = true
      error_message = "never"
    }
  }
}`},
		"data postcondition on self": {src: `
data "fake_lookup" "l" {
  input = "abc"
  lifecycle {
    postcondition {
      condition     = self.output == "abc"
      error_message = "The lookup gave ${self.output}."
    }
  }
}`, errors: []string{"Data source postcondition failed", "The lookup gave ABC."}},
		"postcondition refers to another resource": {src: `
data "fake_lookup" "l" {
  input = "abc"
}
resource "fake_account" "a" {
  name = "ani"
  lifecycle {
    postcondition {
      condition     = self.name != lower(data.fake_lookup.l.output)
      error_message = "The name must not be the lookup's."
    }
  }
}`},
		"output precondition": {src: `
output "o" {
  value = 1
  precondition {
    condition     = 1 > 2
    error_message = "One is not more than two."
  }
}`, errors: []string{"Output precondition failed", "One is not more than two."}},
		"check block warns": {src: `
resource "fake_account" "a" {
  name = "ani"
}
check "names" {
  assert {
    condition     = fake_account.a.name == "budi"
    error_message = "The account is not budi's."
  }
}`, warning: "The account is not budi's."},
		"scoped data read and assert holds": {src: `
check "lookup" {
  data "fake_lookup" "l" {
    input = "ani"
  }
  assert {
    condition     = data.fake_lookup.l.output == "ANI"
    error_message = "The lookup is not ANI."
  }
}`},
		"scoped data assert fails": {src: `
check "lookup" {
  data "fake_lookup" "l" {
    input = "ani"
  }
  assert {
    condition     = data.fake_lookup.l.output == "BUDI"
    error_message = "The lookup is ${data.fake_lookup.l.output}, not BUDI."
  }
}`, warning: "The lookup is ANI, not BUDI."},
		"scoped data read fails as a warning": {src: `
resource "fake_account" "a" {
  name = "ani"
}
check "lookup" {
  data "fake_lookup" "l" {
    input = "fail-read"
  }
  assert {
    condition     = data.fake_lookup.l.output == "BUDI"
    error_message = "never evaluated"
  }
}`, warning: "Check block lookup failed: Lookup failed"},
		"scoped data referred to from outside": {src: `
check "lookup" {
  data "fake_lookup" "l" {
    input = "ani"
  }
  assert {
    condition     = data.fake_lookup.l.output == "ANI"
    error_message = "never"
  }
}
resource "fake_account" "a" {
  name = data.fake_lookup.l.output
}`, errors: []string{"Reference to scoped data source", "main.hcl:16,10-28", `declared in check "lookup"`}},
		"scoped data named by depends_on from outside": {src: `
check "lookup" {
  data "fake_lookup" "l" {
    input = "ani"
  }
  assert {
    condition     = data.fake_lookup.l.output == "ANI"
    error_message = "never"
  }
}
resource "fake_account" "a" {
  name       = "ani"
  depends_on = [data.fake_lookup.l]
}`, errors: []string{"Reference to scoped data source", "main.hcl:17,17-35"}},
		"sensitive message hidden": {src: `
variable "s" {
  default   = "hunter2"
  sensitive = true
}
output "o" {
  value = 1
  precondition {
    condition     = var.s == "x"
    error_message = "The secret is ${var.s}."
  }
}`, errors: []string{"refers to a sensitive value, so it is not shown"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, diags := run(t, tc.src, nil, plans.Options{Refresh: true}, nil)
			text := diags.Error()
			var errs, warns int
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					errs++
				} else {
					warns++
				}
			}
			if (len(tc.errors) > 0) != (errs > 0) {
				t.Fatalf("got %d errors, want errors %q:\n%s", errs, tc.errors, text)
			}
			for _, e := range tc.errors {
				if !strings.Contains(text, e) {
					t.Errorf("diagnostics lack %q:\n%s", e, text)
				}
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("a diagnostic reveals the secret:\n%s", text)
			}
			if tc.warning != "" && (warns != 1 || !strings.Contains(text, tc.warning) || res.Plan.Errored) {
				t.Errorf("want one warning %q and a plan, got %d warnings:\n%s", tc.warning, warns, text)
			}
			if tc.warning == "" && len(tc.errors) == 0 && (warns != 0 || res.Plan.Errored) {
				t.Errorf("want no diagnostics, got:\n%s", text)
			}
		})
	}
}

// TestPostconditionLeftToApply checks that a postcondition on a value known
// only after apply passes the plan and is checked when apply gives the
// value.
func TestPostconditionLeftToApply(t *testing.T) {
	res := mustPlan(t, `
resource "fake_verification" "v" {
  subject = "ani"
  lifecycle {
    postcondition {
      condition     = contains(["A", "B", "C"], self.status)
      error_message = "The credibility level is ${self.status}, not A to C."
    }
  }
}`, nil, plans.Options{Refresh: true}, nil)
	step := res.Steps()[0]
	res.StartApply()
	planned := step.Change.After
	attrs := planned.AsValueMap()
	attrs["id"], attrs["status"] = cty.StringVal("v-1"), cty.StringVal("E")
	res.Finish(step, cty.ObjectVal(attrs))
	diags := res.ApplyChecks()
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "The credibility level is E, not A to C.") {
		t.Fatalf("got %q, want the postcondition's failure", diags.Error())
	}
}
