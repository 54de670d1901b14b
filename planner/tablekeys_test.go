package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// sharedTableSrc has three resources whose for_each is the same table, as
// a batch with a verification per row has: the pre-pass makes the table's
// keys once for all. The first's name is invalid (the fake provider
// refuses a "!") on the rows whose mark is one; the second reads the
// first, the third does not.
const sharedTableSrc = providerBlock + `
locals {
  people = LOCAL
}

resource "fake_account" "p" {
  for_each = local.people
  name     = "${each.value.mark}${each.key}"
  email    = each.value.email
}

resource "fake_account" "v" {
  for_each = local.people
  name     = "v-${each.key}"
  email    = fake_account.p[each.key].email
}

resource "fake_account" "w" {
  for_each = local.people
  name     = "w-${each.key}"
  email    = each.value.email
}

output "n" {
  value = length(fake_account.w)
}
`

// TestTableKeysSharedPlanAsHCL: three resources over one table, whose
// keys the pre-pass shares, plan what the same local evaluated by HCL
// plans (its keys made for each resource); with -exclude-invalid, the
// instances left out of one are left out of it and of what reads it
// alone, not of the other that shares its keys, and every other instance
// keeps its own row.
func TestTableKeysSharedPlanAsHCL(t *testing.T) {
	csv := "username,email,mark\n" +
		"cici,cici@x.id,\n" +
		"ani,ani@x.id,!\n" +
		"dewi,dewi@x.id,\n" +
		"budi,budi@x.id,!\n" +
		"eko,eko@x.id,\n"
	plan := func(local string, exclude bool) *plans.Plan {
		t.Helper()
		dir := enginetest.WriteConfig(t, map[string]string{"main.hcl": strings.Replace(sharedTableSrc, "LOCAL", local, 1), "people.csv": csv})
		cfg, diags := schema.Load(dir)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		req := &planner.Request{Config: cfg, Vars: map[string]cty.Value{}, Options: plans.Options{ExcludeInvalid: exclude},
			Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}, Digester: enginetest.Digester{}}
		req.Locals = planner.EvalLocals(req)
		if _, isTable := schema.TableOf(req.Locals["people"]); isTable != (local == tableLocal) {
			t.Fatalf("%s read as a table: %v", local, isTable)
		}
		res, diags := planner.Plan(context.Background(), req)
		if exclude == diags.HasErrors() {
			t.Fatalf("exclude %v: %v", exclude, diags)
		}
		return res.Plan
	}
	for _, exclude := range []bool{false, true} {
		got, want := plan(tableLocal, exclude), plan(heldLocal, exclude)
		samePlans(t, got, want)
		if !exclude {
			continue
		}
		acts := actions(got)
		for _, k := range []string{"ani", "budi", "cici", "dewi", "eko"} {
			if line := `fake_account.w["` + k + `"] create`; !strings.Contains(acts, line) {
				t.Errorf("no %q in\n%s", line, acts)
			}
			for _, r := range []string{"p", "v"} {
				line := `fake_account.` + r + `["` + k + `"] create`
				if bad := k == "ani" || k == "budi"; strings.Contains(acts, line) == bad {
					t.Errorf("%q planned: %v, want %v, in\n%s", line, bad, !bad, acts)
				}
			}
		}
		if n := len(got.Changes); n != 11 {
			t.Errorf("%d changes, want 11:\n%s", n, acts)
		}
		if n := got.Outputs[0].Value; !n.RawEquals(cty.NumberIntVal(5)) {
			t.Errorf("output n = %#v, want 5", n)
		}
	}
}
