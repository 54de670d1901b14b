package executor_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/hashicorp/hcl/v2"
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
	res, _ := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoad(t, res.Plan)
	if a := changeOf(saved, "fake_account.a"); a == nil || a.Action != plans.Update || a.Before.GetAttr("secret").IsKnown() {
		t.Fatalf("the plan file must leave the secret out: %#v", a)
	}
	eval, st, diags := e.bind(saved)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
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
	if rec := e.backend.Resource("fake_account.b"); rec == nil || !strings.Contains(string(backendtest.AttrsOf(rec)), `"tag":"id-ani"`) {
		t.Errorf("b recorded as %+v", rec)
	}
}

// bind binds a saved plan to e's configuration as apply PLANFILE does,
// without planning again.
func (e *env) bind(saved *plans.Plan) (*planner.Evaluation, *state.State, hcl.Diagnostics) {
	e.t.Helper()
	st := e.backend.State()
	_, eval, diags := planner.Bind(context.Background(), &planner.Request{
		Config: enginetest.LoadConfig(e.t, e.src), State: st, Options: saved.Options, Digester: enginetest.Digester{},
		Providers: e.providers(), Reviewed: true,
	}, saved)
	return eval, st, diags
}

// A saved plan bound without planning again runs as reviewed: a value
// edited since is sent as it was planned, the secret the file left out is
// read from the configuration, an instance added since is not applied,
// and a dependent gets the id its account was created with. Nothing is
// read or planned by the provider before the apply.
func TestBindAppliesTheSavedPlanAsReviewed(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  for_each = toset(["ani", "budi"])
  name     = each.key
  email    = "${each.key}@example.id"
  secret   = "s3cret"
}
resource "fake_verification" "v" {
  for_each = toset(["ani", "budi"])
  subject  = fake_account.a[each.key].id
}`)
	res, _ := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoad(t, res.Plan)
	if c := changeOf(saved, `fake_account.a["ani"]`); c == nil || c.Config.GetAttr("secret").IsKnown() || c.Config.GetAttr("email").AsString() != "ani@example.id" {
		t.Fatalf("the plan file keeps the configuration without its secret: %#v", c)
	}
	e.src = strings.Replace(e.src, `["ani", "budi"]`, `["ani", "budi", "citra"]`, 1)
	e.src = strings.ReplaceAll(e.src, `"${each.key}@example.id"`, `"${each.key}@edited.id"`)
	callsBefore := len(e.fake.Calls())
	eval, st, diags := e.bind(saved)
	if diags.HasErrors() {
		t.Fatalf("bind: %s", diags.Error())
	}
	for _, c := range e.fake.Calls()[callsBefore:] {
		if c.Method != "Configure" {
			t.Errorf("binding called the provider's %s for %s", c.Method, c.Addr)
		}
	}
	var mu sync.Mutex
	sent := map[string]cty.Value{}
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = req.Config
		mu.Unlock()
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	rep := executor.Apply(context.Background(), saved, eval, executor.Options{Backend: e.backend, State: st, RunID: "r", Providers: e.providers(), Digester: enginetest.Digester{}})
	if rep.Diagnostics.HasErrors() || rep.Added != 4 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	ani := sent[`fake_account.a["ani"]`]
	if ani == cty.NilVal || ani.GetAttr("email").AsString() != "ani@example.id" || ani.GetAttr("secret").AsString() != "s3cret" {
		t.Errorf("ani sent as %#v, want the reviewed e-mail and the secret", ani)
	}
	if _, ok := sent[`fake_account.a["citra"]`]; ok {
		t.Error("an instance added after the plan was applied")
	}
	if v := sent[`fake_verification.v["budi"]`]; v == cty.NilVal || v.GetAttr("subject").AsString() != "id-budi" {
		t.Errorf("the verification was sent as %#v, want its account's id", v)
	}
}

// A secret changed since the plan: the configuration reviewed cannot be
// sent, and binding fails naming the change.
func TestBindRefusesAChangedSecret(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name   = "ani"
  secret = "s3cret"
}`)
	res, _ := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoad(t, res.Plan)
	e.src = strings.ReplaceAll(e.src, "s3cret", "other")
	_, _, diags := e.bind(saved)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "fake_account.a") || !strings.Contains(diags.Error(), "sensitive inputs") {
		t.Fatalf("got %v, want a refusal naming fake_account.a", diags)
	}
}

// saveAndLoadPacked writes p as a plan file and reads it back as apply
// PLANFILE does: each create's values left encoded (PackCreates).
func saveAndLoadPacked(t *testing.T, p *plans.Plan) *plans.Plan {
	t.Helper()
	var buf bytes.Buffer
	if err := plans.Save(&buf, p); err != nil {
		t.Fatal(err)
	}
	rd, err := plans.NewReader(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	rd.PackCreates = true
	saved, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// A saved batch (more instances than a plan keeps decoded) is read and
// bound with its creates encoded, and applied as reviewed all the same:
// each account is sent with the e-mail reviewed (edited since) and the
// secret the file left out, each verification with its account's id
// (unknown in the file), a row added since is not applied; and what
// binding completed (the secret) is what is sent, not the file's unknown.
func TestBindSavedBatchKeepsCreatesPacked(t *testing.T) {
	e := newEnv(t, `
locals {
  people = toset([for i in range(150) : "p${i}"])
}
resource "fake_account" "a" {
  for_each = local.people
  name     = each.key
  email    = "${each.key}@example.id"
  secret   = "s3cret"
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = fake_account.a[each.key].id
}`)
	res, _ := e.plan(plans.Options{Refresh: true})
	saved := saveAndLoadPacked(t, res.Plan)
	for _, c := range saved.Changes {
		if c.Action != plans.Create || !c.Deferred() {
			t.Fatalf("%s (%s) was not read packed", c.Addr, c.Action)
		}
	}
	e.src = strings.Replace(e.src, "range(150)", "range(151)", 1)
	e.src = strings.ReplaceAll(e.src, `"${each.key}@example.id"`, `"${each.key}@edited.id"`)
	eval, st, diags := e.bind(saved)
	if diags.HasErrors() {
		t.Fatalf("bind: %s", diags.Error())
	}
	for _, c := range saved.Changes {
		if !c.Deferred() {
			t.Fatalf("%s is held decoded after binding", c.Addr)
		}
	}
	var mu sync.Mutex
	sent := map[string]cty.Value{}
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = req.Config
		mu.Unlock()
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	rep := executor.Apply(context.Background(), saved, eval, executor.Options{Backend: e.backend, State: st, RunID: "r", Providers: e.providers(), Digester: enginetest.Digester{}, Parallelism: 8})
	if rep.Diagnostics.HasErrors() || rep.Added != 300 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	if len(sent) != 300 {
		t.Fatalf("%d creates sent, want 300", len(sent))
	}
	for i := range 150 {
		k := fmt.Sprintf("p%d", i)
		a := sent[`fake_account.a["`+k+`"]`]
		if a == cty.NilVal || a.GetAttr("email").AsString() != k+"@example.id" || !a.GetAttr("secret").IsKnown() || a.GetAttr("secret").AsString() != "s3cret" {
			t.Fatalf("%s sent as %#v, want the reviewed e-mail and the secret", k, a)
		}
		if v := sent[`fake_verification.v["`+k+`"]`]; v == cty.NilVal || v.GetAttr("subject").AsString() != "id-"+k {
			t.Fatalf("the verification of %s was sent as %#v, want its account's id", k, v)
		}
		if rec := e.backend.Resource(`fake_account.a["` + k + `"]`); rec == nil || !strings.Contains(string(backendtest.AttrsOf(rec)), `"email":"`+k+`@example.id"`) {
			t.Fatalf("%s recorded as %+v", k, rec)
		}
	}
	if _, ok := sent[`fake_account.a["p150"]`]; ok {
		t.Error("an instance added after the plan was applied")
	}
}
