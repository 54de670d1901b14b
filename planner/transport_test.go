package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
)

// planProvider plans src, after the provider block prov, against st with
// the fake provider fake; compact is Request.CompactNoOps.
func planProvider(t *testing.T, prov, src string, st *state.State, fake *validations, compact bool) *planner.Result {
	t.Helper()
	cfg := enginetest.LoadConfig(t, prov+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Digester: enginetest.Digester{}, CompactNoOps: compact,
		Providers: map[string]providers.Provider{"fake": fake},
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// fakeWith is the fake provider's block with endpoint and token.
func fakeWith(endpoint, token string) string {
	return fmt.Sprintf("provider \"fake\" {\n  endpoint = %q\n  token    = %q\n}\n", endpoint, token)
}

// TestTransportSettingsOutOfDigests: a provider setting that says how to
// reach the API (Attribute.Transport: the fake's token, as USAPI's
// basic_auth or Proofylink's token and rate_limit) is not in the digest
// that plans an unchanged instance without its provider, so a rotated
// token leaves a batch on the fast path, while a setting the provider
// plans with (the fake's endpoint) does not. Records an older daftar
// digested with the transport settings are still recognized while those
// settings are unchanged; after they change, the provider plans them once
// and the plan gives the digest apply then records (today's), after which
// the next change of token is free.
func TestTransportSettingsOutOfDigests(t *testing.T) {
	records := compactRecords(false)
	n := len(records)
	// digests plans with prov against st and records the digests the plan
	// gives each instance, as apply records them.
	digests := func(t *testing.T, prov string, st *state.State) map[string]string {
		t.Helper()
		fake := &validations{Provider: enginetest.NewProvider()}
		fake.Fingerprints = true
		res := planProvider(t, prov, compactSrc, st, fake, false)
		out := map[string]string{}
		for _, s := range res.Steps() {
			if s.Change.Action != plans.NoOp {
				t.Fatalf("%s: %s, want a no-op", s.Addr(), s.Change.Action)
			}
			if d := res.ConfigDigest(s); d != "" {
				out[s.Addr()] = d
				st.Resources[s.Addr()].SetConfigDigest(d)
			}
		}
		if len(out) != n {
			t.Fatalf("%d instances digested, want %d", len(out), n)
		}
		return out
	}
	// full plans with prov against st and returns the instances its
	// provider planned (PlanResource), checking the plan holds no change.
	full := func(t *testing.T, prov string, st *state.State, compact bool) []string {
		t.Helper()
		fake := &validations{Provider: enginetest.NewProvider()}
		fake.Fingerprints = true
		res := planProvider(t, prov, compactSrc, st, fake, compact)
		if res.Plan.HasChanges() {
			t.Fatalf("plan with %q has changes", prov)
		}
		return fake.CallsTo("PlanResource")
	}

	for _, compact := range []bool{false, true} {
		t.Run(fmt.Sprintf("compact=%v", compact), func(t *testing.T) {
			st := stateOf(t, records)
			first := digests(t, fakeWith("sandbox", "token-a"), st)

			if planned := full(t, fakeWith("sandbox", "token-b"), st, compact); len(planned) != 0 {
				t.Errorf("a rotated token planned %d of %d instances in full (%s ...), want none", len(planned), n, planned[0])
			}
			if planned := full(t, fakeWith("elsewhere", "token-a"), st, compact); len(planned) != n {
				t.Errorf("a changed endpoint (a setting the fake plans with) planned %d of %d instances in full, want all", len(planned), n)
			}

			restore := planner.SetTransportOut(false)
			older := stateOf(t, records)
			legacy := digests(t, fakeWith("sandbox", "token-a"), older)
			restore()
			for addr, d := range legacy {
				if d == first[addr] {
					t.Fatalf("%s: the older digest is today's (%q): the test compares nothing", addr, d)
				}
			}
			if planned := full(t, fakeWith("sandbox", "token-a"), older, compact); len(planned) != 0 {
				t.Errorf("records an older daftar digested, settings unchanged: %d of %d instances planned in full, want none", len(planned), n)
			}
			if planned := full(t, fakeWith("sandbox", "token-b"), older, compact); len(planned) != n {
				t.Errorf("records an older daftar digested, token rotated: %d of %d instances planned in full, want all (their digests held the old token)", len(planned), n)
			}
			// What apply records after that plan is today's digest...
			backfilled := digests(t, fakeWith("sandbox", "token-b"), older)
			for addr, d := range backfilled {
				if d != first[addr] {
					t.Errorf("%s: recorded %q after the rotation, want today's digest %q", addr, d, first[addr])
				}
			}
			// ... so that the next rotation is free.
			if planned := full(t, fakeWith("sandbox", "token-c"), older, compact); len(planned) != 0 {
				t.Errorf("after the digests were recorded again, a second rotation planned %d of %d in full (%s)", len(planned), n, strings.Join(planned[:min(3, len(planned))], ", "))
			}
		})
	}
}
