package planner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// digestedState returns the state of src's accounts as recorded by clean
// applies: their stored values with their configuration digests.
func digestedState(t *testing.T, src string, records map[string]string) *state.State {
	t.Helper()
	st := stateOf(t, records)
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	res := mustPlanWith(t, src, st, plans.Options{}, fake)
	for _, s := range res.Steps() {
		d := res.ConfigDigest(s)
		if d == "" || s.Change.Action != plans.NoOp {
			t.Fatalf("%s: %s with digest %q, want a no-op with a digest", s.Addr(), s.Change.Action, d)
		}
		st.Resources[s.Addr()].SetConfigDigest(d)
	}
	return st
}

// TestUnchangedInstanceDeferred: a no-op decided from the fingerprint
// alone, that no refresh reads and nothing refers to, leaves its stored
// value undecoded until the plan is printed or saved; Plan.Read then gives
// the stored value.
func TestUnchangedInstanceDeferred(t *testing.T) {
	const src = `
resource "fake_account" "a" {
  name = "ani"
  tag  = "x"
}
resource "fake_account" "b" { name = "budi" }
`
	records := map[string]string{"fake_account.a": account("ani", `"tag":"x"`), "fake_account.b": account("budi", "")}
	t.Run("deferred", func(t *testing.T) {
		st := digestedState(t, src, records)
		fake := enginetest.NewProvider()
		fake.Fingerprints = true
		res := mustPlanWith(t, src, st, plans.Options{}, fake)
		for _, c := range res.Plan.Changes {
			if !c.Deferred() || c.Action != plans.NoOp {
				t.Fatalf("%s: %s, deferred %v; want a deferred no-op", c.Addr, c.Action, c.Deferred())
			}
		}
		if calls := fake.CallsTo("PlanResource"); len(calls) > 0 {
			t.Errorf("PlanResource called for %v", calls)
		}
		if err := res.Plan.Read(); err != nil {
			t.Fatal(err)
		}
		ty := fake.Schema().Resources["fake_account"].ImpliedType()
		for _, c := range res.Plan.Changes {
			want, err := ctyjson.Unmarshal([]byte(records[c.Addr.String()]), ty)
			if err != nil {
				t.Fatal(err)
			}
			if c.Deferred() || !c.Before.RawEquals(want) || !c.After.RawEquals(want) {
				t.Errorf("%s after Read: deferred %v, before %#v, after %#v; want the stored value", c.Addr, c.Deferred(), c.Before, c.After)
			}
		}
	})
	t.Run("referenced", func(t *testing.T) {
		withOutput := src + `output "tag" { value = fake_account.a.tag }`
		st := digestedState(t, withOutput, records)
		res := mustPlanWith(t, withOutput, st, plans.Options{}, func() *enginetest.Provider {
			f := enginetest.NewProvider()
			f.Fingerprints = true
			return f
		}())
		for _, c := range res.Plan.Changes {
			if deferred := c.Deferred(); deferred != (c.Addr.String() == "fake_account.b") {
				t.Errorf("%s: deferred %v; only what nothing refers to may be", c.Addr, deferred)
			}
		}
		if got := res.Plan.Outputs[0].Value; got.AsString() != "x" {
			t.Errorf("output tag = %#v, want the stored \"x\"", got)
		}
	})
	t.Run("settled", func(t *testing.T) {
		st := digestedState(t, src, records)
		for _, rec := range st.Resources {
			rec.Settled = true
		}
		fake := enginetest.NewProvider()
		fake.Fingerprints, fake.SettledAccounts = true, true
		res := mustPlanWith(t, src, st, plans.Options{Refresh: true}, fake)
		for _, c := range res.Plan.Changes {
			if !c.Deferred() {
				t.Errorf("%s not deferred, though settled: a refresh would not read it", c.Addr)
			}
		}
		if calls := fake.CallsTo("ReadResource"); len(calls) > 0 {
			t.Errorf("ReadResource called for %v", calls)
		}
		// -refresh-only reads every record anyway; one found unchanged,
		// which nothing refers to, keeps its values in the state record.
		res = mustPlanWith(t, src, st, plans.Options{Refresh: true, RefreshOnly: true}, fake)
		if n := len(fake.CallsTo("ReadResource")); n != 2 {
			t.Errorf("a -refresh-only plan read %d records; want both", n)
		}
		if err := res.Plan.Read(); err != nil {
			t.Fatal(err)
		}
		ty := fake.Schema().Resources["fake_account"].ImpliedType()
		for _, c := range res.Plan.Changes {
			want, err := ctyjson.Unmarshal([]byte(records[c.Addr.String()]), ty)
			if err != nil {
				t.Fatal(err)
			}
			if c.Action != plans.NoOp || !c.Before.RawEquals(want) || !c.After.RawEquals(want) {
				t.Errorf("%s in a -refresh-only plan: %v, before %#v, after %#v; want a no-op holding the stored value", c.Addr, c.Action, c.Before, c.After)
			}
		}
	})
	t.Run("refreshed", func(t *testing.T) {
		// Records not settled are read; one found unchanged, which nothing
		// refers to, keeps its values in the state record, and one changed
		// remotely holds what the refresh read, to be recorded by apply.
		st := digestedState(t, src, records)
		fake := enginetest.NewProvider()
		fake.Fingerprints = true
		ty := fake.Schema().Resources["fake_account"].ImpliedType()
		remote, err := ctyjson.Unmarshal([]byte(account("budi", `"email":"budi@remote.id"`)), ty)
		if err != nil {
			t.Fatal(err)
		}
		fake.Remote["fake_account.b"] = remote
		res := mustPlanWith(t, src, st, plans.Options{Refresh: true}, fake)
		if n := len(fake.CallsTo("ReadResource")); n != 2 {
			t.Errorf("%d refreshes, want 2", n)
		}
		if a := change(t, res.Plan, "fake_account.a"); !a.Deferred() || a.Action != plans.NoOp {
			t.Errorf("fake_account.a: %s, deferred %v; want a deferred no-op once read unchanged", a.Action, a.Deferred())
		}
		if b := change(t, res.Plan, "fake_account.b"); b.Deferred() || !b.Persist || !b.Before.RawEquals(remote) {
			t.Errorf("fake_account.b: deferred %v, persist %v, before %#v; want the value read, to be recorded", b.Deferred(), b.Persist, b.Before)
		} else if b.Action != plans.Update || !b.After.GetAttr("email").IsNull() || b.After.GetAttr("name").AsString() != "budi" {
			// The pre-pass let go of its configuration, expecting a no-op:
			// the walk evaluates it again to plan the update back to it.
			t.Errorf("fake_account.b: %s to %#v; want an update back to the configuration", b.Action, b.After)
		}
		if n := len(fake.CallsTo("PlanResource")); n != 1 {
			t.Errorf("PlanResource called %d times; want once, for the account changed remotely", n)
		}
		if err := res.Plan.Read(); err != nil {
			t.Fatal(err)
		}
		want, err := ctyjson.Unmarshal([]byte(records["fake_account.a"]), ty)
		if err != nil {
			t.Fatal(err)
		}
		if a := change(t, res.Plan, "fake_account.a"); !a.Before.RawEquals(want) || !a.After.RawEquals(want) {
			t.Errorf("fake_account.a after Read: before %#v, after %#v; want the stored value", a.Before, a.After)
		}
	})
}

// TestDroppedConfigsStillChecked: the pre-pass drops the configurations of
// unchanged instances as soon as they joined their provider's check, and
// the rules across instances still see them: two unchanged accounts with
// one name are an error.
func TestDroppedConfigsStillChecked(t *testing.T) {
	// Each account's digest is recorded from a configuration where it is
	// alone, as if the two had been applied separately.
	a := digestedState(t, `resource "fake_account" "a" { name = "ani" }`, map[string]string{"fake_account.a": account("ani", "")})
	b := digestedState(t, `resource "fake_account" "b" { name = "ani" }`, map[string]string{"fake_account.b": account("ani", "")})
	st := a
	st.Resources["fake_account.b"] = b.Resources["fake_account.b"]
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	cfg := enginetest.LoadConfig(t, providerBlock+`
resource "fake_account" "a" { name = "ani" }
resource "fake_account" "b" { name = "ani" }
`)
	_, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: map[string]cty.Value{}, State: st, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": fake},
	})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate account name") || !strings.Contains(diags.Error(), "fake_account.a") {
		t.Fatalf("plan: %v; want the duplicate name of fake_account.b, naming fake_account.a", diags)
	}
	if calls := fake.CallsTo("PlanResource"); len(calls) > 0 {
		t.Errorf("PlanResource called for %v before the error", calls)
	}
}

// TestDependentsStillChecked: the walk checks the configurations of a
// resource that depends on another (the pre-pass saw them with unknown
// values) as it plans them, and an unchanged instance's configuration,
// forgotten once planned, is still in the check: two accounts with one
// name are an error, though neither is planned by the provider.
func TestDependentsStillChecked(t *testing.T) {
	// Each account's digest is recorded from a configuration where it is
	// alone, as if the two had been applied separately.
	a := digestedState(t, `resource "fake_account" "a" { name = "ani" }`, map[string]string{"fake_account.a": account("ani", "")})
	b := digestedState(t, `resource "fake_account" "b" { name = "ani" }`, map[string]string{"fake_account.b": account("ani", "")})
	st := a
	st.Resources["fake_account.b"] = b.Resources["fake_account.b"]
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	cfg := enginetest.LoadConfig(t, providerBlock+`
resource "fake_account" "a" { name = "ani" }
resource "fake_account" "b" { name = fake_account.a.name }
`)
	_, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: map[string]cty.Value{}, State: st, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": fake},
	})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Duplicate account name") || !strings.Contains(diags.Error(), "fake_account.a") {
		t.Fatalf("plan: %v; want the duplicate name of fake_account.b, naming fake_account.a", diags)
	}
	if calls := fake.CallsTo("PlanResource"); len(calls) > 0 {
		t.Errorf("PlanResource called for %v: unchanged since apply", calls)
	}
}

// TestRecordSettled: the record of a value its provider calls settled says
// so; another provider's, or another value's, does not.
func TestRecordSettled(t *testing.T) {
	const src = `resource "fake_account" "a" { name = "ani" }`
	for _, settledAccounts := range []bool{true, false} {
		fake := enginetest.NewProvider()
		fake.SettledAccounts = settledAccounts
		res := mustPlanWith(t, src, state.New(), plans.Options{}, fake)
		s := res.Steps()[0]
		v, err := ctyjson.Unmarshal([]byte(account("ani", "")), fake.Schema().Resources["fake_account"].ImpliedType())
		if err != nil {
			t.Fatal(err)
		}
		rec, err := res.Record(s, v, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if rec.Settled != settledAccounts {
			t.Errorf("with SettledAccounts %v, the record's Settled is %v", settledAccounts, rec.Settled)
		}
	}
}

// TestTargetKeepsOthersUnread: with -target, the stored instances left
// out are no-ops whose values are read only when printed, and read as
// stored.
func TestTargetKeepsOthersUnread(t *testing.T) {
	const src = `
resource "fake_account" "p" {
  for_each = toset(["ani", "budi"])
  name     = each.key
}
`
	records := map[string]string{`fake_account.p["ani"]`: account("ani", `"tag":"kept"`), `fake_account.p["budi"]`: account("budi", "")}
	st := stateOf(t, records)
	res := mustPlanWith(t, src, st, plans.Options{Targets: []string{`fake_account.p["budi"]`}}, enginetest.NewProvider())
	var kept *plans.Change
	for _, c := range res.Plan.Changes {
		if c.Addr.String() == `fake_account.p["ani"]` {
			kept = c
		}
	}
	if kept == nil || !kept.Deferred() || kept.Action != plans.NoOp {
		t.Fatalf("the instance left out by -target: %+v; want a deferred no-op", kept)
	}
	if err := res.Plan.Read(); err != nil {
		t.Fatal(err)
	}
	if tag := kept.After.GetAttr("tag"); tag.AsString() != "kept" {
		t.Errorf("read as %#v, want the stored value", kept.After)
	}
}
