package executor

import (
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// unit is one step of the plan: it starts once everything it depends on
// has finished (the instances it names, and every instance of the
// resources it uses whole).
type unit struct {
	s       *step
	i       int // the change's index in the plan's Changes
	waiting int // upstream units and resources not finished
	down    []*unit
	// up is what held back a change this one depends on: the first
	// failed one (the skip's reason), or a provider's halt.
	up outcome
}

// resourceUnits are the steps of one resource, for the steps that depend
// on it whole: they start once every step of it has finished.
type resourceUnits struct {
	left int // steps not finished
	down []*unit
	up   outcome // the first failure or halt among its steps, or upstream
}

// schedule links each step to what it depends on, as its change's
// DependsOn says: an instance to that instance, a resource to every
// instance of it (through one resourceUnits, so that n instances using a
// resource of m instances whole cost n+m, not n×m). An instance the plan
// does not hold (left out by -target) is waited for as its whole
// resource; a resource the plan does not hold, not at all.
func (a *applier) schedule() (units []*unit, byRes map[addrs.Resource]*resourceUnits) {
	changes := a.plan.Changes
	units = make([]*unit, len(changes))
	byRes = map[addrs.Resource]*resourceUnits{}
	var byInst map[addrs.Instance]*unit // built once a dependency names an instance
	for i, c := range changes {
		s := a.step(c)
		u := &unit{s: s, i: i}
		units[i] = u
		r := byRes[s.Change.Addr.Resource]
		if r == nil {
			r = &resourceUnits{}
			byRes[s.Change.Addr.Resource] = r
		}
		r.left++
	}
	for _, l := range a.plan.Lazy { // taken as they are scheduled (run)
		r := byRes[l.Resource]
		if r == nil {
			r = &resourceUnits{}
			byRes[l.Resource] = r
		}
		r.left += l.N
	}
	for _, u := range units {
		self := u.s.Change.Addr.Resource
		for _, d := range u.s.Change.DependsOn {
			if d.Resource == self {
				continue
			}
			if d.Key != nil {
				if byInst == nil {
					byInst = make(map[addrs.Instance]*unit, len(units))
					for _, u := range units {
						byInst[u.s.Change.Addr] = u
					}
				}
				if up := byInst[d]; up != nil {
					up.down = append(up.down, u)
					u.waiting++
					continue
				}
			}
			if r := byRes[d.Resource]; r != nil {
				r.down = append(r.down, u)
				u.waiting++
			}
		}
	}
	return units, byRes
}

// outcome is how a step ended, for its dependents: failed names a
// failed change they must not run without; halted names the provider
// whose halt kept it (or what it waited for) from being attempted.
type outcome struct{ failed, halted string }

func (o *outcome) inherit(up outcome) {
	if o.failed == "" && o.halted == "" {
		*o = up
	}
}

// run walks the steps: each ready step is handed to a worker (at most
// Parallelism at once); a finished step releases its dependents.
func (a *applier) run() {
	units, byRes := a.schedule()
	ready := make(chan *unit, len(units))
	var mu sync.Mutex // guards the units' counters and outcomes
	release := func(downs []*unit, o outcome) {
		for _, d := range downs {
			d.up.inherit(o)
			if d.waiting--; d.waiting == 0 {
				ready <- d
			}
		}
	}
	finish := func(u *unit, o outcome) {
		mu.Lock()
		defer mu.Unlock()
		o.inherit(u.up) // a no-op passes on what held back its upstream
		release(u.down, o)
		r := byRes[u.s.Change.Addr.Resource]
		r.up.inherit(o)
		if r.left--; r.left == 0 {
			release(r.down, r.up)
		}
		dropValues(u.s.Change)
		a.release(u.i, u.s.Change)
		u.s, u.down = nil, nil
	}
	n := len(units) + a.plan.Len() - len(a.plan.Changes)
	var initial []*unit
	for _, u := range units {
		if u.waiting == 0 {
			initial = append(initial, u)
		}
	}
	first := a.firstReady(initial)
	units = nil // a finished unit is held by nothing then (first, ready, and its upstream's down, let go of it)
	g := newPool(a.opts.Parallelism)
	for range n {
		u := first()
		if u == nil {
			u = <-ready
		}
		s := u.s
		mu.Lock()
		up := u.up
		mu.Unlock()
		switch {
		case !needsWork(s.Change):
			a.eval.Finish(s.Change, s.Change.After)
			finish(u, outcome{})
		case a.ctx.Err() != nil || a.crash.Caught():
			a.notStarted(s)
			a.eval.Finish(s.Change, cty.NilVal)
			finish(u, outcome{failed: s.Addr()})
		case up.failed != "":
			a.skip(s, up.failed)
			a.eval.Finish(s.Change, cty.NilVal)
			finish(u, up)
		case up.halted != "" || a.halt(s) != "":
			halted := up.halted
			if halted == "" {
				halted = s.Change.Provider
			}
			a.notAttempted(s, halted)
			a.eval.Finish(s.Change, cty.NilVal)
			finish(u, outcome{halted: halted})
		default:
			g.Go(func() error {
				// A panic (a bug) fails the change, starts nothing new, and
				// is raised again by Apply once the rest has finished.
				defer a.crash.Recover(func() { finish(u, outcome{failed: s.Addr()}) })
				switch {
				case a.ctx.Err() != nil || a.crash.Caught(): // interrupted while waiting for a slot
					a.notStarted(s)
					a.eval.Finish(s.Change, cty.NilVal)
					finish(u, outcome{failed: s.Addr()})
					return nil
				case a.halt(s) != "": // halted while waiting for a slot
					a.notAttempted(s, s.Change.Provider)
					a.eval.Finish(s.Change, cty.NilVal)
					finish(u, outcome{halted: s.Change.Provider})
					return nil
				}
				var o outcome
				if !a.do(s) {
					o.failed = s.Addr()
				}
				finish(u, o)
				return nil
			})
		}
	}
	g.Wait()
	a.haltDiagnostics()
}

// dropValues lets go of what a finished change held that nothing reads any
// more: its configuration and values, which the evaluator was given
// (Evaluator.Finish) and the state recorded. Only the address, provider
// and action stay, for the report. A batch's apply so holds the values of
// the changes not finished yet, not of every change it made.
func dropValues(c *plans.Change) {
	c.Before, c.After, c.Config = cty.NilVal, cty.NilVal, cty.NilVal
	c.Sensitive, c.RequiresReplace, c.DependsOn = nil, nil, nil
}

// release lets go of the plan's change at index i, c, which has finished
// and whose outcome is recorded, when Options.ReleaseChanges asks for it;
// a no-op stays, for recordDigests.
func (a *applier) release(i int, c *plans.Change) {
	if !a.opts.ReleaseChanges || !needsWork(c) {
		return
	}
	if i >= 0 { // -1: taken from a lazy block, held by no slot
		a.plan.Changes[i] = nil
	}
	if r, ok := a.eval.(Releaser); ok {
		r.Release(i, c)
	}
}

// needsWork reports whether a change calls a provider or writes the state.
func needsWork(c *plans.Change) bool {
	return c.Action != plans.NoOp || c.Persist
}

func (a *applier) skip(s *step, failed string) {
	a.count(func(r *Report) {
		r.Skipped++
		r.Skips = append(r.Skips, Skip{Change: s.Change, Failed: failed})
	})
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeSkipped(s.Change, failed)
	}
}

// notStarted counts a change the interrupt kept from starting.
func (a *applier) notStarted(s *step) {
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeSkipped(s.Change, "")
	}
	a.interrupted(s)
}

// interrupted counts a change not started because of the interrupt, and
// says once that the apply was interrupted.
func (a *applier) interrupted(s *step) {
	a.count(func(r *Report) {
		r.NotAttempted = append(r.NotAttempted, s.Change.Addr)
		if !r.Interrupted {
			r.Interrupted = true
			r.Diagnostics = append(r.Diagnostics, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Apply interrupted",
				Detail:   "The apply was interrupted: changes in flight were finished and recorded, and no new change was started. Plan again to see what is left.",
			})
		}
		r.NotStarted++
	})
}

// firstReady hands out, in the plan's order, the units that wait for
// nothing, then nil: the plan's own (initial, those that waited for
// nothing when the run started, in the plan's order), and the changes of its lazy
// blocks (plans.Plan.Lazy), each taken from its block (Lazy.Take) and
// bound to its step only as it is handed out, at its block's place. A
// lazy change waits for nothing (a create, or a refreshed no-op, of a resource that depends on
// none, or on resources of which the plan holds no change: its DependsOn
// names none that schedule links); what waits for its resource counts it
// (schedule). So the order
// in which changes start is the one of a plan without lazy blocks, and
// a batch of a million creates holds a step and a change for each only
// from when the executor reaches it.
func (a *applier) firstReady(initial []*unit) func() *unit {
	lazy := a.plan.Lazy
	j, taken := 0, 0 // the next unit; the changes taken from lazy[0]
	return func() *unit {
		for {
			if len(lazy) > 0 && (j >= len(initial) || lazy[0].At <= initial[j].i) {
				l := lazy[0]
				if taken < l.N {
					taken++
					return &unit{s: a.lazyStep(l.Take(taken - 1)), i: -1}
				}
				lazy, taken = lazy[1:], 0
				continue
			}
			if j >= len(initial) {
				return nil
			}
			u := initial[j]
			initial[j] = nil
			j++
			return u
		}
	}
}

// lazyStep is step of a change taken from a lazy block while other
// changes run: the state's records are read under the lock persist writes
// them under. (Nothing but its own change writes the record of a lazy
// change's instance: a create's, or a refreshed no-op's.)
func (a *applier) lazyStep(c *plans.Change) *step {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.step(c)
}
