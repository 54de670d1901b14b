package executor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
)

// An account whose create stopped after registering it (the answer lost,
// the profile never sent) is found by the resolution without its
// profile: the create's later steps must still be carried out.
const accountWithProfile = `
resource "fake_account" "a" {
  name = "ani"
  profile {
    city = "Jakarta"
  }
}`

// adoptedAni is the record a resolution finds: the account without the
// profile the create would have set after registering it.
func adoptedAni() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("ani"), "email": cty.NullVal(cty.String), "tag": cty.NullVal(cty.String),
		"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-adopted"),
		"profile": cty.NullVal(cty.Object(map[string]cty.Type{"city": cty.String})),
	})
}

func adopt(providers.ResolveRequest) providers.ResolveResponse {
	return providers.ResolveResponse{Resolution: providers.Adopted, NewState: adoptedAni(), Message: "found id-adopted"}
}

func TestAdoptedDuringApplyIsCompleted(t *testing.T) {
	e := newEnv(t, accountWithProfile)
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		if req.Operation == providers.Create {
			return providers.ApplyResponse{Uncertain: true, NewState: cty.NullVal(req.Planned.Type()),
				Diagnostics: providers.Diagnostics{}.Errorf(nil, "Outcome unknown", "the connection was cut")}
		}
		return providers.ApplyResponse{NewState: req.Planned}
	}
	e.fake.OnResolve = adopt
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Added != 1 || rep.Failed != 0 || rep.Diagnostics.HasErrors() {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	if got := applyOps(e.fake); got != "create update" {
		t.Fatalf("provider applies: %s, want create then update (the profile)", got)
	}
	assertRecorded(t, e, `"city":"Jakarta"`, `"id":"id-adopted"`)
	if res, _ := e.plan(plans.Options{Refresh: true}); res.Plan.HasChanges() {
		t.Fatalf("a completed apply must leave nothing to plan:\n%v", res.Plan.Changes)
	}
}

func TestAdoptedAtPlanIsUpdatedOnApply(t *testing.T) {
	e := newEnv(t, accountWithProfile)
	e.backend = enginetest.NewBackend(pendingState("fake_account.a"))
	e.fake.OnResolve = adopt
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Changed != 1 || rep.Diagnostics.HasErrors() {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	if got := applyOps(e.fake); got != "update" {
		t.Fatalf("provider applies: %s, want one update (the profile the interrupted create never sent)", got)
	}
	assertRecorded(t, e, `"city":"Jakarta"`, `"id":"id-adopted"`)
}

func TestAdoptedAtPlanKeptWhenUpdateFails(t *testing.T) {
	e := newEnv(t, accountWithProfile)
	e.backend = enginetest.NewBackend(pendingState("fake_account.a"))
	e.fake.OnResolve = adopt
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		return providers.ApplyResponse{NewState: cty.NilVal, Diagnostics: providers.Diagnostics{}.Errorf(nil, "Profile refused", "500")}
	}
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Failed != 1 {
		t.Fatalf("report %+v", rep)
	}
	assertRecorded(t, e, `"id":"id-adopted"`, `"profile":null`)
}

func TestRefreshOnlyWritesWithoutRequests(t *testing.T) {
	e := newEnv(t, accountWithProfile)
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != 1 {
		t.Fatalf("report %+v", rep)
	}
	changed := enginetest.Created(cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("ani"), "email": cty.StringVal("ani@example.id"), "tag": cty.NullVal(cty.String),
		"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-ani"),
		"profile": cty.ObjectVal(map[string]cty.Value{"city": cty.StringVal("Jakarta")}),
	}))
	e.fake.Remote = map[string]cty.Value{"fake_account.a": changed}
	res, st := e.plan(plans.Options{Refresh: true, RefreshOnly: true})
	before := len(e.fake.CallsTo("ApplyResource"))
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: e.backend, State: st, RunID: "r", Providers: e.providers(), Digester: enginetest.Digester{}})
	if rep.Diagnostics.HasErrors() || len(e.fake.CallsTo("ApplyResource")) != before {
		t.Fatalf("a refresh-only apply must call no provider: %+v %s", rep, rep.Diagnostics.Error())
	}
	assertRecorded(t, e, `"email":"ani@example.id"`)
}

// pendingState holds an intent with no outcome for addr, as a killed
// apply leaves it.
func pendingState(addr string) *state.State {
	st := state.New()
	st.Lineage, st.Serial = "test-lineage", 1
	st.Resources[addr] = (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: "fake_account", Name: "a", Provider: "fake"}).WithPending(&state.Intent{ID: "i1", Operation: "create", Started: time.Now().Add(-time.Minute), RunID: "killed-run"})
	return st
}

func applyOps(p *enginetest.Provider) string {
	var ops []string
	for _, c := range p.Calls() {
		if c.Method == "ApplyResource" {
			ops = append(ops, map[providers.Operation]string{providers.Create: "create", providers.Update: "update"}[c.Op])
		}
	}
	return strings.Join(ops, " ")
}

func assertRecorded(t *testing.T, e *env, want ...string) {
	t.Helper()
	rec := e.backend.Resource("fake_account.a")
	if rec == nil || rec.Pending() != nil {
		t.Fatalf("fake_account.a not recorded, or its intent left: %+v", rec)
	}
	attrs := string(backendtest.AttrsOf(rec))
	for _, w := range want {
		if !strings.Contains(attrs, w) {
			t.Errorf("recorded %s, want %s in it", attrs, w)
		}
	}
}

// An intent records a digest of the configuration the create was sent
// with. The next plan trusts "not created" only when the configuration is
// still the one sent: a search by edited values may miss the record.
func TestNotCreatedTrustedOnlyForTheSameConfiguration(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
  tag  = "first"
}`)
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		return providers.ApplyResponse{Uncertain: true, NewState: cty.NullVal(req.Planned.Type())}
	}
	e.fake.OnResolve = func(providers.ResolveRequest) providers.ResolveResponse {
		return providers.ResolveResponse{Resolution: providers.Undecided, Message: "cannot tell"}
	}
	e.apply(context.Background(), executor.Options{})
	if rec := e.backend.Resource("fake_account.a"); rec == nil || rec.Pending() == nil || rec.Pending().RequestDigest == "" {
		t.Fatalf("want an intent with the request's digest: %+v", rec)
	}
	e.fake.OnResolve = func(providers.ResolveRequest) providers.ResolveResponse {
		return providers.ResolveResponse{Resolution: providers.NotCreated, Message: "no record found"}
	}
	if res, _ := e.plan(plans.Options{Refresh: true}); res.Plan.Resolutions[0].Outcome != "not-created" {
		t.Fatalf("same configuration: %+v, want not-created", res.Plan.Resolutions)
	}
	e.src = strings.Replace(e.src, `tag  = "first"`, `tag  = "edited"`, 1)
	res, _ := e.plan(plans.Options{Refresh: true})
	if r := res.Plan.Resolutions[0]; r.Outcome != "undecided" || !strings.Contains(r.Message, "configuration changed") {
		t.Fatalf("edited configuration: %+v, want undecided", r)
	}
	if res.Plan.Changes[0].Action != plans.NoOp {
		t.Fatalf("an undecided intent must not be created again: %s", res.Plan.Changes[0].Action)
	}
}

// A create the API acknowledged (a 201 whose body did not say which record
// it made) is sent once: a search that does not find the record leaves the
// intent undecided, during this apply and in the next plan, instead of
// reading as "not created" and sending the create (and spending a token)
// again.
func TestAcknowledgedCreateIsNeverSentAgain(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		return providers.ApplyResponse{Uncertain: true, Acknowledged: true, NewState: cty.NullVal(req.Planned.Type()),
			Diagnostics: providers.Diagnostics{}.Errorf(nil, "Created, reference unknown", "201 without reference_code")}
	}
	e.fake.OnResolve = func(providers.ResolveRequest) providers.ResolveResponse {
		return providers.ResolveResponse{Resolution: providers.NotCreated, Message: "no record found"}
	}
	rep := e.apply(context.Background(), executor.Options{})
	if got := applyOps(e.fake); got != "create" {
		t.Fatalf("provider applies: %q, want one create", got)
	}
	var unknown bool
	for _, d := range rep.Diagnostics {
		unknown = unknown || strings.Contains(d.Detail, "did not say which one")
	}
	if !unknown {
		t.Fatalf("want the create's outcome reported unknown: %s", rep.Diagnostics.Error())
	}
	rec := e.backend.Resource("fake_account.a")
	if rec == nil || rec.Pending() == nil || !rec.Pending().Acknowledged {
		t.Fatalf("want the intent kept, marked acknowledged: %+v", rec)
	}
	res, _ := e.plan(plans.Options{Refresh: true})
	if r := res.Plan.Resolutions[0]; r.Outcome != "undecided" || res.Plan.Changes[0].Action != plans.NoOp {
		t.Fatalf("next plan: %+v, %s; want undecided and nothing created", r, res.Plan.Changes[0].Action)
	}
}
