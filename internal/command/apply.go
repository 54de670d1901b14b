package command

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres"
)

func runApply(m *Meta, args []string) int {
	var pf planFlags
	fs := newFlagSet(m, "apply")
	pf.register(fs)
	autoApprove := fs.Bool("auto-approve", false, "apply without asking for confirmation")
	join := fs.Bool("join", false, "apply the saved plan together with every daftar that joins it (PostgreSQL backend; see docs/backends.md)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 1 {
		m.errorf("daftar apply takes at most one argument, a saved plan file (got %d arguments)", fs.NArg())
		return exitError
	}
	planFile := fs.Arg(0)
	if planFile != "" && (len(pf.targets) > 0 || len(pf.replaces) > 0 || !pf.refresh || pf.refreshOnly || pf.excludeInvalid) {
		m.errorf("-target, -replace, -refresh, -refresh-only and -exclude-invalid cannot be given with a plan file: the plan file keeps the options it was made with")
		return exitError
	}
	if *join {
		return m.applyJoin(&pf, planFile) // join.go
	}
	defer m.close()
	if pf.json {
		versionEvent(m.Stdout)
		m.diagEvents = true // every error from here on is an event too
	}
	// Signals are caught from the start: an interrupt while the state is
	// loaded or the plan is made cancels the plan, and nothing is applied.
	ctx, interrupted := m.interruptible()
	r, ok := m.prepare(&pf)
	if !ok {
		return exitError
	}
	ctx, watch := m.watchApplyLock(ctx)
	restoreGC := m.collectWhilePlanning()
	res, eval, ok := r.planForApply(ctx, planFile)
	restoreGC()
	if !ok || interrupted() {
		// A plan cut short by an interrupt may look complete (a read that
		// was cancelled is only a warning): it is never applied.
		if interrupted() {
			r.m.applyHooks(r.flags.json).Summary(&executor.Report{Interrupted: true}, true, r.retries())
		}
		return exitError
	}
	if r.flags.json {
		resolutionEvents(r.m.Stdout, res.Plan.Resolutions)
		plannedEvents(r.m.Stdout, res)
	}
	if !r.approved(res.Plan, planFile != "", *autoApprove) {
		return exitError
	}
	// The locals evaluated while the state loaded (a batch's CSV rows) are
	// the plan's now: apply keeps those it reads (planner.Evaluation).
	r.locals = nil
	return r.apply(ctx, res, eval, func() bool { return interrupted() || watch.Lost() != nil }, watch)
}

// watchApplyLock watches the state lock apply holds (lockwatch.go): once
// it is lost, apply sends nothing more.
func (m *Meta) watchApplyLock(ctx context.Context) (context.Context, *lockWatch) {
	w := &lockWatch{held: m.held, lostMsg: "This apply sends nothing more: no change starts, no queued request or retry is sent, " +
		"and the requests already sent finish. Another daftar may be applying this state now; once it is done, run daftar apply again: it resolves what this one left undecided"}
	if m.held == nil {
		return ctx, w
	}
	if s, ok := m.held.(*postgres.Session); ok {
		w.owns = s.Owns // on a pooled connection: creates do not queue on the lock's session
	}
	return m.watchLock(ctx, w), w
}

// planForApply makes the plan apply carries out: a fresh one, or a saved
// plan file, which runs as it was reviewed without planning again: it
// must have been made from this state (lineage and serial), and the
// configuration is evaluated only for what the file cannot hold (its
// secrets, the values only apply can tell; planner.Bind). eval is bound
// to the plan that runs.
func (r *run) planForApply(ctx context.Context, planFile string) (*planner.Result, *planner.Evaluation, bool) {
	if planFile == "" {
		// The plan is applied here and never saved: its changes need no
		// digest of their configuration (planner.Request.ApplyOnly).
		r.applyOnly = true
		// Printed (not as JSON events, which list every change) and
		// applied by the executor, which takes a batch's creates as it
		// schedules them: those are kept packed until then
		// (planner.Request.LazyCreates).
		r.lazyCreates = !r.flags.json
		res, ok := r.plan(ctx, r.flags.planOptions())
		if ok && !r.flags.json {
			render.PlanLimited(r.m.Stdout, forDisplay(res.Plan, r.state, r.wiring.digester), blocksShown(res.Plan))
		}
		if !ok {
			return nil, nil, false
		}
		return res, res.Evaluator(), true
	}
	saved, err := r.m.readPlanFile(planFile, r.wiring.digester)
	if err != nil {
		r.m.errorf("%s", err)
		return nil, nil, false
	}
	if err := checkSavedState(saved, r.state); err != nil {
		r.m.errorf("the plan %s is stale: %s. Nothing was applied. Make a new plan with daftar plan -out=%s.", planFile, err, planFile)
		return nil, nil, false
	}
	r.reviewed = true
	res, eval, diags := planner.Bind(ctx, r.request(saved.Options), saved)
	if ctx.Err() != nil {
		r.m.errorf("interrupted while reading the saved plan: nothing was sent or recorded")
		return nil, nil, false
	}
	if r.m.showDiags(diags) || eval == nil {
		return nil, nil, false
	}
	return res, eval, true
}

// approved checks what must hold before the first request: the spends are
// covered, and the user said yes (or -auto-approve, or a reviewed plan
// file).
func (r *run) approved(p *plans.Plan, fromFile, autoApprove bool) bool {
	for _, s := range p.Spends {
		if s.Short() {
			r.m.errorf("this apply would spend %d %s but the balance is %d. Nothing was applied. Top up the balance, or apply fewer verifications with -target.", s.Count, s.Unit, s.Balance)
			return false
		}
	}
	if fromFile || autoApprove || !p.HasChanges() {
		return true
	}
	if !r.m.common.input {
		r.m.errorf("daftar apply asks for confirmation, and -input=false forbids asking. Run daftar apply -auto-approve, or save a plan with daftar plan -out=FILE and run daftar apply FILE.")
		return false
	}
	if !r.m.stdinIsTerminal() {
		r.m.errorf("daftar apply asks for confirmation, but standard input is not a terminal. Run daftar apply -auto-approve, or save a plan with daftar plan -out=FILE and run daftar apply FILE.")
		return false
	}
	if !r.m.confirm("\nDo you want to perform these actions?\n  daftar will carry out the actions described above.") {
		r.m.errorf("apply cancelled: the answer was not 'yes'. Nothing was applied.")
		return false
	}
	return true
}

// apply carries out the plan, compacts the state and prints the summary.
// The changes that run are eval's plan (the saved plan of apply PLANFILE);
// res is its Result, for the checks, exclusions and progress.
func (r *run) apply(ctx context.Context, res *planner.Result, eval *planner.Evaluation, interrupted func() bool, watch *lockWatch) int {
	// Recorded configuration digests (Evaluation.Backfill) are the key's
	// too: a state that gains them adopts it.
	if err := r.recordDigestKey(ctx, res.Plan.HasChanges() || res.Backfills() > 0); err != nil {
		r.m.errorf("nothing was applied: recording the digest key's fingerprint in the state failed: %s", err)
		return exitError
	}
	hooks := r.m.withProgress(r.m.applyHooks(r.flags.json), res, r.flags.json)
	opts := r.executorOptions()
	opts.Hooks, opts.Halted = hooks, r.wiring.transports.halted
	// What follows reads none of the plan's changes: apply lets go of
	// each once it is finished and recorded.
	opts.ReleaseChanges = true
	eval.Start()
	collectAfterPlan(eval.Plan().Len())
	unlimit := r.m.limitToPlanPeak(eval.Plan().Len(), len(eval.Plan().Lazy) > 0)
	report := executor.Apply(ctx, eval.Plan(), eval, opts)
	hooks.stop() // before the diagnostics and the summary
	var compactErr error
	lost := watch.Lost()
	if u, ok := r.backend.(interface{ Unchanged() bool }); lost == nil && (!ok || !u.Unchanged()) {
		compactErr = r.backend.Compact(context.Background(), r.state)
	}
	// Only once the state is compacted: its live heap is the executor's
	// last (every record written), and under Go's default target the
	// compaction of a million creates took the heap to twice that.
	unlimit()
	report.Diagnostics = collapseLost(report.Diagnostics, lost)
	grouped := groupedDiagnostics(report)
	r.m.showDiags(grouped)      // with -json, also as diagnostic events
	checks := res.ApplyChecks() // postconditions left to apply, check blocks
	r.m.showDiags(checks)
	if compactErr != nil {
		r.m.errorf("%s", compactFailed(r.backend, compactErr))
	}
	if r.flags.json {
		outputsEvent(r.m.Stdout, r.state)
		excludedEvent(r.m.Stdout, res.Plan.Excluded)
	} else if line := render.ExcludedLine(res.Plan); line != "" {
		fmt.Fprintf(r.m.Stdout, "\n%s\n", line)
	}
	hooks.Summary(report, interrupted(), r.retries())
	// An interrupt that came once every change had started (one waiting for
	// a verification's result, say) leaves no change unstarted, but the
	// apply was interrupted all the same: it says so and exits 1.
	r.recordLastApply(report, res.Plan)
	if report.Failed > 0 || report.Interrupted || interrupted() || lost != nil || compactErr != nil || report.Diagnostics.HasErrors() || checks.HasErrors() {
		return exitError
	}
	if !r.flags.json {
		r.m.printOutputs(r.state)
	}
	if len(res.Plan.Excluded) > 0 {
		return exitExcluded
	}
	return exitOK
}

// planGCPercent is the garbage collector's target (GOGC) while apply
// plans, or binds a saved plan, and while a batch's creates kept lazily
// are applied: the heap may grow by 30 % of what is live before a
// collection, instead of as much again. At a million creates the live
// heap is the state's records, about 600 MB by the end: at 50 % the apply
// peaked at 1,078 MB, at 30 % at 974 MB, for about 12 % more CPU
// (docs/performance.md, "The targets, as of 2026-12-06 (sixth round)").
const planGCPercent = 30

// collectWhilePlanning lowers the collector's target while apply plans or
// binds a saved plan, and returns what restores it. The plan's live heap
// is the largest of the run (a batch's CSV rows, keys, steps and packed
// values, which apply then lets go of): with Go's default target, the
// plan of 100,000 creates alone took the apply's peak memory to twice
// that. The plan is a small part of an apply's time; its collections cost
// little next to the requests (docs/performance.md). A user who set GOGC
// or GOMEMLIMIT keeps their setting, and a -refresh-only run its own.
func (m *Meta) collectWhilePlanning() (restore func()) {
	if lookupEnv(m.Environ, "GOGC") != "" || lookupEnv(m.Environ, "GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(planGCPercent)
	if old >= 0 && old < planGCPercent {
		debug.SetGCPercent(old)
		return func() {}
	}
	stop := collectHugeApply()
	return func() {
		stop()
		debug.SetGCPercent(old)
	}
}

// hugeApplyLive is the live heap past which an apply is huge: a million
// rows with a verification each hold about 790 MB live at the end of
// their plan and 720 MB at the end of their apply; 100,000 rows hold a
// tenth of it.
const hugeApplyLive = 512 << 20

// hugeApplyGCPercent is the collector's target of a huge apply, from the
// moment its live heap passes hugeApplyLive: the heap grows by 15 % of
// what is live, not 30 %. At a million verifications 30 % of what is live
// is 240 MB, which took the apply above 1 GB (docs/performance.md, "Lead,
// twelfth round"); at 20 % the apply that records their outcomes peaked
// at 1,013 MB, the load's 797 MB live setting a target of 956 MB, and at
// 15 % at 959 MB, for 5 % more CPU ("Lead, fourteenth round"). The
// collections it adds come only once the heap is that large.
const hugeApplyGCPercent = 15

// collectHugeApply lowers the collector's target to hugeApplyGCPercent
// once the live heap passes hugeApplyLive, unless it is lower already,
// and returns what stops the watch; the caller restores the target it
// set (planGCPercent) or found.
func collectHugeApply() (stop func()) {
	return onLiveHeapOver(500*time.Millisecond, hugeApplyLive, func() {
		if old := debug.SetGCPercent(hugeApplyGCPercent); old >= 0 && old < hugeApplyGCPercent {
			debug.SetGCPercent(old)
		}
	})
}

// collectAfterPlanChanges is how many changes a plan has at least for
// apply to collect what planning left before it starts.
const collectAfterPlanChanges = 10_000

// collectAfterPlan hands back to the system, before a large apply, what
// planning allocated and no longer holds: the garbage collector's target
// still follows the plan's largest live heap (the batch's rows, configurations
// and keys, which apply lets go of), and the heap would otherwise grow to
// it again before the first collection of the apply. One collection, about
// what a collection of the apply costs.
func collectAfterPlan(changes int) {
	if changes >= collectAfterPlanChanges {
		debug.FreeOSMemory()
	}
}

// limitToPlanPeak keeps a large apply's executor within the memory its
// plan already took (GOMEMLIMIT at the runtime's memory at the end of the
// plan), and returns what lifts the limit. Once apply lets go of each
// finished change, the executor's live heap is largest when it starts
// (every change waiting, packed) and falls as changes finish; Go's
// default target lets the heap grow to twice that first, above the
// plan's own peak (at 1,000,000 creates: 1.3 GB live, a target of 3.1
// GB, where the plan's heap peaked at 2.2 GB). Under the limit the
// collector runs more often only while the live heap is near the plan's;
// should the live heap pass three quarters of the limit (an apply whose
// records outgrow what it lets go of), the limit is lifted for good,
// rather than let the collector run ever more often, and the heap grows
// by 30 % of what is live from then on (planGCPercent), not by as much
// again: an apply whose plan kept its creates packed (lazycreates.go)
// starts its executor with less live than the state's records it ends
// with. A user who set GOGC or GOMEMLIMIT keeps their setting.
//
// A plan that kept creates lazily (lazy) is not the executor's largest
// live heap: the executor makes each create's step and change as it
// reaches it, and its live heap grows with the state's records. It runs
// with the plan's target instead (planGCPercent), not under a limit it
// would soon fill.
func (m *Meta) limitToPlanPeak(changes int, lazy bool) (lift func()) {
	if changes < collectAfterPlanChanges || lookupEnv(m.Environ, "GOGC") != "" || lookupEnv(m.Environ, "GOMEMLIMIT") != "" {
		return func() {}
	}
	if lazy {
		old := debug.SetGCPercent(planGCPercent)
		if old >= 0 && old < planGCPercent {
			debug.SetGCPercent(old)
		}
		stop := collectHugeApply()
		return func() {
			stop()
			debug.SetGCPercent(old)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	limit := int64(ms.Sys) // what the runtime obtained from the system: the plan's peak, which it keeps mapped
	old := debug.SetMemoryLimit(limit)
	oldPercent := debug.SetGCPercent(-1)
	debug.SetGCPercent(oldPercent)
	stop := onLiveHeapOver(500*time.Millisecond, uint64(limit/4*3), func() {
		// The heap grows by 30 % of what is live, as while planning, not
		// by as much again.
		if oldPercent < 0 || oldPercent > planGCPercent {
			debug.SetGCPercent(planGCPercent)
		}
		debug.SetMemoryLimit(old)
	})
	return func() {
		stop()
		debug.SetMemoryLimit(old)
		debug.SetGCPercent(oldPercent)
	}
}

// compactFailed says what a failed compaction at the end of an apply
// means, in the backend's words: the outcomes are recorded either way.
func compactFailed(b state.Backend, err error) string {
	if lockLost(err) {
		return fmt.Sprintf("the outcomes recorded so far are kept, but the run could not be closed: %s", err)
	}
	if _, ok := b.(*state.Local); ok {
		return fmt.Sprintf("the outcomes are recorded in the journal, but writing the state file failed: %s. The next daftar command will finish writing it.", err)
	}
	return fmt.Sprintf("every outcome is recorded in %s, but closing the run (raising the state's serial) failed: %s. The next daftar command will finish it.", b, err)
}

// retries is what the run's retry budget spent, for the summary.
func (r *run) retries() retryCount {
	b := r.wiring.transports.budget
	return retryCount{Used: b.Used(), Max: b.Max(), Denied: b.Denied()}
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM,
// which stops the apply from starting new work; a second signal exits at
// once (the journal already holds every recorded outcome).
func (m *Meta) interruptible() (context.Context, func() bool) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	got := make(chan struct{})
	go func() {
		<-sigs
		close(got)
		fmt.Fprintln(m.Stderr, "\nInterrupt received: no new change will start; the requests in flight finish and their outcomes are saved.\nPress Ctrl-C again to exit at once: the journal keeps every outcome recorded so far.")
		cancel()
		<-sigs
		fmt.Fprintln(m.Stderr, "Exiting at once. Run daftar plan to see what remains.")
		os.Exit(130)
	}()
	m.defer_(func() { signal.Stop(sigs); cancel() })
	return ctx, func() bool {
		select {
		case <-got:
			return true
		default:
			return false
		}
	}
}

// checkSavedState refuses a plan made against another state.
func checkSavedState(saved *plans.Plan, st *state.State) error {
	if saved.Serial > 0 && saved.Lineage != st.Lineage {
		return fmt.Errorf("it was made for another state (lineage %s, this state has %s)", saved.Lineage, st.Lineage)
	}
	if saved.Serial != st.Serial {
		return fmt.Errorf("the state changed since it was made (serial %d then, %d now)", saved.Serial, st.Serial)
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
