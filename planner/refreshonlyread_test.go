package planner_test

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
)

// TestRefreshOnlyLeavesWhatOnlyResourcesRead: a refresh-only plan
// evaluates no managed resource's configuration, so an account found
// unchanged that only a verification reads (its e-mail) keeps its values
// in its state record (a deferred no-op), as one nothing refers to does:
// a verification per row of a batch no longer holds every account's value
// decoded. Read by an output, a local an output reads, or a data source,
// it is decoded, and the output has its e-mail.
func TestRefreshOnlyLeavesWhatOnlyResourcesRead(t *testing.T) {
	const base = `
locals { people = toset(["ani"]) }
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = "${each.key}@x.id"
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = fake_account.a[each.key].email
}
output "accounts" {
  value = length(fake_account.a)
}
`
	records := map[string]string{
		`fake_account.a["ani"]`:      account("ani", `"email":"ani@x.id"`),
		`fake_verification.v["ani"]`: `{"subject":"ani@x.id","id":"v-1","status":"completed"}`,
	}
	for name, tc := range map[string]struct {
		extra    string
		deferred bool
		output   string // an output that must read the e-mail
	}{
		"a verification (and the keys of an output)": {deferred: true},
		"an output": {extra: `output "email" { value = fake_account.a["ani"].email }`, output: "email"},
		"a local of an output": {extra: `locals { e = fake_account.a["ani"].email }
output "via_local" { value = local.e }`, output: "via_local"},
		"a data source": {extra: `data "fake_lookup" "l" { input = fake_account.a["ani"].email }`},
		"a check": {extra: `check "mail" {
  assert {
    condition     = fake_account.a["ani"].email != ""
    error_message = "no e-mail"
  }
}`},
	} {
		t.Run(name, func(t *testing.T) {
			src := base + tc.extra
			fake := enginetest.NewProvider()
			res := mustPlanWith(t, src, stateOf(t, records), plans.Options{Refresh: true, RefreshOnly: true}, fake)
			if n := len(fake.CallsTo("ReadResource")); n != 2 {
				t.Errorf("%d records read, want both", n)
			}
			a := change(t, res.Plan, `fake_account.a["ani"]`)
			if a.Action != plans.NoOp || a.Deferred() != tc.deferred {
				t.Errorf("the account: %s, deferred %v; want a no-op, deferred %v", a.Action, a.Deferred(), tc.deferred)
			}
			for _, o := range res.Plan.Outputs {
				if o.Name == tc.output && (!o.Value.IsKnown() || o.Value.IsNull() || o.Value.AsString() != "ani@x.id") {
					t.Errorf("output %s = %#v, want the account's e-mail", o.Name, o.Value)
				}
			}
		})
	}
}
