package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/daftar-dev/daftar/state/postgres"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// queue adapts a postgres.Worker to executor.Queue, as the command line
// does.
type queue struct{ *postgres.Worker }

func (q queue) Claim(ctx context.Context, n int) ([]executor.Claim, error) {
	cs, err := q.Worker.Claim(ctx, n)
	out := make([]executor.Claim, len(cs))
	for i, c := range cs {
		out[i] = executor.Claim{Addr: c.Addr, Stored: c.Stored, Current: c.Current}
	}
	return out, err
}

// batchEnv is one configuration applied as a batch by in-process workers,
// each with its own backend handle, lock session and Result, as processes
// on several machines would have.
type batchEnv struct {
	t      *testing.T
	schema string
	cfg    *schema.Config
	fake   *enginetest.Provider
	batch  *postgres.Batch
}

const accountsAndChecks = `
provider "fake" {
  endpoint = "sandbox"
}
locals {
  people = [for i in range(%d) : format("p%%03d", i)]
}
resource "fake_account" "a" {
  for_each = toset(local.people)
  name     = each.key
}
resource "fake_verification" "v" {
  for_each = toset(local.people)
  subject  = fake_account.a[each.key].id
}
output "count" { value = length(fake_verification.v) }
`

func newBatchEnv(t *testing.T, people int) *batchEnv {
	e := &batchEnv{t: t, schema: pgtest.Schema(t), fake: enginetest.NewProvider(),
		cfg: enginetest.LoadConfig(t, fmt.Sprintf(accountsAndChecks, people))}
	e.fake.BalanceLeft = 1 << 20
	return e
}

func (e *batchEnv) plan(st *state.State, refresh bool) *planner.Result {
	e.t.Helper()
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: e.cfg, State: st, Options: plans.Options{Refresh: refresh}, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": e.fake},
	})
	if diags.HasErrors() {
		e.t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// publish plans against the stored state and publishes the batch.
func (e *batchEnv) publish() {
	e.t.Helper()
	b := newBackend(e.t, e.schema, "default")
	st, err := b.Load(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	res := e.plan(st, true)
	bt, err := executor.PlanBatch(res.Plan, res.Evaluator(), st)
	if err != nil {
		e.t.Fatal(err)
	}
	spec := postgres.BatchSpec{PlanDigest: "plan-1", Lineage: st.Lineage, Serial: st.Serial, Records: map[string]postgres.BatchRecord{}}
	for _, s := range bt.Steps {
		spec.Steps = append(spec.Steps, postgres.BatchStep{Addr: s.Addr, Resource: s.Addr, Action: s.Action})
	}
	for _, ed := range bt.Edges {
		spec.Edges = append(spec.Edges, postgres.BatchEdge{Up: ed.Up, Down: ed.Down})
	}
	for a, r := range bt.Records {
		spec.Records[a] = postgres.BatchRecord{Planned: r.Planned, Stored: r.Stored}
	}
	if e.batch, err = b.Publish(context.Background(), spec, "test"); err != nil {
		e.t.Fatal(err)
	}
}

// join makes a worker: a handle, a shared lock and a membership.
func (e *batchEnv) join(id string) (*postgres.Backend, *postgres.Session, *postgres.Worker) {
	e.t.Helper()
	b := newBackend(e.t, e.schema, "default")
	sess, err := b.LockShared(ctxT(e.t, 10*time.Second), state.NewLockInfo("apply -join"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { sess.Unlock() })
	w, err := b.JoinBatch(context.Background(), e.batch, sess, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return b, sess, w
}

// work runs one worker to the end of the batch.
func (e *batchEnv) work(id string, grace time.Duration) (*executor.Report, bool) {
	b, _, w := e.join(id)
	w.ReclaimGrace = grace
	st, err := b.PlanState(context.Background(), e.batch)
	if err != nil {
		e.t.Error(err)
		return &executor.Report{}, false
	}
	res := e.plan(st, false)
	return executor.Join(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: b, State: st, Parallelism: 4, RunID: id,
		Providers: map[string]providers.Provider{"fake": e.fake}, Digester: enginetest.Digester{}}, queue{w})
}

func (e *batchEnv) stored() *state.State {
	e.t.Helper()
	st, err := newBackend(e.t, e.schema, "default").Load(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// creates counts the creates sent per address.
func (e *batchEnv) creates() map[string]int {
	n := map[string]int{}
	for _, c := range e.fake.Calls() {
		if c.Method == "ApplyResource" && c.Op == providers.Create {
			n[c.Addr]++
		}
	}
	return n
}

// checkAllOnce fails unless every instance of people was created exactly
// once (skip lists those created before the workers ran) and recorded.
func (e *batchEnv) checkAllOnce(people int, skip map[string]bool) {
	e.t.Helper()
	creates := e.creates()
	st := e.stored()
	for i := range people {
		for _, a := range []string{fmt.Sprintf(`fake_account.a["p%03d"]`, i), fmt.Sprintf(`fake_verification.v["p%03d"]`, i)} {
			want := 1
			if skip[a] {
				want = 0
			}
			if creates[a] != want {
				e.t.Errorf("%s created %d times by the workers, want %d", a, creates[a], want)
			}
			if r := st.Resources[a]; r == nil || r.Pending() != nil || len(backendtest.AttrsOf(r)) == 0 {
				e.t.Errorf("%s not recorded: %+v", a, r)
			}
		}
	}
}

func TestJoinThreeWorkersApplyOneBatch(t *testing.T) {
	const people = 40
	e := newBatchEnv(t, people)
	e.fake.Delay = 2 * time.Millisecond
	e.publish()
	var wg sync.WaitGroup
	reports := make([]*executor.Report, 3)
	closed := make([]bool, 3)
	for i := range 3 {
		wg.Go(func() { reports[i], closed[i] = e.work(fmt.Sprintf("w%d", i), time.Second) })
	}
	wg.Wait()
	total, closers := 0, 0
	for i, r := range reports {
		if r.Diagnostics.HasErrors() {
			t.Errorf("worker %d: %s", i, r.Diagnostics.Error())
		}
		total += r.Added
		if closed[i] {
			closers++
		}
	}
	if total != 2*people || closers != 1 {
		t.Errorf("the workers added %d (want %d) and %d closed the batch (want 1)", total, 2*people, closers)
	}
	for i, r := range reports {
		if r.Added == 0 {
			t.Logf("worker %d applied nothing (the others were faster)", i)
		}
	}
	e.checkAllOnce(people, nil)
	st := e.stored()
	if o := st.Outputs["count"]; o == nil || string(o.Value) != fmt.Sprint(people) {
		t.Errorf("output count = %+v, want %d", o, people)
	}
	// Each verification's subject is its account's id, read from the
	// state by the worker that created it, whoever created the account.
	for i := range people {
		v := st.Resources[fmt.Sprintf(`fake_verification.v["p%03d"]`, i)]
		if v == nil || !strings.Contains(string(backendtest.AttrsOf(v)), fmt.Sprintf(`"subject":"id-p%03d"`, i)) {
			t.Errorf("verification %d holds %s", i, backendtest.AttrsOf(v))
		}
	}
}

// A worker dies holding claims: one step it had not started, one create
// whose intent it recorded and whose request never arrived, one whose
// request did arrive (the remote has the record), and one whose outcome it
// recorded without completing the step. The next worker takes them over
// once the grace has passed, and nothing is created twice.
func TestJoinTakesOverFromADeadWorker(t *testing.T) {
	const people = 6
	e := newBatchEnv(t, people)
	e.publish()
	b, sess, dead := e.join("dead")
	claims, err := dead.Claim(context.Background(), 4)
	if err != nil || len(claims) != 4 {
		t.Fatalf("the doomed worker claimed %d steps: %v", len(claims), err)
	}
	at := time.Now().UTC()
	intent := func(addr, id string) *state.Resource {
		return (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: "fake_account", Name: "a", Provider: "fake"}).WithIndexKey([]byte(addr[len(`fake_account.a[`) : len(addr)-1])).WithUpdatedAt(at).WithPending(&state.Intent{ID: id, Operation: "create", Started: at, RunID: "dead"})
	}
	landed := claims[2].Addr
	done := intent(claims[3].Addr, "")
	done.SetPending(nil)
	done.SetAttributes([]byte(fmt.Sprintf(`{"name":%q,"email":null,"tag":null,"secret":null,"code":null,"id":"id-%s","profile":null}`, claims[3].Addr[16:20], claims[3].Addr[16:20])))
	if err := b.Apply(context.Background(), state.Update{Set: []*state.Resource{intent(claims[1].Addr, "i1"), intent(landed, "i2"), done}}); err != nil {
		t.Fatal(err)
	}
	e.fake.OnResolve = func(req providers.ResolveRequest) providers.ResolveResponse {
		if req.Addr == landed {
			return providers.ResolveResponse{Resolution: providers.Adopted, NewState: enginetest.Created(req.Config)}
		}
		return providers.ResolveResponse{Resolution: providers.NotCreated}
	}
	// The worker's fence: its claims are its own, another step is not.
	if err := dead.Owns(context.Background(), claims[0].Addr); err != nil {
		t.Errorf("Owns(%s) of a claimed step: %v", claims[0].Addr, err)
	}
	if err := dead.Owns(context.Background(), "fake_account.a[\"nobody\"]"); err == nil {
		t.Error("Owns of a step not claimed by the worker: nil, want an error")
	}
	if err := b.Apply(context.Background(), state.Update{Remove: []string{"fake_account.a[\"nobody\"]"}}); err == nil {
		t.Error("a worker's write of an address it has not claimed was accepted")
	}
	sess.Unlock() // the process dies: its session ends
	start := time.Now()
	rep, closed := e.work("survivor", 300*time.Millisecond)
	if rep.Diagnostics.HasErrors() || !closed {
		t.Fatalf("survivor: closed %v, %s", closed, rep.Diagnostics.Error())
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Errorf("the dead worker's claims were taken over before the grace passed")
	}
	e.checkAllOnce(people, map[string]bool{landed: true, claims[3].Addr: true})
	if err := dead.Owns(context.Background(), claims[0].Addr); err == nil {
		t.Error("the dead worker still owns a claim taken over")
	}
	resolved := map[string]bool{}
	for _, c := range e.fake.Calls() {
		if c.Method == "ResolveResource" {
			resolved[c.Addr] = true
		}
	}
	if !resolved[claims[1].Addr] || !resolved[landed] || len(resolved) != 2 {
		t.Errorf("resolved %v; want exactly the two creates the dead worker left pending", resolved)
	}
}

// A batch is scheduled per instance, as apply is: one account's failed
// create skips its own verification only, while a verification that uses
// the accounts whole waits for all of them and is skipped too. No other
// change waits for the failed one.
func TestJoinSkipsOnlyWhatDependsOnAFailedInstance(t *testing.T) {
	const people = 6
	e := newBatchEnv(t, people)
	e.cfg = enginetest.LoadConfig(t, fmt.Sprintf(accountsAndChecks, people)+`
resource "fake_verification" "all" {
  subject = join(",", [for a in fake_account.a : a.id])
}
`)
	const bad = `fake_account.a["p002"]`
	e.fake.OnApply = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		if req.Addr == bad {
			return providers.ApplyResponse{Diagnostics: providers.Diagnostics{{Severity: providers.Error, Summary: "Username already exist"}}}
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	e.publish()
	b, _, w := e.join("w0")
	st, err := b.PlanState(context.Background(), e.batch)
	if err != nil {
		t.Fatal(err)
	}
	res := e.plan(st, false)
	rep, closed := executor.Join(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: b, State: st, Parallelism: 2, RunID: "w0",
		Providers: map[string]providers.Provider{"fake": e.fake}, Digester: enginetest.Digester{}}, queue{w})
	if !closed || rep.Failed != 1 || rep.Added != 2*people-2 {
		t.Fatalf("closed %v, failed %d, added %d (want true, 1, %d): %s", closed, rep.Failed, rep.Added, 2*people-2, rep.Diagnostics.Error())
	}
	sum, err := w.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 || sum.Skipped != 2 || sum.Unfinished != 0 {
		t.Errorf("summary %+v: want 1 failed, 2 skipped", sum)
	}
	want := map[string]bool{`fake_verification.v["p002"]: not applied because ` + bad + ` failed`: true,
		`fake_verification.all: not applied because ` + bad + ` failed`: true}
	for _, f := range sum.Failures {
		if strings.HasPrefix(f, bad) {
			continue
		}
		if !want[f] {
			t.Errorf("unexpected failure or skip %q", f)
		}
		delete(want, f)
	}
	for f := range want {
		t.Errorf("missing skip %q", f)
	}
	creates := e.creates()
	for i := range people {
		v := fmt.Sprintf(`fake_verification.v["p%03d"]`, i)
		if wantN := map[bool]int{true: 0, false: 1}[i == 2]; creates[v] != wantN {
			t.Errorf("%s created %d times, want %d", v, creates[v], wantN)
		}
	}
}

// A provider that keeps failing halts a joined worker as it halts Apply:
// once Halted says so, none of its claimed steps is sent, and the report
// says once how many were not attempted.
func TestJoinStopsAHaltedProvider(t *testing.T) {
	const people = 6
	e := newBatchEnv(t, people)
	var mu sync.Mutex
	failures := 0
	e.fake.OnApply = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		failures++
		mu.Unlock()
		return providers.ApplyResponse{Diagnostics: providers.Diagnostics{{Severity: providers.Error, Summary: "POST /signup answered 401 Unauthorized"}}}
	}
	halted := func(provider string) error {
		mu.Lock()
		defer mu.Unlock()
		if failures >= 3 {
			return fmt.Errorf("%s answered 401 Unauthorized to 3 requests in a row", provider)
		}
		return nil
	}
	e.publish()
	b, _, w := e.join("w0")
	st, err := b.PlanState(context.Background(), e.batch)
	if err != nil {
		t.Fatal(err)
	}
	res := e.plan(st, false)
	rep, _ := executor.Join(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: b, State: st, Parallelism: 1, RunID: "w0",
		Providers: map[string]providers.Provider{"fake": e.fake}, Digester: enginetest.Digester{}, Halted: halted}, queue{w})
	if n := len(e.creates()); n != 3 {
		t.Errorf("%d creates sent, want 3 (none after the provider halted)", n)
	}
	if len(rep.Halts) != 1 || rep.Halts[0].Provider != "fake" || rep.Halts[0].NotAttempted != people-3 {
		t.Fatalf("halts %+v, want fake with %d not attempted: %s", rep.Halts, people-3, rep.Diagnostics.Error())
	}
	var text strings.Builder
	for _, d := range rep.Diagnostics {
		text.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	if strings.Count(text.String(), "Stopped starting fake changes") != 1 || !strings.Contains(text.String(), "3 changes were not attempted") {
		t.Errorf("diagnostics:\n%s", text.String())
	}
}
