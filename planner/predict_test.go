package planner_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// TestPredictedUpstreamWithRefresh: with refresh on, the pre-pass predicts
// the accounts' values only when no refresh reads them (settled records),
// and then no verification is validated again; an account whose record is
// not settled is read by refresh, and a change found there reaches its
// verification (where the accounts are projected, that account is a hole
// in their prediction, and only its verification is evaluated again). A resource read whole (values()) is predicted too: the walk
// decodes its records itself and confirms the prediction before taking the
// verifications over.
func TestPredictedUpstreamWithRefresh(t *testing.T) {
	// validated are the verifications validated once Ani's account is
	// refreshed: each by the pre-pass with its account unknown, Ani's
	// again by the walk with her new id; where the accounts' attributes
	// are projected, Ani's is a hole in their prediction (predictValues)
	// and Budi's verification, which reads none, is not validated at all
	// (unchanged since apply, it is taken over from the pre-pass).
	for _, tc := range []struct {
		name      string
		extra     string
		validated []string
	}{
		{"projected", `output "registered" { value = length(fake_account.a) }`, []string{`fake_verification.v["ani"]`, `fake_verification.v["ani"]`}},
		{"read whole", `output "first" {
  value     = values(fake_account.a)[0].name
  sensitive = true
}`, []string{`fake_verification.v["ani"]`, `fake_verification.v["ani"]`, `fake_verification.v["budi"]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `
locals {
  people = { ani = "ani@example.id", budi = "budi@example.id" }
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = each.value
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "${fake_account.a[each.key].email}/${fake_account.a[each.key].id}"
}
` + tc.extra
			records := map[string]string{}
			for _, n := range []string{"ani", "budi"} {
				records[`fake_account.a["`+n+`"]`] = account(n, `"email":"`+n+`@example.id"`)
				records[`fake_verification.v["`+n+`"]`] = `{"id":"v-` + n + `","status":"completed","subject":"` + n + `@example.id/id-` + n + `"}`
			}
			st := stateOf(t, records)
			fake := &validationCounter{Provider: enginetest.NewProvider(), validated: map[string]int{}}
			fake.Fingerprints, fake.SettledAccounts = true, true
			opts := plans.Options{Refresh: true}
			// The first plan records the digests, as apply would.
			res, diags := runState(t, src, st, opts, fake)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			for _, s := range res.Steps() {
				rec := st.Resources[s.Addr()]
				rec.SetConfigDigest(res.ConfigDigest(s))
				rec.Settled = s.Change.Addr.Resource.Type == "fake_account"
			}
			validatedVerifications := func() []string {
				fake.mu.Lock()
				defer fake.mu.Unlock()
				var out []string
				for a, n := range fake.validated {
					if a[:len("fake_verification")] == "fake_verification" {
						for range n {
							out = append(out, a)
						}
					}
				}
				fake.validated = map[string]int{}
				slices.Sort(out)
				return out
			}
			validatedVerifications()

			res = planOK(t, src, st, opts, fake)
			if res.Plan.HasChanges() {
				t.Errorf("changes: %v", actions(res.Plan))
			}
			if got := validatedVerifications(); len(got) > 0 {
				t.Errorf("verifications validated %v, want none: their settled accounts cannot change in this plan", got)
			}
			for _, o := range res.Plan.Outputs {
				if v, _ := o.Value.UnmarkDeep(); o.Name == "first" && !v.RawEquals(cty.StringVal("ani")) {
					t.Errorf("output first = %#v", o.Value)
				}
			}

			// Ani's record not settled: refresh reads it and finds its id
			// changed; her verification reads the new one.
			ani := st.Resources[`fake_account.a["ani"]`]
			ani.Settled, fake.SettledAccounts = false, false
			fake.Remote = map[string]cty.Value{`fake_account.a["ani"]`: cty.ObjectVal(map[string]cty.Value{
				"name": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "tag": cty.NullVal(cty.String),
				"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani-moved"),
				"profile": cty.NullVal(fake.Schema().Resources["fake_account"].Blocks["profile"].Block.ImpliedType()),
			})}
			res = planOK(t, src, st, opts, fake)
			for _, c := range res.Plan.Changes {
				switch c.Addr.String() {
				case `fake_verification.v["ani"]`:
					if c.Action != plans.Replace || c.After.GetAttr("subject").AsString() != "ani@example.id/id-ani-moved" {
						t.Errorf("%s: %s to %#v, want a replace reading the refreshed id", c.Addr, c.Action, c.After)
					}
				case `fake_verification.v["budi"]`:
					if c.Action != plans.NoOp {
						t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
					}
				}
			}
			if got := validatedVerifications(); !slices.Equal(got, tc.validated) {
				t.Errorf("verifications validated %v, want %v", got, tc.validated)
			}
		})
	}
}

// validationCounter counts ValidateResource calls per address.
type validationCounter struct {
	*enginetest.Provider
	mu        sync.Mutex
	validated map[string]int
}

func (p *validationCounter) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	p.mu.Lock()
	p.validated[req.Addr]++
	p.mu.Unlock()
	return p.Provider.ValidateResource(req)
}

func planOK(t *testing.T, src string, st *state.State, opts plans.Options, fake *validationCounter) *planner.Result {
	t.Helper()
	res, diags := runState(t, src, st, opts, fake)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return res
}
