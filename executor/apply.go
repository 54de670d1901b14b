package executor

import (
	"context"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// Hooks receive progress. They are called concurrently and must not block
// for long.
type Hooks interface {
	ChangeStarted(c *plans.Change)
	// ChangeFinished reports the outcome: err is nil on success, a
	// *Warning for a change that did not do its work while the apply goes
	// on (not a failure); the diagnostics are in the Report.
	ChangeFinished(c *plans.Change, err error)
	// ChangeSkipped reports a change that will not start: failed names
	// the failed change it depends on, or is empty when the apply stopped
	// starting changes (interrupted, or its provider failing for every
	// change). No ChangeStarted or ChangeFinished comes for it.
	ChangeSkipped(c *plans.Change, failed string)
}

// Options shape an apply.
type Options struct {
	// Backend is locked by the caller; every outcome is applied to it.
	Backend state.Backend
	// State is the state the plan was made from; Apply updates it in
	// memory with every Update it records, so that the caller can compact.
	// Its records are the ones the plan's changes start from (a replace
	// keeps the old record until the new one exists; a create whose answer
	// says nothing was made puts it back).
	State *state.State
	// Providers are the configured providers, by the name the plan's
	// changes give (plans.Change.Provider): those the plan was made with.
	Providers map[string]providers.Provider
	// Digester keys the digests of create requests (intents) and of
	// sensitive outputs; nil leaves them unkeyed (tests).
	Digester providers.Digester
	// Parallelism bounds the changes in flight; DefaultParallelism when
	// zero.
	Parallelism int
	// RunID identifies this apply in intents.
	RunID string
	// Hooks may be nil.
	Hooks Hooks
	// DrainTimeout is how long requests in flight may run once ctx is
	// cancelled; DefaultDrainTimeout when zero.
	DrainTimeout time.Duration
	// Halted, when set, is asked before each change starts: a non-nil
	// error means its provider keeps failing in a way no single change
	// causes (a wrong key, an endpoint that refuses connections), and the
	// change is not attempted. The changes in flight finish.
	Halted func(provider string) error
	// ReleaseChanges lets Apply go of each change once it has finished
	// and its outcome is recorded (the state holds its record): its entry
	// of the plan's Changes is set to nil, and an Evaluator that is a
	// Releaser is told, so that an apply of a million creates does not
	// hold a million finished changes. The Report keeps the failed,
	// skipped and not started ones; a no-op stays (its digest may be
	// recorded after the run). The caller must not read the plan's
	// changes afterwards. Join ignores it.
	ReleaseChanges bool
}

// The defaults of Options, for Apply, Join and ApplyResolutions alike.
const (
	DefaultParallelism  = 10
	DefaultDrainTimeout = 30 * time.Second
)

// withDefaults fills what opts leaves zero.
func (opts Options) withDefaults() Options {
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = DefaultDrainTimeout
	}
	if opts.State == nil {
		opts.State = state.New()
	}
	return opts
}

// Report is the outcome of an apply.
type Report struct {
	Added, Changed, Replaced, Forgotten int
	// Imported counts the records import blocks adopted (with a read).
	Imported int
	// Failed counts the changes that failed; Skipped those not applied
	// because something they depend on failed; NotStarted those not
	// started because the apply was interrupted.
	Failed, Skipped, NotStarted int
	Interrupted                 bool
	// Diagnostics hold every problem: those of each failed change (also
	// in Failures), and those of the apply as a whole. Skipped changes
	// have none: they are in Skips.
	Diagnostics hcl.Diagnostics
	// Failures are the failed changes with their error diagnostics, in
	// the order they failed.
	Failures []Failure
	// Skips are the changes not applied because a change they depend on
	// failed.
	Skips []Skip
	// Halts are the providers whose changes stopped being started, with
	// why; their changes not attempted are counted in NotStarted.
	Halts []Halt
	// NotAttempted are the addresses of the changes counted in
	// NotStarted: their changes are let go of (a provider halted at the
	// start of an apply of a million creates leaves a million of them).
	NotAttempted []addrs.Instance
}

// Halt is a provider apply stopped starting changes for.
type Halt struct {
	Provider string
	Cause    error
	// NotAttempted counts the changes not started because of it,
	// dependents of other providers included.
	NotAttempted int
}

// Failure is a change that failed, with its error diagnostics.
type Failure struct {
	Change *plans.Change
	Diags  hcl.Diagnostics
}

// Skip is a change not applied because Failed, a change it depends on
// (directly or not), failed.
type Skip struct {
	Change *plans.Change
	Failed string
}

// Apply carries out plan: its changes, in the order their DependsOn
// says; eval evaluates what each change needs once its dependencies have
// finished. Cancelling ctx stops starting changes and sending requests;
// the requests already sent get DrainTimeout to finish, and every outcome
// is still recorded. Apply does not compact the state.
func Apply(ctx context.Context, plan *plans.Plan, eval Evaluator, opts Options) *Report {
	a, stop := newApplier(ctx, plan, eval, opts)
	defer stop()
	// A request of a change in flight that is not sent yet (queued at the
	// rate limiter, or waiting to be retried) is not sent once ctx is
	// cancelled: an interrupted apply finishes what it sent, nothing more.
	a.drain = httpx.WithStop(a.drain, ctx)
	if plan.Errored {
		a.report.Diagnostics = hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Plan has errors",
			Detail:   "A plan made with errors cannot be applied. Fix the errors and plan again.",
		}}
		return a.report
	}
	if !a.recordMoves() {
		return a.report
	}
	a.run()
	a.crash.Repanic() // in the caller's goroutine, where the command reports it
	a.recordDigests()
	a.recordOutputs()
	return a.report
}

// newApplier starts one run of Apply or Join with opts' defaults; stop
// releases its drain context.
func newApplier(ctx context.Context, plan *plans.Plan, eval Evaluator, opts Options) (*applier, func()) {
	a := &applier{ctx: ctx, plan: plan, eval: eval, opts: opts.withDefaults(), report: &Report{}}
	var stop func()
	a.drain, stop = drainContext(ctx, a.opts.DrainTimeout)
	return a, stop
}

// applier is one run of Apply.
type applier struct {
	ctx   context.Context // cancelled: start nothing new
	drain context.Context // for requests in flight: outlives ctx by DrainTimeout
	plan  *plans.Plan
	eval  Evaluator
	opts  Options

	mu     sync.Mutex // guards report, opts.State and unsent
	report *Report
	// unsent holds the changes whose create the interrupt kept from being
	// sent: they count as not started, not as failed.
	unsent map[*plans.Change]bool
	// halts are the providers that halted (see halt.go).
	halts map[string]*Halt
	// crash keeps the first panic of a change's goroutine.
	crash panics.First
	// holderIdx tells which address holds which remote record, for
	// resolutions; built on the first one (holders), kept current by
	// persist.
	holderIdx *planner.Holders
}

// drainContext returns a context that is not cancelled with ctx but
// DrainTimeout after it.
func drainContext(ctx context.Context, timeout time.Duration) (context.Context, func()) {
	drain, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var timer *time.Timer
	var tmu sync.Mutex
	stopAfter := context.AfterFunc(ctx, func() {
		tmu.Lock()
		timer = time.AfterFunc(timeout, cancel)
		tmu.Unlock()
	})
	return drain, func() {
		stopAfter()
		tmu.Lock()
		if timer != nil {
			timer.Stop()
		}
		tmu.Unlock()
		cancel()
	}
}

// persist records u durably, then in memory. It uses a context that ctx's
// cancellation does not reach: an outcome is always recorded.
func (a *applier) persist(u state.Update) error {
	if err := a.opts.Backend.Apply(context.WithoutCancel(a.ctx), u); err != nil {
		return err
	}
	a.mu.Lock()
	a.opts.State.Apply(u)
	if a.holderIdx != nil {
		a.holderIdx.Update(u)
	}
	a.mu.Unlock()
	return nil
}

func (a *applier) addDiags(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	a.mu.Lock()
	a.report.Diagnostics = append(a.report.Diagnostics, diags...)
	a.mu.Unlock()
}

func (a *applier) count(f func(r *Report)) {
	a.mu.Lock()
	f(a.report)
	a.mu.Unlock()
}
