package executor

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Queue is a published batch (see PlanBatch) as one worker sees it. The
// PostgreSQL backend keeps it, so that workers on several machines apply
// one plan together; each runs Join with its own Result of the same plan.
type Queue interface {
	// Claim takes up to n steps for this worker among those whose
	// resources' dependencies have all finished, none of them claimed by
	// a live worker.
	Claim(ctx context.Context, n int) ([]Claim, error)
	// Complete records a claimed step's outcome: failure is "" on
	// success, else why it failed.
	Complete(ctx context.Context, addr, failure string) error
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

// Join applies res's plan as one worker of a batch: it claims steps from
// q (at most Parallelism in flight), applies each as Apply does (intents
// before creates, every outcome recorded in opts.Backend at once), and
// records each outcome in q, which releases the steps waiting for it. A
// step claimed before by a worker that died is resolved first: an outcome
// that worker recorded is kept, and a create it left pending is resolved
// against the remote before anything is sent again. Values of resources
// other workers applied are read from the state when a step refers to
// them.
//
// Join returns when every step of the batch has finished, or when ctx is
// cancelled (it then stops claiming; the steps in flight finish). The
// worker that closes the batch records the outputs; closed reports
// whether this one did. Apply's caller compacts; here only the closer
// should.
func Join(ctx context.Context, res *planner.Result, opts Options, q Queue) (report *Report, closed bool) {
	if opts.Parallelism <= 0 {
		opts.Parallelism = 10
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 30 * time.Second
	}
	if opts.State == nil {
		opts.State = state.New()
	}
	a := forResult(ctx, res, opts)
	var stop func()
	a.drain, stop = drainContext(ctx, opts.DrainTimeout)
	defer stop()
	w := newWorker(a, res, q)
	if !w.run() {
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
	res    *planner.Result
	q      Queue
	byAddr map[string]*planner.Step
	byRes  map[addrs.Resource][]*planner.Step

	// mu guards finished, and serializes feeding values from the state.
	mu       sync.Mutex
	finished map[*planner.Step]bool
}

func newWorker(a *applier, res *planner.Result, q Queue) *worker {
	w := &worker{a: a, q: q, res: res, byAddr: map[string]*planner.Step{}, byRes: map[addrs.Resource][]*planner.Step{}, finished: map[*planner.Step]bool{}}
	for _, s := range res.Steps() {
		w.byAddr[s.Addr()] = s
		r := s.Change.Addr.Resource
		w.byRes[r] = append(w.byRes[r], s)
	}
	return w
}

// run claims and applies steps until the batch is finished (true), or
// until ctx is cancelled or the queue fails (false).
func (w *worker) run() bool {
	a := w.a
	for _, s := range w.res.Steps() {
		if !isWork(s) {
			a.eval.Finish(s.Change, s.Change.After)
			w.finished[s] = true
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	var inflight sync.WaitGroup
	slots := make(chan struct{}, a.opts.Parallelism)
	wake := make(chan struct{}, 1)
	delay := minPoll
	for {
		if a.ctx.Err() != nil {
			w.interrupted()
			return false
		}
		claims, err := w.q.Claim(a.ctx, a.opts.Parallelism-len(slots))
		if err != nil {
			if a.ctx.Err() == nil {
				a.addDiags(queueDiag(err))
			}
			return false
		}
		for _, c := range claims {
			slots <- struct{}{}
			inflight.Add(1)
			wg.Go(func() {
				defer inflight.Done()
				w.process(c)
				<-slots
				select {
				case wake <- struct{}{}:
				default:
				}
			})
		}
		if len(claims) > 0 {
			delay = minPoll
			continue
		}
		if len(slots) == 0 {
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
	failure := ""
	if s == nil {
		failure = "this worker's plan has no change for it"
		w.a.addDiags(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: c.Addr + ": not in this worker's plan",
			Detail: "The batch holds a change this worker's plan does not: the plans differ. This cannot happen when every worker applies the same plan file."}})
	} else {
		w.feed(w.res.DependsOn(s), map[addrs.Resource]bool{})
		failure = w.do(s, c)
		w.mu.Lock()
		w.finished[s] = true
		w.mu.Unlock()
	}
	if err := w.q.Complete(context.WithoutCancel(w.a.ctx), c.Addr, failure); err != nil {
		w.a.addDiags(queueDiag(err))
	}
}

// do carries out a step as applier.do does, and returns why it failed
// ("" on success).
func (w *worker) do(s *planner.Step, c Claim) string {
	a := w.a
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeStarted(s.Change)
	}
	final, diags := w.dispatch(a.step(s.Change), c)
	a.eval.Finish(s.Change, final)
	a.addDiags(diags)
	var err error
	if diags.HasErrors() {
		err = errors.New(firstError(diags))
		a.failure(s.Change, diags)
	} else {
		a.count(func(r *Report) { countSuccess(r, s.Change) })
	}
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeFinished(s.Change, err)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// dispatch takes over from an earlier claimer where there was one: a
// create it left pending is resolved first, an outcome it recorded is
// kept; otherwise the step runs as in Apply.
func (w *worker) dispatch(s *step, c Claim) (cty.Value, hcl.Diagnostics) {
	a := w.a
	act := s.Change.Action
	switch {
	case c.Current != nil && c.Current.Pending != nil && (act == plans.Create || act == plans.Replace):
		cfg, _, diags := a.eval.Final(a.drain, s.Change)
		if diags.HasErrors() {
			return cty.NilVal, a.failed(s, diags)
		}
		v, again, more := a.resolveUncertain(s, cfg, c.Current.Pending, 1)
		if !again {
			if v != cty.NilVal {
				return a.completeAdopted(s, cfg, v, more)
			}
			return cty.NilVal, more
		}
	case !sameRecord(c.Current, c.Stored):
		return decodeRecord(s.Change, c.Current), nil
	}
	return a.dispatch(s)
}

// sameRecord reports whether the state holds the record as published: no
// one acted on the step yet.
func sameRecord(a, b *state.Resource) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if (a.Pending == nil) != (b.Pending == nil) || (a.Pending != nil && a.Pending.ID != b.Pending.ID) {
		return false
	}
	return bytes.Equal(a.Attributes, b.Attributes)
}

// feed gives this worker's Result the values of the resources deps that
// other workers applied, read from the state; data sources read at apply
// time are read again here (reads change nothing). It is serialized, so
// that each step is finished once.
func (w *worker) feed(deps []addrs.Resource, seen map[addrs.Resource]bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.feedLocked(deps, seen)
}

func (w *worker) feedLocked(deps []addrs.Resource, seen map[addrs.Resource]bool) {
	var missing []*planner.Step
	var addrList []string
	for _, r := range deps {
		if seen[r] {
			continue
		}
		seen[r] = true
		for _, s := range w.byRes[r] {
			if !w.finished[s] {
				missing = append(missing, s)
				addrList = append(addrList, s.Addr())
			}
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
		v := decodeRecord(s.Change, recs[s.Addr()])
		if s.Change.Action == plans.Read {
			w.feedLocked(w.res.DependsOn(s), seen)
			var diags hcl.Diagnostics
			if v, diags = w.a.read(w.a.step(s.Change)); diags.HasErrors() {
				v = cty.NilVal
			}
		}
		w.a.eval.Finish(s.Change, v)
		w.finished[s] = true
	}
}

// feedAll finishes every step this worker has not, for the outputs.
func (w *worker) feedAll() {
	var all []addrs.Resource
	for r := range w.byRes {
		all = append(all, r)
	}
	w.feed(all, map[addrs.Resource]bool{})
}

// decodeRecord is the value of a state record for a step (cty.NilVal for
// none, which leaves the planned value).
func decodeRecord(c *plans.Change, rec *state.Resource) cty.Value {
	if rec == nil || len(rec.Attributes) == 0 || string(rec.Attributes) == "null" {
		return cty.NilVal
	}
	ty := cty.DynamicPseudoType
	for _, v := range []cty.Value{c.After, c.Before} {
		if v != cty.NilVal && v.Type() != cty.DynamicPseudoType {
			ty = v.Type()
			break
		}
	}
	v, err := ctyjson.Unmarshal(rec.Attributes, ty)
	if err != nil {
		return cty.NilVal
	}
	return v
}

func queueDiag(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Batch unreachable",
		Detail:   "This worker could not reach the batch it applies: " + err.Error() + ". The outcomes it recorded are in the state; the other workers, or this one run again, finish the rest.",
	}}
}
