package planner

import (
	"context"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Evaluation is a Result seen from the executor, which applies a plan
// value (the Result's own plan, or a saved plan Bind bound to the
// configuration): for each change of that plan, it evaluates what the plan
// could not know before the change's dependencies finished, and tells
// where in the source it is written, and builds its state records. It
// implements executor.Evaluator.
type Evaluation struct {
	r    *Result
	plan *plans.Plan
	// mu guards byChange, which Release writes while the changes in
	// flight read it.
	mu       sync.RWMutex
	byChange map[*plans.Change]*Step
	start    sync.Once
}

// Evaluator is the Evaluation of r's own plan. A saved plan is bound
// with Bind. The unchanged instances a plan kept without steps
// (Request.CompactNoOps) stay so: apply has nothing to do for them, and
// what their dependents and the outputs read of them is the resource's
// value, which holds them (buildWithCompact, the column).
func (r *Result) Evaluator() *Evaluation {
	e := &Evaluation{r: r, plan: r.Plan, byChange: make(map[*plans.Change]*Step, len(r.steps))}
	for _, s := range r.steps {
		e.byChange[s.Change] = s
	}
	return e
}

// Plan is the plan the evaluation is bound to.
func (e *Evaluation) Plan() *plans.Plan { return e.plan }

// fillUnknown is saved with what it left unknown taken from fresh, where
// fresh knows it with the same type.
func fillUnknown(saved, fresh cty.Value) cty.Value {
	if saved == cty.NilVal {
		return fresh
	}
	if fresh == cty.NilVal || saved.IsWhollyKnown() {
		return saved
	}
	out, err := cty.Transform(saved, func(p cty.Path, v cty.Value) (cty.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		f, err := p.Apply(fresh)
		if err != nil || !f.Type().Equals(v.Type()) {
			return v, nil
		}
		return f, nil
	})
	if err != nil {
		return saved
	}
	return out
}

func (e *Evaluation) step(c *plans.Change) *Step {
	e.Start()
	return e.lookup(c)
}

func (e *Evaluation) lookup(c *plans.Change) *Step {
	e.mu.RLock()
	s := e.byChange[c]
	e.mu.RUnlock()
	if s == nil {
		s = e.r.madeStep(c) // taken from a lazy block (lazycreates.go)
	}
	return s
}

// Release lets go of the step of c, the plan's change at index i, which
// the executor has finished and recorded (executor.Releaser): nothing
// asks about it again. Only a step nothing reads after its change
// finished goes (releasable); the others stay, as before.
func (e *Evaluation) Release(i int, c *plans.Change) {
	e.mu.Lock()
	s := e.byChange[c]
	if s == nil {
		s = e.r.madeStep(c)
	}
	if s == nil || !releasable(s) {
		e.mu.Unlock()
		return
	}
	delete(e.byChange, c)
	e.mu.Unlock()
	e.r.forgetMade(c)
	e.r.release(i, s)
}

// Start prepares the apply (Result.StartApply), which lets go of what only
// planning read. The first call about a change does it otherwise; a
// caller that calls it first can collect that memory before the apply.
func (e *Evaluation) Start() { e.start.Do(e.r.StartApply) }

// Final evaluates c's configuration again with the values apply produced
// (Result.Final).
func (e *Evaluation) Final(ctx context.Context, c *plans.Change) (config, planned cty.Value, diags hcl.Diagnostics) {
	return e.r.Final(ctx, e.step(c))
}

// Finish records c's value after apply (Result.Finish); cty.NilVal when
// it was not applied.
func (e *Evaluation) Finish(c *plans.Change, v cty.Value) { e.r.Finish(e.step(c), v) }

// Record builds c's state record holding v (Result.Record), with the
// digest of the configuration c was planned with (Result.ConfigDigest).
func (e *Evaluation) Record(c *plans.Change, v cty.Value, now time.Time) (*state.Resource, error) {
	s := e.step(c)
	rec, err := e.r.Record(s, v, now)
	if err == nil {
		rec.SetConfigDigest(s.fp)
	}
	return rec, err
}

// Backfill is the configuration digest apply records for c with no
// provider call (state.Resource.ConfigDigest): c is a no-op its provider
// planned against a stored record that lacks that digest. "" for any
// other change, a saved plan's included.
func (e *Evaluation) Backfill(c *plans.Change) string {
	if s := e.lookup(c); s != nil && s.backfill && c.Action == plans.NoOp && !c.Persist {
		return s.fp
	}
	return ""
}

// Backfills counts the changes of the Result's own plan whose digest apply
// records with no provider call (Evaluation.Backfill).
func (r *Result) Backfills() int {
	n := 0
	for _, s := range r.steps {
		if s != nil && s.backfill && s.Change.Action == plans.NoOp && !s.Persist { // nil: released (Evaluation.Release)
			n++
		}
	}
	return n
}

// Diagnostics maps a provider's diagnostics about c to its source.
func (e *Evaluation) Diagnostics(c *plans.Change, ds providers.Diagnostics) hcl.Diagnostics {
	return e.r.Diagnostics(e.step(c), ds)
}

// AfterAdoption plans the update an adopted record still needs
// (Result.AfterAdoption).
func (e *Evaluation) AfterAdoption(ctx context.Context, c *plans.Change, cfg, adopted cty.Value) (cty.Value, bool, hcl.Diagnostics) {
	return e.r.AfterAdoption(ctx, e.step(c), cfg, adopted)
}

// Outputs evaluates the outputs with the values apply produced.
func (e *Evaluation) Outputs() ([]*plans.Output, hcl.Diagnostics) { return e.r.Outputs() }
