package executor_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// TestBackfillDigestOfUnchanged: records without their configuration
// digest (as an older daftar wrote them) or with another one are planned
// in full, and their provider plans a no-op; apply, with nothing to
// change, records the digest with each, the record otherwise as stored,
// in writes of up to backfillBatch records (3 here); the next plan asks
// the provider for none of them.
func TestBackfillDigestOfUnchanged(t *testing.T) {
	src := providerBlock + `
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
`
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	provs := map[string]providers.Provider{"fake": fake}
	plan := func(t *testing.T, b *enginetest.Backend) *planner.Result {
		t.Helper()
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: enginetest.LoadConfig(t, src), State: b.State(), Options: plans.Options{Refresh: true},
			Digester: enginetest.Digester{}, Providers: provs,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		return res
	}
	apply := func(t *testing.T, b *enginetest.Backend, res *planner.Result) {
		t.Helper()
		rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
			Backend: b, State: b.State(), Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run",
		})
		if rep.Diagnostics.HasErrors() {
			t.Fatalf("apply: %s", rep.Diagnostics.Error())
		}
	}

	first := enginetest.NewBackend(nil)
	apply(t, first, plan(t, first))
	applied := first.State()
	if len(applied.Resources) != 4 {
		t.Fatalf("%d records after the first apply, want 4", len(applied.Resources))
	}
	// The records as an older daftar wrote them: no digest; one with
	// another digest (a changed input with no effect on the record).
	old := state.New()
	old.Lineage, old.Serial = applied.Lineage, applied.Serial
	for addr, r := range applied.Resources {
		if r.ConfigDigest() == "" {
			t.Fatalf("%s recorded without its digest by a clean apply", addr)
		}
		c := *r
		c.SetConfigDigest("")
		if addr == `fake_verification.v["budi"]` {
			c.SetConfigDigest("hmac-sha256:another")
		}
		old.Resources[addr] = &c
	}
	b := enginetest.NewBackend(old)

	n := len(fake.CallsTo("PlanResource"))
	res := plan(t, b)
	if res.Plan.HasChanges() {
		t.Fatal("the plan of unchanged records without digests has changes")
	}
	if got := len(fake.CallsTo("PlanResource")) - n; got != 4 {
		t.Fatalf("PlanResource called %d times for records without digests, want 4 (planned in full)", got)
	}
	if got := res.Backfills(); got != 4 {
		t.Fatalf("Backfills() = %d, want 4", got)
	}
	defer executor.SetBackfillBatch(3)()
	apply(t, b, res)
	var writes []state.Update
	for _, u := range b.Updates() {
		if len(u.Set) > 0 || len(u.Remove) > 0 {
			writes = append(writes, u)
		}
	}
	if len(writes) != 2 || len(writes[0].Set) != 3 || len(writes[1].Set) != 1 || len(writes[0].Remove)+len(writes[1].Remove) != 0 {
		t.Fatalf("apply wrote %d record updates (%+v), want two setting the 4 records, 3 then 1 (a batch of 3)", len(writes), writes)
	}
	for addr, want := range applied.Resources {
		got := b.Resource(addr)
		was := old.Resources[addr]
		switch {
		case got == nil:
			t.Errorf("%s gone", addr)
		case got.ConfigDigest() != want.ConfigDigest():
			t.Errorf("%s recorded with digest %q, want %q (the one a clean apply records)", addr, got.ConfigDigest(), want.ConfigDigest())
		case !bytes.Equal(backendtest.AttrsOf(got), backendtest.AttrsOf(was)) || !got.UpdatedAt().Equal(was.UpdatedAt()) || got.Settled != was.Settled:
			t.Errorf("%s changed beyond its digest: %+v, was %+v", addr, got, was)
		}
	}

	n = len(fake.CallsTo("PlanResource"))
	res = plan(t, b)
	if got := fake.CallsTo("PlanResource")[n:]; len(got) > 0 {
		t.Errorf("PlanResource for %v after the digests were recorded, want none", got)
	}
	if got := res.Backfills(); got != 0 {
		t.Errorf("Backfills() = %d once recorded, want 0", got)
	}
	before := len(b.Updates())
	apply(t, b, res)
	for _, u := range b.Updates()[before:] {
		if len(u.Set) > 0 {
			t.Errorf("an apply with every digest recorded wrote %d records", len(u.Set))
		}
	}
}
