package planner_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/zclconf/go-cty/cty"
)

// TestPredictedWholeIsBuilt: when the walk plans every account with the
// value the pre-pass predicted for it, it takes the predicted resource
// value over instead of building it again; that value must be the one it
// would have built (marks, unknowns and nulls included), the verifications
// and outputs that read it must see their records' values, and where an
// account changes, no prediction is taken over.
func TestPredictedWholeIsBuilt(t *testing.T) {
	src := `
locals {
  people = { ani = "ani@example.id", budi = "budi@example.id", "e\u0301" = "e@example.id", dewi = "dewi@example.id" }
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = each.value
  secret   = each.key == "budi" ? "s3cret" : null
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "${fake_account.a[each.key].email}/${fake_account.a[each.key].id}"
}
output "registered" { value = length(fake_account.a) }
output "verified" { value = length(fake_verification.v) }
output "ids" { value = { for k, a in fake_account.a : k => a.id } }
output "secrets" {
  value     = { for k, a in fake_account.a : k => a.secret }
  sensitive = true
}
`
	people := map[string]string{"ani": "ani@example.id", "budi": "budi@example.id", "é": "e@example.id", "dewi": "dewi@example.id"}
	records := map[string]string{}
	for n, email := range people {
		rec := strings.Replace(account(n, ""), `"email":null`, `"email":"`+email+`"`, 1)
		if n == "budi" {
			rec = strings.Replace(rec, `"secret":null`, `"secret":"s3cret"`, 1)
		}
		records[`fake_account.a["`+n+`"]`] = rec
		records[`fake_verification.v["`+n+`"]`] = `{"id":"v-` + n + `","status":"completed","subject":"` + email + `/id-` + n + `"}`
	}
	st := stateOf(t, records)
	fake := &validationCounter{Provider: enginetest.NewProvider(), validated: map[string]int{}}
	fake.Fingerprints, fake.SettledAccounts = true, true
	opts := plans.Options{Refresh: true}
	res := planOK(t, src, st, opts, fake)
	for _, s := range res.Steps() {
		rec := st.Resources[s.Addr()]
		rec.SetConfigDigest(res.ConfigDigest(s))
		rec.Settled = true // no refresh reads them
	}

	var mu sync.Mutex
	var taken []string
	defer planner.OnPredictedWhole(func(addr string, v, built cty.Value) {
		mu.Lock()
		defer mu.Unlock()
		taken = append(taken, addr)
		if !v.RawEquals(built) {
			t.Errorf("%s: took %#v, would have built %#v", addr, v, built)
		}
	})()
	res = planOK(t, src, st, opts, fake)
	if res.Plan.HasChanges() {
		t.Errorf("changes: %v", actions(res.Plan))
	}
	if !slices.Equal(taken, []string{"fake_account.a", "fake_verification.v"}) {
		t.Errorf("values taken over: %v, want fake_account.a's and fake_verification.v's (keys only)", taken)
	}
	wantIDs := map[string]cty.Value{}
	for n := range people {
		wantIDs[n] = cty.StringVal("id-" + n)
	}
	outputs := map[string]*plans.Output{}
	for _, o := range res.Plan.Outputs {
		outputs[o.Name] = o
	}
	for _, name := range []string{"registered", "verified"} {
		if o := outputs[name]; o == nil || !o.Value.RawEquals(cty.NumberIntVal(4)) {
			t.Errorf("%s = %#v, want 4", name, o)
		}
	}
	if o := outputs["ids"]; o == nil || !o.Value.RawEquals(cty.ObjectVal(wantIDs)) || o.Sensitive {
		t.Errorf("ids = %#v", o)
	}
	if o := outputs["secrets"]; o == nil || !o.Sensitive || !o.Value.GetAttr("budi").RawEquals(cty.StringVal("s3cret")) || !o.Value.GetAttr("ani").IsNull() {
		t.Errorf("secrets = %#v", o)
	}

	// Ani's record not settled, and her id changed remotely: the walk
	// plans her from the refreshed record, takes no prediction over, and
	// her verification reads her new id.
	taken = nil
	st.Resources[`fake_account.a["ani"]`].Settled = false
	fake.SettledAccounts = false
	fake.Remote = map[string]cty.Value{`fake_account.a["ani"]`: cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "tag": cty.NullVal(cty.String),
		"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani-moved"),
		"profile": cty.NullVal(fake.Schema().Resources["fake_account"].Blocks["profile"].Block.ImpliedType()),
	})}
	res = planOK(t, src, st, opts, fake)
	if len(taken) != 0 {
		t.Errorf("values taken over with an account refreshed: %v", taken)
	}
	for _, c := range res.Plan.Changes {
		if c.Addr.String() == `fake_verification.v["ani"]` && (c.Action != plans.Replace || c.After.GetAttr("subject").AsString() != "ani@example.id/id-ani-moved") {
			t.Errorf("%s: %s to %#v, want a replace reading the refreshed id", c.Addr, c.Action, c.After)
		}
	}
	for _, o := range res.Plan.Outputs {
		if o.Name == "ids" && !o.Value.GetAttr("ani").RawEquals(cty.StringVal("id-ani-moved")) {
			t.Errorf("ids = %#v, want ani's refreshed id", o.Value)
		}
	}
}
