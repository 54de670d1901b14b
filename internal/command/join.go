package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres"
)

// joinRun is one worker of a batch: a run holding the workspace's lock
// shared with the other workers.
type joinRun struct {
	*run
	pg       *postgres.Backend
	session  *postgres.Session
	planFile string
	saved    *plans.Plan
	digest   string
	// result is the bound plan's Result, for the checks after apply.
	result *planner.Result
}

// applyJoin applies a saved plan together with every other daftar process
// that runs apply -join with the same plan file on the same PostgreSQL
// workspace: the first publishes the plan's changes as a batch, each
// claims changes from it, and a provider's rate_limit holds for all of
// them together.
func (m *Meta) applyJoin(pf *planFlags, planFile string) int {
	if planFile == "" {
		m.errorf("-join applies a saved plan together with other workers: make one with daftar plan -out=FILE, give the same file to every worker, and run daftar apply -join FILE on each")
		return exitError
	}
	defer m.close()
	ctx, interrupted := m.interruptible()
	j, ok := m.prepareJoin(pf, planFile)
	if !ok {
		return exitError
	}
	bt, ok := j.batch(ctx)
	if !ok || bt == nil {
		return exitFor(ok)
	}
	worker, eval, ok := j.joinBatch(ctx, bt)
	if !ok {
		return exitError
	}
	// The worker's session is its lease: once it is gone, the others
	// take over its claims, so it sends nothing more (lockwatch.go); and
	// each create proves, right before it leaves, that its step is still
	// this worker's.
	watch := &lockWatch{held: j.session, owns: worker.Owns,
		lostMsg: "This worker stops: it claims nothing more and sends nothing more, and the other workers take over its claims"}
	ctx = m.watchLock(ctx, watch)
	hooks := m.applyHooks(pf.json)
	opts := j.executorOptions()
	opts.Hooks, opts.Halted = hooks, j.wiring.transports.halted
	report, closed := executor.Join(ctx, eval.Plan(), eval, opts, joinQueue{worker})
	var compactErr error
	if closed && watch.Lost() == nil {
		compactErr = j.pg.Compact(context.Background(), j.state)
	}
	report.Diagnostics = collapseLost(report.Diagnostics, watch.Lost())
	m.showDiags(report.Diagnostics)
	// The worker that closes the batch has the value of every instance
	// (its own, and the others' read from the state): it checks what
	// apply decides, as apply does (postconditions left to apply are
	// errors, check blocks warnings). The other workers leave it to it,
	// so that each failure is reported once.
	var checks hcl.Diagnostics
	if closed && j.result != nil {
		checks = j.result.ApplyChecks()
		m.showDiags(checks)
	}
	if compactErr != nil {
		m.errorf("every outcome is recorded, but closing the batch's state failed: %s. The next daftar command will finish it.", compactErr)
	}
	return j.summary(worker, report, closed, interrupted() || report.Interrupted || watch.Lost() != nil, compactErr, checks.HasErrors())
}

func exitFor(ok bool) int {
	if ok {
		return exitOK
	}
	return exitError
}

// prepareJoin loads the configuration, the variables and the plan file,
// and takes the workspace's lock shared.
func (m *Meta) prepareJoin(pf *planFlags, planFile string) (*joinRun, bool) {
	vars, w, b, ok := m.loadInputs(pf)
	if !ok {
		return nil, false
	}
	pg, isPG := b.(*postgres.Backend)
	if !isPG {
		m.errorf("-join shares one plan between workers through the PostgreSQL backend, and this configuration keeps its state in a local file. Add daftar { backend \"postgres\" { ... } } (see docs/backends.md).")
		return nil, false
	}
	j := &joinRun{run: &run{m: m, flags: pf, backend: pg, wiring: w, vars: vars}, pg: pg, planFile: planFile}
	var err error
	if j.saved, j.digest, err = m.readPlanDigest(planFile, w); err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	if j.session, ok = m.lockShared(pg, pf.lockTimeout); !ok {
		return nil, false
	}
	w.transports.limiter = func(provider string, perSecond int) httpx.Limiter {
		if l := pg.Limiter(provider, perSecond); l != nil {
			return l
		}
		return nil
	}
	return j, true
}

// readPlanDigest reads the plan file and names it by the sha256 of its
// bytes: every worker must hold the same file.
func (m *Meta) readPlanDigest(path string, w *wiring) (*plans.Plan, string, error) {
	data, err := readPlanBytes(path)
	if err != nil {
		return nil, "", err
	}
	p, err := m.readPlanFile(path, w.digester)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	return p, hex.EncodeToString(sum[:]), nil
}

// lockShared takes the workspace's lock shared with the other workers,
// waiting up to timeout for a plan, an apply or a state command to end.
func (m *Meta) lockShared(pg *postgres.Backend, timeout time.Duration) (*postgres.Session, bool) {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	info := state.LockInfo{ID: state.NewLineage(), Operation: "apply -join", Who: who(), PID: os.Getpid(), Created: time.Now().UTC()}
	s, err := pg.LockShared(ctx, info)
	if err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	m.defer_(func() {
		if err := s.Unlock(); err != nil {
			m.errorf("releasing the state lock: %s", err)
		}
	})
	return s, true
}

// batch returns the running batch of the plan, publishing it when no
// worker has yet. It returns nil (and true) when the plan was applied by
// a batch already.
func (j *joinRun) batch(ctx context.Context) (*postgres.Batch, bool) {
	var bt *postgres.Batch
	err := j.session.Publishing(ctx, func() error {
		found, err := j.pg.FindBatch(ctx, j.digest)
		if err != nil {
			return err
		}
		switch {
		case found != nil && found.Status == postgres.BatchRunning:
			bt = found
			return nil
		case found != nil && found.Status == postgres.BatchComplete:
			fmt.Fprintf(j.m.Stdout, "The plan %s was applied by batch %d, which is complete: nothing to do.\n", j.planFile, found.ID)
			return nil
		}
		bt, err = j.publish(ctx)
		return err
	})
	if errors.Is(err, errShown) {
		return nil, false
	}
	if err != nil {
		j.m.errorf("%s", err)
		return nil, false
	}
	return bt, true
}

// publish checks the plan against the state and binds it to the
// configuration, as apply of a plan file does, records what only writes
// the state, and publishes the rest.
func (j *joinRun) publish(ctx context.Context) (*postgres.Batch, error) {
	st, err := j.pg.Load(ctx)
	if err != nil {
		return nil, err
	}
	j.state = st
	if err := checkSavedState(j.saved, st); err != nil {
		return nil, fmt.Errorf("the plan %s is stale: %w. Make a new plan with daftar plan -out=%s", j.planFile, err, j.planFile)
	}
	eval, ok := j.bind(ctx)
	if !ok || !j.approved(j.saved, true, true) {
		return nil, errShown
	}
	if diags := executor.ApplyResolutions(ctx, j.saved, eval, j.executorOptions()); j.m.showDiags(diags) {
		return nil, errShown
	}
	batch, err := executor.PlanBatch(j.saved, eval, st)
	if err != nil {
		return nil, err
	}
	bt, err := j.pg.Publish(ctx, batchSpec(batch, j.digest, st), j.wiring.runID)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(j.m.Stdout, "Published the plan %s as batch %d: %d changes for the workers that join it.\n", j.planFile, bt.ID, bt.Steps)
	return bt, nil
}

func batchSpec(b *executor.Batch, digest string, st *state.State) postgres.BatchSpec {
	spec := postgres.BatchSpec{PlanDigest: digest, Lineage: st.Lineage, Serial: st.Serial, Records: map[string]postgres.BatchRecord{}}
	for _, s := range b.Steps {
		spec.Steps = append(spec.Steps, postgres.BatchStep{Addr: s.Addr, Resource: s.Addr, Action: s.Action})
	}
	for _, e := range b.Edges {
		spec.Edges = append(spec.Edges, postgres.BatchEdge{Up: e.Up, Down: e.Down})
	}
	for a, r := range b.Records {
		spec.Records[a] = postgres.BatchRecord{Planned: r.Planned, Stored: r.Stored}
	}
	return spec
}

// joinBatch joins bt and binds the saved plan to the configuration, as
// the first worker did, from the state the batch was published from (the
// records as the plan saw them).
func (j *joinRun) joinBatch(ctx context.Context, bt *postgres.Batch) (*postgres.Worker, *planner.Evaluation, bool) {
	worker, err := j.pg.JoinBatch(ctx, bt, j.session, j.wiring.runID)
	if err != nil {
		j.m.errorf("%s", err)
		return nil, nil, false
	}
	if j.state, err = j.pg.PlanState(ctx, bt); err != nil {
		j.m.errorf("%s", err)
		return nil, nil, false
	}
	eval, ok := j.bind(ctx)
	if !ok {
		j.m.errorf("this worker cannot apply batch %d's plan with its configuration (see above). Nothing was applied by this worker. Check that every worker has the same configuration files, variables (-var, -var-file, DAFTAR_VAR_*) and DAFTAR_DIGEST_KEY.", bt.ID)
		return nil, nil, false
	}
	fmt.Fprintf(j.m.Stdout, "Joined batch %d (%d changes) as worker %s.\n", bt.ID, bt.Steps, j.wiring.runID)
	return worker, eval, true
}

// bind binds the saved plan to the configuration without planning again
// (planner.Bind), as apply PLANFILE does; it prints the problems.
func (j *joinRun) bind(ctx context.Context) (*planner.Evaluation, bool) {
	j.reviewed = true
	res, eval, diags := planner.Bind(ctx, j.request(j.saved.Options), j.saved)
	if j.m.showDiags(diags) || eval == nil || ctx.Err() != nil {
		return nil, false
	}
	j.result = res
	return eval, true
}

// summary prints this worker's share and, when the batch is finished,
// the batch's totals in the contract's summary line; it returns the exit
// code: 1 when anything of the batch failed, or this worker did.
func (j *joinRun) summary(w *postgres.Worker, r *executor.Report, closed, interrupted bool, compactErr error, checksFailed bool) int {
	mine := fmt.Sprintf("%d added, %d changed, %d replaced, %d forgotten, %d failed", r.Added, r.Changed, r.Replaced, r.Forgotten, r.Failed)
	s, err := w.Summary(context.Background())
	if err != nil {
		j.m.errorf("%s", err)
		return exitError
	}
	line := fmt.Sprintf("Resources: %d added, %d changed, %d replaced, %d forgotten.", s.Added, s.Changed, s.Replaced, s.Forgotten)
	switch {
	case interrupted:
		line = "Apply interrupted! This worker stopped; the others go on with the batch. " + line
	case s.Unfinished > 0:
		line = "Apply incomplete! " + line + fmt.Sprintf(" %d changes are not finished; run daftar apply -join %s to finish them.", s.Unfinished, j.planFile)
	case s.Failed+s.Skipped > 0:
		line = "Apply failed! " + line + fmt.Sprintf(" %d failed, %d not applied because something they depend on failed.", s.Failed, s.Skipped)
	default:
		line = "Apply complete! " + line
	}
	if j.flags.json {
		now := time.Now().UTC()
		level := "info"
		if interrupted || s.Unfinished+s.Failed+s.Skipped > 0 {
			level = "error"
		}
		data, _ := json.Marshal(map[string]any{"type": "change_summary", "time": now.Format(time.RFC3339Nano),
			"@level": level, "@message": line, "@module": uiModule, "@timestamp": now.Format(time.RFC3339Nano),
			"changes": uiChanges{Add: s.Added, Change: s.Changed, Replace: s.Replaced, Forget: s.Forgotten, Operation: "apply"},
			"worker":  j.wiring.runID, "worker_added": r.Added, "worker_changed": r.Changed, "worker_replaced": r.Replaced,
			"worker_forgotten": r.Forgotten, "worker_failed": r.Failed, "batch": w.Batch().ID, "workers": s.Workers, "workers_stopped": s.Stopped,
			"added": s.Added, "changed": s.Changed, "replaced": s.Replaced, "forgotten": s.Forgotten,
			"failed": s.Failed, "skipped": s.Skipped, "warnings": s.Warnings, "unfinished": s.Unfinished, "interrupted": interrupted, "message": line})
		fmt.Fprintln(j.m.Stdout, string(data))
	} else {
		fmt.Fprintf(j.m.Stdout, "\nThis worker (%s) applied: %s.\n%s\n", j.wiring.runID, mine, workersLine(w.Batch().ID, s))
		if len(s.Failures) > 0 {
			fmt.Fprintln(j.m.Stdout, "Changes of the batch that failed or were not applied:")
		}
		for _, f := range s.Failures {
			fmt.Fprintf(j.m.Stdout, "  %s\n", f)
		}
		if len(s.Warnings) > 0 {
			fmt.Fprintln(j.m.Stdout, "Warnings of the batch (the apply went on; a check block whose data source could not be read was not evaluated):")
		}
		for _, w := range s.Warnings {
			fmt.Fprintf(j.m.Stdout, "  %s\n", w)
		}
		fmt.Fprintf(j.m.Stdout, "\n%s\n", line)
	}
	if interrupted || s.Unfinished > 0 || s.Failed+s.Skipped > 0 || r.Diagnostics.HasErrors() || compactErr != nil || checksFailed {
		return exitError
	}
	if closed && !j.flags.json {
		j.m.printOutputs(j.state)
	}
	return exitOK
}

// workersLine says who applied the batch: the workers that ran, and
// apart from them those that stopped before the end (killed, or on losing
// their lock), whose claims the others took over.
func workersLine(batch int64, s *postgres.Summary) string {
	running := s.Workers - s.Stopped
	line := fmt.Sprintf("Batch %d was applied by %d %s", batch, running, plural(running, "worker", "workers"))
	if s.Stopped > 0 {
		line += fmt.Sprintf(", with %d more that stopped before the end and whose claims were taken over", s.Stopped)
	}
	return line + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// joinQueue is a postgres.Worker as the executor's Queue.
type joinQueue struct{ *postgres.Worker }

func (q joinQueue) Claim(ctx context.Context, n int) ([]executor.Claim, error) {
	cs, err := q.Worker.Claim(ctx, n)
	out := make([]executor.Claim, len(cs))
	for i, c := range cs {
		out[i] = executor.Claim{Addr: c.Addr, Stored: c.Stored, Current: c.Current}
	}
	return out, err
}
