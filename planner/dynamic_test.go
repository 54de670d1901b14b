package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// TestDynamicBlocks checks a dynamic block whose for_each depends on the
// instance: an optional nested block per CSV row.
func TestDynamicBlocks(t *testing.T) {
	res := mustPlan(t, `
locals {
  people = {
    ani  = { city = "Bandung" }
    budi = { city = "" }
  }
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  dynamic "profile" {
    for_each = each.value.city == "" ? [] : [each.value]
    iterator = p
    content {
      city = upper(p.value.city)
    }
  }
}
`, nil, plans.Options{Refresh: true}, nil)
	ani := change(t, res.Plan, `fake_account.a["ani"]`).After.GetAttr("profile")
	if ani.IsNull() || !ani.GetAttr("city").RawEquals(cty.StringVal("BANDUNG")) {
		t.Errorf("ani's profile = %#v, want city BANDUNG", ani)
	}
	if budi := change(t, res.Plan, `fake_account.a["budi"]`).After.GetAttr("profile"); !budi.IsNull() {
		t.Errorf("budi's profile = %#v, want none", budi)
	}
}

// TestDynamicBlockErrors checks that mistakes in a dynamic block point at
// the source and say what would be valid.
func TestDynamicBlockErrors(t *testing.T) {
	tests := map[string]struct{ block, err string }{
		"unknown block type": {`dynamic "profil" {
    for_each = [1]
    content {}
  }`, `Blocks of type "profil" are not expected here`},
		"misspelled argument": {`dynamic "profile" {
    for_each = [1]
    content {
      cty = "x"
    }
  }`, `An argument named "cty" is not expected here`},
		"undeclared reference": {`dynamic "profile" {
    for_each = local.nope
    content {}
  }`, `There is no local value named "nope"`},
		"two profiles": {`dynamic "profile" {
    for_each = [1, 2]
    content {}
  }`, "Duplicate profile block"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := run(t, `
resource "fake_account" "a" {
  name = "ani"
  `+tc.block+`
}
`, nil, plans.Options{Refresh: true}, nil)
			if !strings.Contains(diags.Error(), tc.err) || !strings.Contains(diags.Error(), "main.hcl:") {
				t.Fatalf("got %q, want an error at main.hcl containing %q", diags.Error(), tc.err)
			}
		})
	}
}
