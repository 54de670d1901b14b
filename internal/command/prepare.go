package command

import (
	"context"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// run is what plan, apply, import and refresh-like commands share once the
// configuration, the variables and the locked state are loaded.
type run struct {
	m       *Meta
	flags   *planFlags
	backend state.Backend
	state   *state.State
	wiring  *wiring
	vars    map[string]cty.Value
	// locals are the locals EvalLocals evaluated while the state loaded.
	locals map[string]cty.Value
	// reviewed is set when the run plans again to apply a saved plan: its
	// creates were the user's word when they reviewed it.
	reviewed bool
	// applyOnly is set when the run applies the plan it makes, with no
	// plan file, or prints it alone (planner.Request.ApplyOnly).
	applyOnly bool
	// lazyCreates is set, with applyOnly, when the plan is printed (and
	// applied), not written as JSON events (planner.Request.LazyCreates).
	lazyCreates bool
	// compactNoOps is set when the run's plan is printed, written as JSON
	// or saved (plan), the renderer skipping no-ops and the JSON and the
	// plan file making each as they write it (planner.Result.Source): its
	// unchanged instances need no change of their own until then
	// (planner.Request.CompactNoOps). So do those of a plan that is printed
	// and applied (lazyCreates): the executor has nothing to do for an
	// unchanged instance whose record holds its digest, and the plan's
	// value of it is its record.
	compactNoOps bool
	// provs are the providers of the last plan, which it configured: the
	// executor applies that plan with them.
	provs map[string]providers.Provider
}

// prepare loads the configuration and the variables, takes the state lock
// and loads the state. It prints every problem and reports whether the run
// can go on. The lock is released by m.close.
func (m *Meta) prepare(pf *planFlags) (*run, bool) {
	m.collectForReads(pf)
	vars, w, b, ok := m.loadInputs(pf)
	if !ok || !m.lock(b, pf.lockTimeout) {
		return nil, false
	}
	m.hugeHeapForState(b)
	// The locals that read no resource (a batch's csvdecode) are evaluated
	// while the state loads: neither needs the other.
	locals, crash := make(chan map[string]cty.Value, 1), make(chan any, 1)
	go func() {
		defer passPanic(crash)
		locals <- planner.EvalLocals(&planner.Request{Config: m.Config, Vars: vars, Providers: newProviders()})
	}()
	collect := m.loadUncollected(b, pf)
	st, ok := m.loadState(b)
	collect()
	if !ok || !m.checkBackendChange(st) {
		return nil, false
	}
	if err := checkDigestKey(st, w.digester.KeyID(), m.Dir, m.Environ, pf.acceptNewKey); err != nil {
		m.errorf("%s", err)
		return nil, false
	}
	// A journal left by an interrupted run is folded into the snapshot
	// now; with no journal this writes nothing, and a state never written
	// (serial 0) stays unwritten until something is applied. A backend that
	// knows it found no journal skips the compaction, which would encode the
	// whole state only to find it unchanged.
	if j, ok := b.(interface{ JournalFound() bool }); m.common.lock && st.Serial != 0 && (!ok || j.JournalFound()) {
		if err := b.Compact(context.Background(), st); err != nil {
			m.errorf("%s", err)
			return nil, false
		}
	}
	return &run{m: m, flags: pf, backend: b, state: st, wiring: w, vars: vars, locals: receive(locals, crash)}, true
}

// loadInputs checks the flags, loads the configuration and the variables,
// and makes the wiring and the backend: what prepare and prepareJoin share
// before they lock. It prints every problem.
func (m *Meta) loadInputs(pf *planFlags) (map[string]cty.Value, *wiring, state.Backend, bool) {
	if err := pf.check(); err != nil {
		m.errorf("%s", err)
		return nil, nil, nil, false
	}
	if !m.loadConfig() {
		return nil, nil, nil, false
	}
	vars, diags := m.Config.ResolveVariables(pf.vars, m.Environ)
	if m.showDiags(diags) {
		return nil, nil, nil, false
	}
	m.Vars = vars
	w, err := m.newWiring()
	if err != nil {
		m.errorf("%s", err)
		return nil, nil, nil, false
	}
	b, ok := m.backend(pf.statePath)
	return vars, w, b, ok
}

// request builds the planner's request with the given options.
func (r *run) request(opts plans.Options) *planner.Request {
	r.provs = r.m.redactingProviders()
	return &planner.Request{
		Config:      r.m.Config,
		Vars:        r.vars,
		State:       r.state,
		Providers:   r.provs,
		Configure:   r.wiring.configure,
		Options:     opts,
		Parallelism: r.flags.parallelism,
		Digester:    r.wiring.digester,
		Locals:      r.locals,
		Reviewed:    r.reviewed,
		ApplyOnly:   r.applyOnly,
		LazyCreates: r.lazyCreates,

		CompactNoOps: r.compactNoOps || r.lazyCreates,
	}
}

// planOptions are the plan options the flags ask for.
func (pf *planFlags) planOptions() plans.Options {
	return plans.Options{
		Targets:     pf.targets,
		Replace:     pf.replaces,
		Refresh:     pf.refresh,
		RefreshOnly: pf.refreshOnly,
		Timestamp:   time.Now().UTC().Truncate(time.Second),

		ExcludeInvalid: pf.excludeInvalid,
	}
}

// plan runs the planner and prints its diagnostics; it reports whether a
// plan came out.
func (r *run) plan(ctx context.Context, opts plans.Options) (*planner.Result, bool) {
	res, diags := planner.Plan(ctx, r.request(opts))
	if ctx.Err() != nil {
		// What failed after the interrupt (requests cut, values never
		// computed) only follows from it: one line says what happened.
		r.m.errorf("interrupted while planning: the plan is incomplete; nothing was sent or recorded")
		return nil, false
	}
	if r.m.showDiags(diags) || res == nil || res.Plan == nil || res.Plan.Errored {
		return nil, false
	}
	return res, true
}

// executorOptions are the options every apply of this run shares: the
// backend, the state, the providers of its plan, the digester, the run ID
// and the parallelism.
func (r *run) executorOptions() executor.Options {
	return executor.Options{
		Backend:     r.backend,
		State:       r.state,
		Providers:   r.provs,
		Digester:    r.wiring.digester,
		Parallelism: r.flags.parallelism,
		RunID:       r.wiring.runID,
	}
}
