package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/hashicorp/hcl/v2"
)

// TestSensitiveForEachRefused checks that a for_each whose keys would
// reveal a sensitive value is an error naming the argument, and that a
// map whose values only are sensitive is accepted.
func TestSensitiveForEachRefused(t *testing.T) {
	tests := map[string]struct{ forEach, err string }{
		"sensitive set":        {`toset([sensitive("3171000000000001")])`, "for_each cannot be a sensitive value"},
		"set of a secret":      {`toset(["a", sensitive("3171000000000001")])`, "for_each cannot be a sensitive value"},
		"sensitive map":        {`sensitive({ a = "x" })`, "for_each cannot be a sensitive value"},
		"map values sensitive": {`{ a = sensitive("x") }`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := run(t, `
resource "fake_account" "a" {
  for_each = `+tc.forEach+`
  name     = "n-${each.key}"
}
`, nil, plans.Options{Refresh: true}, nil)
			text := diags.Error()
			if tc.err == "" {
				if diags.HasErrors() {
					t.Fatal(text)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(text, tc.err) || !strings.Contains(text, "main.hcl:") {
				t.Fatalf("got %q, want an error at main.hcl containing %q", text, tc.err)
			}
			if strings.Contains(text, "3171000000000001") {
				t.Fatalf("the error reveals the secret: %s", text)
			}
		})
	}
}

// TestSensitiveOutputNeedsSensitive checks Terraform's rule: an output
// holding a sensitive value must say sensitive = true.
func TestSensitiveOutputNeedsSensitive(t *testing.T) {
	tests := map[string]struct{ value, err string }{
		"not declared":     {`fake_account.a.secret`, "Output refers to sensitive values"},
		"inside an object": {`{ s = fake_account.a.secret }`, "Output refers to sensitive values"},
		"tolist element":   {`nonsensitive(tolist([sensitive("s"), "b"]))`, "Output refers to sensitive values"},
		"declared":         {"fake_account.a.secret\n  sensitive = true", ""},
		"nonsensitive":     {`nonsensitive(fake_account.a.secret)`, ""},
		"other attribute":  {`fake_account.a.name`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := run(t, `
resource "fake_account" "a" {
  name   = "ani"
  secret = "hunter2"
}
output "o" {
  value = `+tc.value+`
}
`, nil, plans.Options{Refresh: true}, nil)
			wantOnlyError(t, diags, tc.err)
		})
	}
}

// TestSensitiveConfigMarksKept checks that the marks of an instance's
// configuration (a value from sensitive(), not a sensitive attribute of
// the schema) stay with its step (Step.rare) until dependents read it:
// an output of that attribute must say sensitive = true, for an instance
// of a batch as for a single one, and an unmarked attribute beside it
// need not.
func TestSensitiveConfigMarksKept(t *testing.T) {
	const batch = `for_each = { for i in range(150) : "k${i}" => i }
  name     = sensitive("ani-${each.key}")`
	const single = `name = sensitive("ani")`
	tests := map[string]struct{ body, value, err string }{
		"single, marked":    {single, `fake_account.a.name`, "Output refers to sensitive values"},
		"single, declared":  {single, "fake_account.a.name\n  sensitive = true", ""},
		"batch, marked":     {batch, `fake_account.a["k7"].name`, "Output refers to sensitive values"},
		"batch, other attr": {batch, `fake_account.a["k7"].tag`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := run(t, `
resource "fake_account" "a" {
  `+tc.body+`
  tag = "plain"
}
output "o" {
  value = `+tc.value+`
}
`, nil, plans.Options{Refresh: true}, nil)
			wantOnlyError(t, diags, tc.err)
		})
	}
}

// wantOnlyError checks that diags are the one error containing want, or
// none when want is "".
func wantOnlyError(t *testing.T, diags hcl.Diagnostics, want string) {
	t.Helper()
	if want == "" {
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		return
	}
	if !strings.Contains(diags.Error(), want) || len(diags) != 1 {
		t.Fatalf("got %q, want %q", diags.Error(), want)
	}
}
