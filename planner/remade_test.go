package planner_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// TestRefreshedRemadeByWalkSamePlan: the pre-pass keeps without a step
// each unchanged instance whose record a refresh reads (not settled: a
// verification whose outcome is still to be read) when nothing reads its
// attributes, and the walk makes the step again from the record; the plan
// is the one made with the pre-pass's steps kept: as printed
// (CompactNoOps) and as apply makes it (its refreshed outcomes a lazy
// block), with outcomes found, a record changed remotely, one gone, and
// none. Where a dependent reads an attribute of the batch, the steps are
// kept.
func TestRefreshedRemadeByWalkSamePlan(t *testing.T) {
	const keys = `
output "n" { value = length(fake_account.dep) }
`
	const read = keys + `
output "t" { value = fake_account.dep["p005"].tag }
`
	ty := enginetest.NewProvider().Schema().Resources["fake_account"].ImpliedType()
	dep := func(i int, id, tag string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal(fmt.Sprintf("d-p%03d", i)), "email": cty.NullVal(cty.String), "tag": cty.StringVal(tag),
			"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal(id),
			"profile": cty.NullVal(ty.AttributeType("profile")),
		})
	}
	outcomes := func(remote map[string]cty.Value) {
		for i := range 150 {
			if i%3 != 0 {
				remote[fmt.Sprintf(`fake_account.dep["p%03d"]`, i)] = dep(i, fmt.Sprintf("completed-%d", i), fmt.Sprintf("p%d@example.id", i))
			}
		}
		remote[`fake_account.dep["p004"]`] = dep(4, "failed-4", "p4@example.id")
	}
	drifted := func(remote map[string]cty.Value) {
		outcomes(remote)
		remote[`fake_account.dep["p002"]`] = dep(2, "id-d-p002", "changed@example.id")
		remote[`fake_account.dep["p003"]`] = cty.NullVal(cty.DynamicPseudoType)
	}
	cases := []struct {
		name   string
		src    string
		remote func(map[string]cty.Value)
		remade int // instances the pre-pass keeps for the walk to make again
	}{
		{"outcomes", keys, outcomes, 150},
		{"outcomes, one drifted, one gone", keys, drifted, 150},
		{"nothing found", keys, func(map[string]cty.Value) {}, 150},
		{"attributes read", read, outcomes, 0},
	}
	for _, tc := range cases {
		for _, asApply := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, apply %v", tc.name, asApply), func(t *testing.T) {
				src := compactSrc + compactDependents + tc.src
				plan := func(remaking bool) (*planner.Result, int) {
					defer planner.SetRemaking(remaking)()
					var mu sync.Mutex
					remade := map[string]bool{}
					defer planner.OnPreRemade(func(addr string) {
						mu.Lock()
						defer mu.Unlock()
						remade[addr] = true
					})()
					res := planRefreshed(t, src, tc.remote, asApply)
					return res, len(remade)
				}
				kept, none := plan(false)
				got, remade := plan(true)
				if none != 0 || remade != tc.remade {
					t.Fatalf("%d instances kept for the walk to make again (%d with it off), want %d", remade, none, tc.remade)
				}
				if k, g := kept.Plan.Summary(), got.Plan.Summary(); k != g || kept.Plan.HasChanges() != got.Plan.HasChanges() {
					t.Errorf("summary %+v (changes %v), want %+v (%v)", g, got.Plan.HasChanges(), k, kept.Plan.HasChanges())
				}
				if k, g := fmt.Sprint(kept.Plan.Finished), fmt.Sprint(got.Plan.Finished); k != g {
					t.Errorf("finished %s, want %s", g, k)
				}
				if k, g := outputsOf(kept.Plan), outputsOf(got.Plan); k != g {
					t.Errorf("outputs %s, want %s", g, k)
				}
				kept.ExpandNoOps()
				got.ExpandNoOps()
				if want, g := describe(t, kept.Plan), describe(t, got.Plan); g != want {
					t.Errorf("expanded plan differs:\n%s", lineDiff(want, g))
				}
				ks, gs := kept.Steps(), got.Steps()
				if len(ks) != len(gs) {
					t.Fatalf("%d steps, want %d", len(gs), len(ks))
				}
				for i := range ks {
					if gs[i].Addr() != ks[i].Addr() || got.ConfigDigest(gs[i]) != kept.ConfigDigest(ks[i]) || gs[i].Persist != ks[i].Persist {
						t.Errorf("step %d: %s digest %q persist %v, want %s digest %q persist %v", i, gs[i].Addr(), got.ConfigDigest(gs[i]), gs[i].Persist,
							ks[i].Addr(), kept.ConfigDigest(ks[i]), ks[i].Persist)
					}
				}
			})
		}
	}
}

// planRefreshed plans src, refreshing, against the digested state of its
// records (compactRecords with dependents) whose accounts are settled and
// whose dependents are not, with a provider whose remote holds what
// remote sets (an id of another form is an outcome found: Finishes), as
// printed (CompactNoOps) or as apply makes it (asApply).
func planRefreshed(t *testing.T, src string, remote func(map[string]cty.Value), asApply bool) *planner.Result {
	t.Helper()
	st := digestedState(t, src, compactRecords(true))
	settled := 0
	for addr, rec := range st.Resources {
		if rec.Name() != "dep" {
			st.Resources[addr].Settled = true
			settled++
		}
	}
	if settled != 151 {
		t.Fatalf("%d records settled, want the 151 accounts", settled)
	}
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	fake := enginetest.NewProvider()
	fake.Fingerprints, fake.Finishes = true, true
	remote(fake.Remote)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: plans.Options{Refresh: true}, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": fake}, CompactNoOps: true, ApplyOnly: asApply, LazyCreates: asApply,
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	if n := len(fake.CallsTo("ReadResource")); n != 150 {
		t.Fatalf("%d records read, want the 150 dependents'", n)
	}
	return res
}
