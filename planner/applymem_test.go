package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/zclconf/go-cty/cty"
)

// TestApplyDropsOnlyLocalsApplyDoesNotRead: once apply starts, the locals
// no expression evaluated during apply reads (one only a for_each reads,
// one nothing reads) are let go of; those a resource body, a condition,
// an output, a check block or another such local reads are kept, with
// their values. A dropped local read all the same is evaluated again, to
// the same value.
func TestApplyDropsOnlyLocalsApplyDoesNotRead(t *testing.T) {
	res := mustPlan(t, `
locals {
  rows   = { for i in range(3) : "k${i}" => { tag = "t${i}" } }
  unused = "u"
  label  = "L"
  suffix = "${local.label}!"
  body   = "b"
  cond   = 1
  check  = "c"
}
resource "fake_account" "a" {
  for_each = local.rows
  name     = each.key
  tag      = each.value.tag
  lifecycle {
    postcondition {
      condition     = local.cond == 1
      error_message = "cond"
    }
  }
}
resource "fake_account" "b" {
  name = "b"
  tag  = local.body
}
output "o" {
  value = local.suffix
}
check "c" {
  assert {
    condition     = local.check == "c"
    error_message = "check"
  }
}
`, nil, plans.Options{Refresh: true}, nil)
	before := map[string]cty.Value{}
	for _, name := range []string{"rows", "unused", "label", "suffix", "body", "cond", "check"} {
		v, ok := planner.LocalAtApply(res, name)
		if !ok {
			t.Fatalf("local.%s not known after the plan", name)
		}
		before[name] = v
	}
	ev := res.Evaluator()
	ev.Diagnostics(res.Plan.Changes[0], nil) // the first call of apply starts it
	if got := strings.Join(planner.DroppedLocals(res), ","); got != "rows,unused" {
		t.Errorf("dropped locals %q, want rows,unused", got)
	}
	for name, want := range before {
		got, ok := planner.LocalAtApply(res, name)
		if !ok || !got.RawEquals(want) {
			t.Errorf("local.%s at apply: %#v, %v; want %#v", name, got, ok, want)
		}
	}
}

// TestApplyKeepsLocalsWithModules: a configuration that calls a module
// keeps every local at apply (what the module's arguments read is not
// followed).
func TestApplyKeepsLocalsWithModules(t *testing.T) {
	res, diags := runModules(t, map[string]string{
		"main.hcl": `
locals {
  unused = "u"
}
module "solo" {
  source = "./modules/person"
  name   = "s"
}
`,
		"modules/person/main.hcl": personModule,
	}, nil, plans.Options{})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	res.Evaluator().Diagnostics(res.Plan.Changes[0], nil)
	if got := planner.DroppedLocals(res); len(got) != 0 {
		t.Errorf("dropped locals %q with a module, want none", got)
	}
}
