package executor_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// saveAndLoad writes p as a plan file would hold it (no secrets) and
// reads it back.
func saveAndLoad(t *testing.T, p *plans.Plan) *plans.Plan {
	t.Helper()
	var buf bytes.Buffer
	if err := plans.Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	saved, err := plans.Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func changeOf(p *plans.Plan, addr string) *plans.Change {
	for _, c := range p.Changes {
		if c.Addr.String() == addr {
			return c
		}
	}
	return nil
}

type startedHooks struct {
	mu      sync.Mutex
	started []*plans.Change
}

func (h *startedHooks) ChangeStarted(c *plans.Change) {
	h.mu.Lock()
	h.started = append(h.started, c)
	h.mu.Unlock()
}
func (h *startedHooks) ChangeFinished(*plans.Change, error) {}
func (h *startedHooks) ChangeSkipped(*plans.Change, string) {}

// Apply of a saved plan runs the saved plan's changes, in its order; what
// the file left unknown (a secret, the id of an account created first) is
// evaluated again from the configuration and the state.
func TestApplySavedPlanValue(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name   = "ani"
  secret = "s3cret"
}`)
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != 1 || rep.Diagnostics.HasErrors() {
		t.Fatalf("first apply: %+v %s", rep, rep.Diagnostics.Error())
	}
	e.src = providerBlock + `
resource "fake_account" "a" {
  name   = "ani"
  email  = "ani@example.id"
  secret = "s3cret"
}
resource "fake_account" "b" {
  name = "budi"
  tag  = fake_account.a.id
}`
	res, st := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoad(t, res.Plan)
	if a := changeOf(saved, "fake_account.a"); a == nil || a.Action != plans.Update || a.Before.GetAttr("secret").IsKnown() {
		t.Fatalf("the plan file must leave the secret out: %#v", a)
	}
	fresh, st := e.plan(plans.Options{Refresh: true})
	eval, err := fresh.Evaluation(saved)
	if err != nil {
		t.Fatal(err)
	}
	var prior, sentB cty.Value
	var mu sync.Mutex
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		defer mu.Unlock()
		switch req.Addr {
		case "fake_account.a":
			prior = req.Prior
		case "fake_account.b":
			sentB = req.Config
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	hooks := &startedHooks{}
	rep := executor.Apply(context.Background(), saved, eval, executor.Options{Backend: e.backend, State: st, RunID: "r", Hooks: hooks, Providers: e.providers(), Digester: enginetest.Digester{}})
	if rep.Diagnostics.HasErrors() || rep.Added != 1 || rep.Changed != 1 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	if prior == cty.NilVal || !prior.GetAttr("secret").RawEquals(cty.StringVal("s3cret")) {
		t.Errorf("the update's prior must hold the secret the file left out, got %#v", prior)
	}
	if sentB == cty.NilVal || sentB.GetAttr("tag").AsString() != "id-ani" {
		t.Errorf("b must be sent with a's id, evaluated after a finished: %#v", sentB)
	}
	if len(hooks.started) != 2 {
		t.Fatalf("started %d changes, want 2", len(hooks.started))
	}
	for _, c := range hooks.started {
		if c != changeOf(saved, c.Addr.String()) {
			t.Errorf("%s ran from another plan than the saved one", c.Addr)
		}
	}
	if rec := e.backend.Resource("fake_account.b"); rec == nil || !strings.Contains(string(rec.Attributes), `"tag":"id-ani"`) {
		t.Errorf("b recorded as %+v", rec)
	}
}

// A saved plan whose instances are not the re-plan's is not bound.
func TestEvaluationRefusesOtherInstances(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
	res, _ := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoad(t, res.Plan)
	e.src = providerBlock + `
resource "fake_account" "z" {
  name = "zaki"
}`
	other, _ := e.plan(plans.Options{Refresh: true})
	_, err := other.Evaluation(saved)
	if err == nil || !strings.Contains(err.Error(), "fake_account.a") {
		t.Fatalf("got %v, want an error naming fake_account.a", err)
	}
}
