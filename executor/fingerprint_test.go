package executor_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// countingValidations counts ValidateResource by address besides the
// fake's calls.
type countingValidations struct {
	*enginetest.Provider
	mu    sync.Mutex
	addrs []string
}

func (p *countingValidations) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	p.mu.Lock()
	p.addrs = append(p.addrs, req.Addr)
	p.mu.Unlock()
	return p.Provider.ValidateResource(req)
}

// TestDependentUnchangedSkipsProvider: an instance of a resource that
// depends on another is planned without its provider when its
// configuration, which holds what it read of its dependency, is the one
// it was last applied with; apply records the digest of the configuration
// it applied (evaluated with the values apply produced). A changed
// upstream value, from the configuration or found by refresh, plans the
// dependent in full.
func TestDependentUnchangedSkipsProvider(t *testing.T) {
	src := func(budi string) string {
		return providerBlock + `
locals {
  people = { ani = "ani@example.id", budi = "` + budi + `" }
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
output "verified" {
  value = length(fake_verification.v)
}
`
	}
	backend := enginetest.NewBackend(nil)
	fake := &countingValidations{Provider: enginetest.NewProvider()}
	fake.Fingerprints = true
	provs := map[string]providers.Provider{"fake": fake}
	plan := func(t *testing.T, src string) *planner.Result {
		t.Helper()
		fake.mu.Lock()
		fake.addrs = nil
		fake.mu.Unlock()
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: enginetest.LoadConfig(t, src), State: backend.State(), Options: plans.Options{Refresh: true},
			Digester: enginetest.Digester{}, Providers: provs,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		return res
	}
	apply := func(t *testing.T, res *planner.Result) {
		t.Helper()
		rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
			Backend: backend, State: backend.State(), Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run",
		})
		if rep.Diagnostics.HasErrors() {
			t.Fatalf("apply: %s", rep.Diagnostics.Error())
		}
	}
	// planned lists the instances PlanResource was asked about since n
	// calls.
	planned := func(n int) []string {
		out := slices.Clone(fake.CallsTo("PlanResource")[n:])
		slices.Sort(out)
		return slices.Compact(out)
	}
	actionOf := func(t *testing.T, res *planner.Result, addr string) plans.Action {
		t.Helper()
		for _, c := range res.Plan.Changes {
			if c.Addr.String() == addr {
				return c.Action
			}
		}
		t.Fatalf("no change of %s", addr)
		return 0
	}
	const vAni, vBudi = `fake_verification.v["ani"]`, `fake_verification.v["budi"]`

	apply(t, plan(t, src("budi@example.id")))
	for _, addr := range []string{vAni, vBudi, `fake_account.a["ani"]`} {
		if rec := backend.Resource(addr); rec == nil || rec.ConfigDigest() == "" {
			t.Fatalf("%s recorded without a configuration digest: %+v", addr, rec)
		}
	}

	t.Run("unchanged", func(t *testing.T) {
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src("budi@example.id"))
		for _, c := range res.Plan.Changes {
			if c.Action != plans.NoOp {
				t.Errorf("%s: %s, want no-op", c.Addr, c.Action)
			}
		}
		if got := planned(n); len(got) > 0 {
			t.Errorf("PlanResource for %v, want none", got)
		}
		// The pre-pass checks each verification with its account's
		// values unknown; the walk does not validate them again.
		var vs []string
		for _, a := range fake.addrs {
			if strings.HasPrefix(a, "fake_verification.") {
				vs = append(vs, a)
			}
		}
		if slices.Sort(vs); !slices.Equal(vs, []string{vAni, vBudi}) {
			t.Errorf("verifications validated %v, want once each", vs)
		}
	})

	t.Run("upstream e-mail changed", func(t *testing.T) {
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src("budi@example.org"))
		if a := actionOf(t, res, vBudi); a != plans.Replace {
			t.Errorf("%s: %s, want replace (its subject reads the new e-mail)", vBudi, a)
		}
		if a := actionOf(t, res, vAni); a != plans.NoOp {
			t.Errorf("%s: %s, want no-op", vAni, a)
		}
		if got, want := planned(n), []string{`fake_account.a["budi"]`, vBudi}; !slices.Equal(got, want) {
			t.Errorf("PlanResource for %v, want %v", got, want)
		}
	})

	t.Run("upstream changed outside daftar", func(t *testing.T) {
		drift := cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "tag": cty.NullVal(cty.String),
			"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani-moved"),
			"profile": cty.NullVal(fake.Schema().Resources["fake_account"].Blocks["profile"].Block.ImpliedType()),
		})
		fake.mu.Lock()
		fake.Remote = map[string]cty.Value{`fake_account.a["ani"]`: drift}
		fake.mu.Unlock()
		defer func() { fake.mu.Lock(); fake.Remote = nil; fake.mu.Unlock() }()
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src("budi@example.id"))
		if a := actionOf(t, res, vAni); a != plans.Replace {
			t.Errorf("%s: %s, want replace (its subject reads the refreshed id)", vAni, a)
		}
		if got := planned(n); !slices.Contains(got, vAni) || slices.Contains(got, vBudi) {
			t.Errorf("PlanResource for %v, want %s and not %s", got, vAni, vBudi)
		}
	})

	t.Run("applied change recorded with its digest", func(t *testing.T) {
		apply(t, plan(t, src("budi@example.org")))
		n := len(fake.CallsTo("PlanResource"))
		res := plan(t, src("budi@example.org"))
		for _, c := range res.Plan.Changes {
			if c.Action != plans.NoOp {
				t.Errorf("%s: %s after its apply, want no-op", c.Addr, c.Action)
			}
		}
		if got := planned(n); len(got) > 0 {
			t.Errorf("PlanResource for %v after the apply, want none", got)
		}
	})
}
