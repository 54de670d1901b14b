package planner_test

import (
	"slices"
	"sync"
	"testing"

	"context"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"

	"github.com/daftar-dev/daftar/planner"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// mustPlanWith plans src (with the fake provider block prepended) against
// st with provider fake and the test digester.
func mustPlanWith(t *testing.T, src string, st *state.State, opts plans.Options, fake providers.Provider) *planner.Result {
	t.Helper()
	return mustPlanDigested(t, src, st, opts, fake, enginetest.Digester{})
}

// mustPlanDigested is mustPlanWith with the digester d.
func mustPlanDigested(t *testing.T, src string, st *state.State, opts plans.Options, fake providers.Provider, d providers.Digester) *planner.Result {
	t.Helper()
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: opts, Digester: d,
		Providers: map[string]providers.Provider{"fake": fake},
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// validations counts ValidateResource by address besides the fake's calls.
type validations struct {
	*enginetest.Provider
	mu    sync.Mutex
	addrs []string
}

func (p *validations) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	p.mu.Lock()
	p.addrs = append(p.addrs, req.Addr)
	p.mu.Unlock()
	return p.Provider.ValidateResource(req)
}

// TestUnchangedInstanceSkipsProvider: an instance whose stored digest is
// its configuration's is a no-op without ValidateResource or
// PlanResource; a changed configuration, -replace, a pending intent or a
// refreshed change plan it in full.
func TestUnchangedInstanceSkipsProvider(t *testing.T) {
	const src = `
resource "fake_account" "a" { name = "ani" }
resource "fake_account" "b" { name = "budi" }
`
	records := map[string]string{"fake_account.a": account("ani", ""), "fake_account.b": account("budi", "")}
	tests := map[string]struct {
		src    string
		opts   plans.Options
		change func(st *state.State, fake *enginetest.Provider)
		full   []string // the instances planned in full
		want   string
	}{
		"unchanged": {want: "fake_account.a no-op\nfake_account.b no-op"},
		"configuration changed": {
			src:  `resource "fake_account" "a" { name = "ani" }` + "\n" + `resource "fake_account" "b" { name = "budi2" }`,
			full: []string{"fake_account.b"}, want: "fake_account.a no-op\nfake_account.b update",
		},
		"lifecycle changed": {
			src:  `resource "fake_account" "a" { name = "ani" }` + "\n" + `resource "fake_account" "b" {` + "\n  name = \"budi\"\n  lifecycle {\n    ignore_changes = [tag]\n  }\n}",
			full: []string{"fake_account.b"}, want: "fake_account.a no-op\nfake_account.b no-op",
		},
		"replace": {
			opts: plans.Options{Refresh: true, Replace: []string{"fake_account.a"}},
			full: []string{"fake_account.a"}, want: "fake_account.a replace\nfake_account.b no-op",
		},
		"pending intent": {
			change: func(st *state.State, _ *enginetest.Provider) {
				st.Resources["fake_account.a"].SetPending(&state.Intent{ID: "i", Operation: "create"})
			},
			full: []string{"fake_account.a"}, want: "fake_account.a no-op\nfake_account.b no-op",
		},
		"refresh changed": {
			change: func(_ *state.State, fake *enginetest.Provider) {
				v, err := ctyjson.Unmarshal([]byte(account("ani", `"tag":"drift"`)), fake.Schema().Resources["fake_account"].ImpliedType())
				if err != nil {
					panic(err)
				}
				fake.Remote = map[string]cty.Value{"fake_account.a": v}
			},
			full: []string{"fake_account.a"}, want: "fake_account.a update\nfake_account.b no-op",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			st := digestedState(t, src, records)
			fake := &validations{Provider: enginetest.NewProvider()}
			fake.Fingerprints = true
			if tc.change != nil {
				tc.change(st, fake.Provider)
			}
			if tc.src == "" {
				tc.src = src
			}
			if tc.opts.Replace == nil {
				tc.opts.Refresh = true
			}
			res := mustPlanWith(t, tc.src, st, tc.opts, fake)
			if got := actions(res.Plan); got != tc.want {
				t.Fatalf("plan:\n%s\nwant:\n%s", got, tc.want)
			}
			planned := fake.CallsTo("PlanResource")
			slices.Sort(planned)
			planned = slices.Compact(planned)
			if !slices.Equal(planned, tc.full) && !(len(planned) == 0 && len(tc.full) == 0) {
				t.Errorf("PlanResource for %v, want %v", planned, tc.full)
			}
			for _, a := range fake.addrs {
				if !slices.Contains(tc.full, a) {
					t.Errorf("%s validated again, unchanged", a)
				}
			}
			for _, s := range res.Steps() {
				if s.Change.Action == plans.NoOp && !s.Change.After.RawEquals(s.Change.Before) {
					t.Errorf("%s: a no-op's After differs from its Before", s.Addr())
				}
			}
		})
	}
}
