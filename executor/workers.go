package executor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"golang.org/x/sync/errgroup"
)

// Queue is a published batch (see PlanBatch) as one worker sees it. The
// PostgreSQL backend keeps it, so that workers on several machines apply
// one plan together; each runs Join with the same plan and an evaluator of
// its own.
type Queue interface {
	// Claim takes up to n steps for this worker among those whose
	// dependencies (the batch's edges) have all finished, none of them
	// claimed by a live worker.
	Claim(ctx context.Context, n int) ([]Claim, error)
	// Complete records a claimed step's outcome: failure is "" on
	// success, else why it failed; warning, on success, says what the
	// step did not do while the batch goes on (a Warning), "" for none.
	Complete(ctx context.Context, addr, failure, warning string) error
	// Progress counts the finished steps (done, failed or skipped) and
	// all the steps.
	Progress(ctx context.Context) (finished, total int, err error)
	// Records reads the current state records of addrs (absent ones are
	// left out).
	Records(ctx context.Context, addrs []string) (map[string]*state.Resource, error)
	// Close marks the batch complete when every step has finished, and
	// reports whether this worker did: exactly one does.
	Close(ctx context.Context) (bool, error)
}

// Claim is a step this worker claimed, with the record the state held
// when the batch was published (Stored) and the one it holds now
// (Current); nil for none. A Current that differs from Stored means an
// earlier claimer, now dead, acted on the step.
type Claim struct {
	Addr            string
	Stored, Current *state.Resource
}

// Polling for claimable steps when none is ready: from minPoll, doubling
// to maxPoll while nothing turns up.
const (
	minPoll = 20 * time.Millisecond
	maxPoll = 500 * time.Millisecond
)

// Join applies plan as one worker of a batch: it claims steps from q (at
// most Parallelism in flight), applies each as Apply does (intents before
// creates, every outcome recorded in opts.Backend at once), and records
// each outcome in q, which releases the steps waiting for it, per
// instance as Apply's schedule does (see PlanBatch). A step claimed before
// by a worker that died is resolved first: an outcome that worker recorded
// is kept, and a create it left pending is resolved against the remote
// before anything is sent again. Values of instances other workers
// applied are read from the state when a step refers to them, and given
// to eval.
//
// Every worker applies the same plan (the same plan file), each with its
// own evaluator; opts.State is the state the batch was published from
// (postgres.Backend.PlanState).
//
// A provider that halts (opts.Halted) is treated as in Apply: this worker
// sends none of its claimed steps of that provider any more, completes
// them as failed (so what waits for them is skipped), and reports the
// cause once with the count not attempted.
//
// Join returns when every step of the batch has finished, or when ctx is
// cancelled (it then stops claiming; the steps in flight finish). The
// worker that closes the batch records the outputs; closed reports
// whether this one did. Apply's caller compacts; here only the closer
// should.
func Join(ctx context.Context, plan *plans.Plan, eval Evaluator, opts Options, q Queue) (report *Report, closed bool) {
	plan.Expand() // a shared apply reads every change
	a, stop := newApplier(ctx, plan, eval, opts)
	defer stop()
	defer a.haltDiagnostics()
	w := newWorker(a, q)
	ok := w.run()
	a.crash.Repanic() // in the caller's goroutine, where the command reports it
	if !ok {
		return a.report, false
	}
	closed, err := q.Close(context.WithoutCancel(ctx))
	if err != nil {
		a.addDiags(queueDiag(err))
		return a.report, false
	}
	if closed {
		w.feedAll()
		a.recordOutputs()
	}
	return a.report, closed
}

// worker is one Join.
type worker struct {
	a      *applier
	q      Queue
	steps  []*step // in the plan's order
	byAddr map[string]*step
	byRes  map[addrs.Resource][]*step

	// mu guards finished, and serializes feeding values from the state.
	mu       sync.Mutex
	finished map[*step]bool
}

func newWorker(a *applier, q Queue) *worker {
	w := &worker{a: a, q: q, byAddr: make(map[string]*step, len(a.plan.Changes)), byRes: map[addrs.Resource][]*step{}, finished: map[*step]bool{}}
	for _, c := range a.plan.Changes {
		s := a.step(c)
		w.steps = append(w.steps, s)
		w.byAddr[s.Addr()] = s
		w.byRes[c.Addr.Resource] = append(w.byRes[c.Addr.Resource], s)
	}
	return w
}

// run claims and applies steps until the batch is finished (true), or
// until ctx is cancelled or the queue fails (false). Claimed steps run in
// an errgroup limited to Parallelism, and never more are claimed than it
// has free slots; the other workers' outcomes release steps too, so when
// nothing is claimable it asks again, from minPoll to maxPoll apart, or as
// soon as one of its own steps finishes.
func (w *worker) run() bool {
	a := w.a
	for _, s := range w.steps {
		if !isWork(s.Change) {
			a.eval.Finish(s.Change, s.Change.After)
			w.finished[s] = true
		}
	}
	var g errgroup.Group
	g.SetLimit(a.opts.Parallelism)
	defer g.Wait()
	var inflight atomic.Int64
	wake := make(chan struct{}, 1)
	delay := minPoll
	for {
		if a.ctx.Err() != nil || a.crash.Caught() {
			w.interrupted()
			return false
		}
		claims, err := w.q.Claim(a.ctx, a.opts.Parallelism-int(inflight.Load()))
		if err != nil {
			if a.ctx.Err() == nil {
				a.addDiags(queueDiag(err))
			}
			return false
		}
		for _, c := range claims {
			inflight.Add(1)
			g.Go(func() error {
				done := func() {
					inflight.Add(-1)
					select {
					case wake <- struct{}{}:
					default:
					}
				}
				// A panic (a bug) claims nothing more, and is raised
				// again by Join once the steps in flight have finished;
				// its step stays claimed, for a worker to take over.
				defer a.crash.Recover(done)
				w.process(c)
				done()
				return nil
			})
		}
		if len(claims) > 0 {
			delay = minPoll
			continue
		}
		if inflight.Load() == 0 {
			finished, total, err := w.q.Progress(a.ctx)
			if err != nil {
				a.addDiags(queueDiag(err))
				return false
			}
			if finished == total {
				return true
			}
		}
		select {
		case <-wake:
		case <-time.After(delay):
			delay = min(2*delay, maxPoll)
		case <-a.ctx.Done():
		}
	}
}

func (w *worker) interrupted() {
	w.a.count(func(r *Report) {
		if !r.Interrupted {
			r.Interrupted = true
			r.Diagnostics = append(r.Diagnostics, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Apply interrupted",
				Detail:   "This worker was interrupted: the changes it had in flight were finished and recorded, and it claimed no new one. The other workers go on with the batch; run daftar apply -join PLANFILE again to join it.",
			})
		}
	})
}

// process applies one claimed step and records its outcome in the queue,
// with a context the interruption does not reach.
func (w *worker) process(c Claim) {
	s := w.byAddr[c.Addr]
	failure, warning := "", ""
	if s == nil {
		failure = "this worker's plan has no change for it"
		w.a.addDiags(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: c.Addr + ": not in this worker's plan",
			Detail: "The batch holds a change this worker's plan does not: the plans differ. This cannot happen when every worker applies the same plan file."}})
	} else if p := w.a.halt(s); p != "" && isWork(s.Change) {
		// Its provider keeps failing in a way no single change causes:
		// nothing is sent; the step fails, so what waits for it is
		// skipped, and the report says once how many were not attempted.
		w.a.notAttempted(s, p)
		failure = "not attempted: provider " + p + " stopped"
		w.mu.Lock()
		w.finished[s] = true
		w.mu.Unlock()
	} else {
		w.feed(s.Change.DependsOn)
		failure, warning = w.do(s, c)
		w.mu.Lock()
		w.finished[s] = true
		w.mu.Unlock()
	}
	if err := w.q.Complete(context.WithoutCancel(w.a.ctx), c.Addr, failure, warning); err != nil {
		w.a.addDiags(queueDiag(err))
	}
}

// do carries out a step as applier.do does, and returns why it failed
// ("" on success) and, on success, its Warning ("" for none).
func (w *worker) do(s *step, c Claim) (failure, warning string) {
	a := w.a
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeStarted(s.Change)
	}
	var final cty.Value
	var diags hcl.Diagnostics
	if err := s.Change.ReadDeferred(); err != nil {
		diags = hcl.Diagnostics{a.diag(s, s.Addr()+": cannot read the plan", err.Error())}
	} else {
		final, diags = w.dispatch(s, c)
	}
	a.eval.Finish(s.Change, final)
	a.addDiags(diags)
	var err error
	if diags.HasErrors() {
		err = errors.New(firstError(diags))
		a.failure(s.Change, diags)
	} else {
		a.count(func(r *Report) { countSuccess(r, s.Change) })
		err = readWarning(s.Change, final, diags)
	}
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeFinished(s.Change, err)
	}
	switch {
	case diags.HasErrors():
		return err.Error(), ""
	case err != nil:
		return "", err.Error()
	}
	return "", ""
}

// dispatch takes over from an earlier claimer where there was one: a
// create it left pending is resolved first, an outcome it recorded is
// kept; otherwise the step runs as in Apply.
func (w *worker) dispatch(s *step, c Claim) (cty.Value, hcl.Diagnostics) {
	a := w.a
	act := s.Change.Action
	switch {
	case c.Current != nil && c.Current.Pending() != nil && (act == plans.Create || act == plans.Replace):
		cfg, _, diags := a.eval.Final(a.drain, s.Change)
		if diags.HasErrors() {
			return cty.NilVal, a.failed(s, diags)
		}
		v, again, more := a.resolveUncertain(s, cfg, c.Current.Pending(), 1)
		if !again {
			if v != cty.NilVal {
				return a.completeAdopted(s, cfg, v, more)
			}
			return cty.NilVal, more
		}
	default:
		same, err := sameRecord(c.Current, c.Stored)
		if err == nil && !same {
			var v cty.Value
			if v, err = decodeRecord(s.Change, c.Current); err == nil {
				return v, nil
			}
		}
		if err != nil {
			return cty.NilVal, a.failed(s, attrsDiag(err))
		}
	}
	return a.dispatch(s)
}

// sameRecord reports whether the state holds the record as published: no
// one acted on the step yet.
func sameRecord(a, b *state.Resource) (bool, error) {
	if a == nil || b == nil {
		return a == nil && b == nil, nil
	}
	if (a.Pending() == nil) != (b.Pending() == nil) || (a.Pending() != nil && a.Pending().ID != b.Pending().ID) {
		return false, nil
	}
	return a.SameAttributes(b)
}

// feed gives the evaluator the values of what deps names (an instance,
// or every instance of a resource) that other workers applied, read from
// the state; data sources read at apply time are read again here (reads
// change nothing). It is serialized, so that each step is finished once.
func (w *worker) feed(deps []addrs.Instance) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.feedLocked(deps)
}

func (w *worker) feedLocked(deps []addrs.Instance) {
	var missing []*step
	var addrList []string
	need := func(s *step) {
		if !w.finished[s] {
			w.finished[s] = true // once: a step is in deps once per instance
			missing = append(missing, s)
			addrList = append(addrList, s.Addr())
		}
	}
	for _, d := range deps {
		if s := w.byAddr[d.String()]; d.Key != nil && s != nil {
			need(s)
			continue
		}
		for _, s := range w.byRes[d.Resource] {
			need(s)
		}
	}
	if len(missing) == 0 {
		return
	}
	recs, err := w.q.Records(context.WithoutCancel(w.a.ctx), addrList)
	if err != nil {
		w.a.addDiags(queueDiag(err))
	}
	for _, s := range missing {
		v, err := decodeRecord(s.Change, recs[s.Addr()])
		if err != nil {
			w.a.addDiags(attrsDiag(err))
		}
		if s.Change.Action == plans.Read {
			w.feedLocked(s.Change.DependsOn)
			var diags hcl.Diagnostics
			if v, diags = w.a.read(s); diags.HasErrors() {
				v = cty.NilVal
			}
		}
		w.a.eval.Finish(s.Change, v)
	}
}

// feedAll finishes every step this worker has not, for the outputs.
func (w *worker) feedAll() {
	all := make([]addrs.Instance, 0, len(w.byRes))
	for r := range w.byRes {
		all = append(all, addrs.Instance{Resource: r})
	}
	w.feed(all)
}

// decodeRecord is the value of a state record for a step (cty.NilVal for
// none, which leaves the planned value). The error says why its
// attributes could not be read back from the state file.
func decodeRecord(c *plans.Change, rec *state.Resource) (cty.Value, error) {
	if rec == nil || !rec.HasAttributes() {
		return cty.NilVal, nil
	}
	raw, err := rec.Attributes()
	if err != nil {
		return cty.NilVal, err
	}
	ty := cty.DynamicPseudoType
	before, after, _ := c.Values() // a create's planned value may be packed
	for _, v := range []cty.Value{after, before} {
		if v != cty.NilVal && v.Type() != cty.DynamicPseudoType {
			ty = v.Type()
			break
		}
	}
	v, err := ctyjson.Unmarshal(raw, ty)
	if err != nil {
		return cty.NilVal, nil
	}
	return v, nil
}

// attrsDiag is the diagnostic of a state record whose attributes could
// not be read back from the state file (state.Resource.Attributes).
func attrsDiag(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot read the state",
		Detail:   err.Error() + ". Check that nothing changed the state file while daftar ran, and run the command again.",
	}}
}

func queueDiag(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Batch unreachable",
		Detail:   "This worker could not reach the batch it applies: " + err.Error() + ". The outcomes it recorded are in the state; the other workers, or this one run again, finish the rest.",
	}}
}
