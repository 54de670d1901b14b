package executor_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

func TestApplyOrderAndParallelism(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "base" {
  name = "base"
}
resource "fake_account" "many" {
  count = 20
  name  = "m${count.index}"
  tag   = fake_account.base.id
}`)
	e.fake.Delay = 5 * time.Millisecond
	rep := e.apply(context.Background(), executor.Options{Parallelism: 3})
	if rep.Diagnostics.HasErrors() || rep.Added != 21 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	applies := e.fake.CallsTo("ApplyResource")
	if applies[0] != "fake_account.base" {
		t.Fatalf("the dependency must be created first, got %v", applies[:3])
	}
	if m := e.fake.MaxInFlight(); m > 3 || m < 2 {
		t.Fatalf("max in flight %d, want 2..3", m)
	}
}

func TestApplyPartialFailure(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "bad" {
  name = "bad"
}
resource "fake_account" "dependent" {
  name = "dep"
  tag  = fake_account.bad.id
}
resource "fake_account" "independent" {
  name = "ind"
}`)
	e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		if req.Addr == "fake_account.bad" {
			return providers.ApplyResponse{Diagnostics: providers.Diagnostics{}.Errorf(nil, "Conflict", "POST /signup answered 409 (USER_EXISTS).")}
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Added != 1 || rep.Failed != 1 || rep.Skipped != 1 {
		t.Fatalf("report %+v", rep)
	}
	var all []string
	for _, d := range rep.Diagnostics {
		all = append(all, d.Summary+": "+d.Detail)
	}
	text := strings.Join(all, "\n")
	if !strings.Contains(text, "fake_account.bad: Conflict") || !strings.Contains(text, "409") {
		t.Fatalf("diagnostics: %s", text)
	}
	if len(rep.Skips) != 1 || rep.Skips[0].Change.Addr.String() != "fake_account.dependent" || rep.Skips[0].Failed != "fake_account.bad" {
		t.Fatalf("skips %+v", rep.Skips)
	}
	if len(rep.Failures) != 1 || rep.Failures[0].Change.Addr.String() != "fake_account.bad" || len(rep.Failures[0].Diags) != 1 {
		t.Fatalf("failures %+v", rep.Failures)
	}
	if e.backend.Resource("fake_account.bad") != nil {
		t.Fatal("a failed create with no record must leave no intent behind")
	}
	if e.backend.Resource("fake_account.independent") == nil {
		t.Fatal("independent work must be recorded")
	}
}

// TestApplyIntentBeforeRequest checks that a create's intent is on disk
// before its request reaches the API. The executor writes the intent while
// the provider builds the request, and the provider's transport
// (httpx.NewClient, which every provider sends through) holds the request
// until the intent is durable: the fake provider here sends a real request
// through that transport, and the server looks at the state when it
// arrives. The state takes 50 ms to write each update, so a transport that
// did not wait would send first.
func TestApplyIntentBeforeRequest(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
	var sawIntent atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := e.backend.Resource("fake_account.a")
		sawIntent.Store(rec != nil && rec.Pending() != nil && rec.Pending().RunID == "test-run" && rec.Pending().RequestDigest != "")
	}))
	defer srv.Close()
	client := httpx.NewClient(httpx.ClientConfig{Provider: "fake"})
	e.fake.OnApply = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(hr)
		if err != nil {
			t.Errorf("the request failed: %v", err)
			return providers.ApplyResponse{}
		}
		resp.Body.Close()
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	res, st := e.plan(plans.Options{Refresh: true})
	executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: slowBackend{e.backend}, State: st, Providers: e.providers(),
		Digester: enginetest.Digester{}, RunID: "test-run",
	})
	if !sawIntent.Load() {
		t.Fatal("the intent must be durable before the request")
	}
	if rec := e.backend.Resource("fake_account.a"); rec == nil || rec.Pending() != nil {
		t.Fatalf("the outcome must clear the intent: %+v", rec)
	}
}

// slowBackend takes 50 ms to write each update, as a slow disk does.
type slowBackend struct{ *enginetest.Backend }

func (b slowBackend) Apply(ctx context.Context, u state.Update) error {
	time.Sleep(50 * time.Millisecond)
	return b.Backend.Apply(ctx, u)
}

func TestApplyUncertain(t *testing.T) {
	tests := map[string]struct {
		resolutions []providers.Resolution
		wantApplies int
		wantPending bool
		wantAdded   int
	}{
		"adopted":             {resolutions: []providers.Resolution{providers.Adopted}, wantApplies: 1, wantAdded: 1},
		"not created, retry":  {resolutions: []providers.Resolution{providers.NotCreated}, wantApplies: 2, wantAdded: 1},
		"never created":       {resolutions: []providers.Resolution{providers.NotCreated, providers.NotCreated, providers.NotCreated}, wantApplies: 3},
		"undecided stays put": {resolutions: []providers.Resolution{providers.Undecided}, wantApplies: 1, wantPending: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}`)
			var mu sync.Mutex
			calls := 0
			e.fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls <= len(tc.resolutions) {
					// As the real providers do: the lost answer is an error
					// until the resolution decides it.
					return providers.ApplyResponse{Uncertain: true, NewState: cty.NullVal(req.Planned.Type()),
						Diagnostics: providers.Diagnostics{}.Errorf(nil, "Outcome unknown", "the connection was cut")}
				}
				return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
			}
			resolves := 0
			e.fake.OnResolve = func(req providers.ResolveRequest) providers.ResolveResponse {
				r := tc.resolutions[resolves]
				resolves++
				resp := providers.ResolveResponse{Resolution: r, Message: "searched"}
				if r == providers.Adopted {
					resp.NewState = cty.ObjectVal(map[string]cty.Value{
						"name": cty.StringVal("ani"), "email": cty.NullVal(cty.String), "tag": cty.NullVal(cty.String),
						"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-adopted"),
						"profile": cty.NullVal(cty.Object(map[string]cty.Type{"city": cty.String})),
					})
				}
				return resp
			}
			rep := e.apply(context.Background(), executor.Options{})
			if calls != tc.wantApplies || rep.Added != tc.wantAdded {
				t.Fatalf("applies %d (want %d), report %+v: %s", calls, tc.wantApplies, rep, rep.Diagnostics.Error())
			}
			rec := e.backend.Resource("fake_account.a")
			if pending := rec != nil && rec.Pending() != nil; pending != tc.wantPending {
				t.Fatalf("pending = %v, want %v (%+v)", pending, tc.wantPending, rec)
			}
			if tc.wantAdded == 0 && !rep.Diagnostics.HasErrors() {
				t.Fatal("a create with no outcome must be reported")
			}
			if tc.wantAdded > 0 && (rep.Diagnostics.HasErrors() || rep.Failed > 0) {
				t.Fatalf("a resolved create is a success, got %d failed: %s", rep.Failed, rep.Diagnostics.Error())
			}
		})
	}
}

func TestApplyInterrupted(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  count = 10
  name  = "a${count.index}"
}`)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{}, 10)
	e.fake.OnApply = func(callCtx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		started <- struct{}{}
		cancel()
		// A context derived from ctx would be cancelled by now (a
		// cancellation reaches derived contexts before cancel returns);
		// the drain context ends only DrainTimeout (an hour) later.
		if callCtx.Err() != nil {
			t.Error("a request in flight must not see the interrupt")
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	rep := e.apply(ctx, executor.Options{Parallelism: 2, DrainTimeout: time.Hour})
	if !rep.Interrupted || rep.Added == 0 || rep.Added > 2 || rep.NotStarted != 10-rep.Added {
		t.Fatalf("report %+v", rep)
	}
	recorded := 0
	for _, r := range e.backend.State().Resources {
		if r.Pending() != nil {
			t.Fatalf("intent left behind for %s", r.Address)
		}
		recorded++
	}
	if recorded != rep.Added {
		t.Fatalf("%d recorded, %d added", recorded, rep.Added)
	}
}

func TestApplyForgetAndNoChanges(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}
resource "fake_account" "b" {
  name = "budi"
}`)
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != 2 {
		t.Fatalf("report %+v", rep)
	}
	e.src = providerBlock + "resource \"fake_account\" \"a\" {\n  name = \"ani\"\n}"
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Forgotten != 1 || e.backend.Resource("fake_account.b") != nil {
		t.Fatalf("report %+v", rep)
	}
	res, _ := e.plan(plans.Options{Refresh: true})
	if res.Plan.HasChanges() {
		t.Fatal("plan after apply must have no changes")
	}
}

// TestApplyNoChangesRecordsNothing: applying a plan with no change, outputs
// included, writes nothing to the state, so that the command need not
// rewrite it either.
func TestApplyNoChangesRecordsNothing(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}
output "names" {
  value = [fake_account.a.name]
}`)
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != 1 {
		t.Fatalf("report %+v", rep)
	}
	before := len(e.backend.Updates())
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added+rep.Changed+rep.Failed != 0 {
		t.Fatalf("report %+v", rep)
	}
	if got := e.backend.Updates()[before:]; len(got) != 0 {
		t.Fatalf("a no-change apply recorded %d updates: %+v", len(got), got)
	}
	e.src = strings.Replace(e.src, "[fake_account.a.name]", `[fake_account.a.name, "x"]`, 1)
	e.apply(context.Background(), executor.Options{})
	if got := e.backend.Updates()[before:]; len(got) != 1 || got[0].Outputs == nil {
		t.Fatalf("a changed output recorded %+v, want one outputs update", got)
	}
}
