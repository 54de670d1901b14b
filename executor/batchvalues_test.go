package executor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// TestApplyBatchPackedCreates: a batch's creates keep their configuration
// and planned value encoded in the plan until apply reaches them
// (plans.Change.Pack); each is read when it is scheduled, sent with its own
// configuration (a dependent with the value its own upstream instance was
// given), and a finished change keeps no value.
func TestApplyBatchPackedCreates(t *testing.T) {
	const n = 150 // more than a resource the planner keeps decoded
	e := newEnv(t, fmt.Sprintf(`
resource "fake_account" "p" {
  count = %d
  name  = "p${count.index}"
}
resource "fake_account" "v" {
  count = %d
  name  = "v${count.index}"
  tag   = fake_account.p[count.index].id
}`, n, n))
	e.fake.Fingerprints = true // the accounts' records get their configuration's digest
	var mu sync.Mutex
	sent := map[string]cty.Value{}
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = req.Config
		mu.Unlock()
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	res, st := e.plan(plans.Options{Refresh: true})
	packed := 0
	for _, c := range res.Plan.Changes {
		if c.Deferred() {
			packed++
		}
	}
	if packed != 2*n {
		t.Errorf("%d creates packed, want all %d", packed, 2*n)
	}
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: e.backend, State: st, Providers: e.providers(), Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 8})
	if rep.Diagnostics.HasErrors() || rep.Added != 2*n {
		t.Fatalf("added %d of %d: %s", rep.Added, 2*n, rep.Diagnostics.Error())
	}
	for i := 0; i < n && !t.Failed(); i++ {
		p, v := fmt.Sprintf("fake_account.p[%d]", i), fmt.Sprintf("fake_account.v[%d]", i)
		if got := sent[p].GetAttr("name").AsString(); got != fmt.Sprintf("p%d", i) {
			t.Errorf("%s sent with name %q", p, got)
		}
		if got := sent[v].GetAttr("tag").AsString(); got != fmt.Sprintf("id-p%d", i) {
			t.Errorf("%s sent with tag %q, want its own account's id", v, got)
		}
		if rec := e.backend.Resource(p); rec == nil || rec.ConfigDigest() == "" {
			t.Errorf("%s: recorded without the digest of its configuration", p)
		}
	}
	for _, c := range res.Plan.Changes {
		if c.Config != cty.NilVal || c.After != cty.NilVal {
			t.Errorf("%s still holds its values after it finished", c.Addr)
			break
		}
	}
}

// TestApplyBatchOntoUnchanged: dependents added to a batch already applied
// read the unchanged instances, whose planned values the plan leaves in
// their state records (and whose configurations it drops) once the value
// dependents read is made.
func TestApplyBatchOntoUnchanged(t *testing.T) {
	const n = 150
	accounts := fmt.Sprintf(`
resource "fake_account" "p" {
  count = %d
  name  = "p${count.index}"
}`, n)
	e := newEnv(t, accounts)
	e.fake.Fingerprints = true // unchanged since apply: planned without the provider
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != n || rep.Diagnostics.HasErrors() {
		t.Fatalf("added %d of %d: %s", rep.Added, n, rep.Diagnostics.Error())
	}
	e.src += fmt.Sprintf(`
resource "fake_account" "v" {
  count = %d
  name  = "v${count.index}"
  tag   = fake_account.p[count.index].id
}`, n)
	var mu sync.Mutex
	sent := map[string]cty.Value{}
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = req.Config
		mu.Unlock()
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	res, st := e.plan(plans.Options{Refresh: true})
	deferred := 0
	for _, c := range res.Plan.Changes {
		if c.Addr.Resource.Name == "p" && c.Action == plans.NoOp && c.Deferred() {
			deferred++
		}
	}
	if deferred != n {
		t.Errorf("%d unchanged accounts left in their records, want %d", deferred, n)
	}
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: e.backend, State: st, Providers: e.providers(), Digester: enginetest.Digester{}, RunID: "test-run"})
	if rep.Diagnostics.HasErrors() || rep.Added != n {
		t.Fatalf("added %d of %d: %s", rep.Added, n, rep.Diagnostics.Error())
	}
	for i := 0; i < n && !t.Failed(); i++ {
		v := fmt.Sprintf("fake_account.v[%d]", i)
		if got := sent[v].GetAttr("tag").AsString(); got != fmt.Sprintf("id-p%d", i) {
			t.Errorf("%s sent with tag %q, want its own account's id", v, got)
		}
	}
}
