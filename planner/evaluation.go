package planner

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Evaluation is a Result seen from the executor, which applies a plan
// value (the Result's own plan, or a saved plan the Result re-planned and
// matched): for each change of that plan, it evaluates what the plan
// could not know before the change's dependencies finished, and tells
// what applying the change needs beyond the plan value (its provider, the
// record the plan started from). It implements executor.Evaluator.
type Evaluation struct {
	r        *Result
	plan     *plans.Plan
	byChange map[*plans.Change]*Step
	start    sync.Once
}

// Applying is what applying one change needs beyond the plan value.
type Applying struct {
	Provider providers.Provider
	// Stored is the state record the plan started from; nil when none.
	Stored *state.Resource
	// Persist: see Step.Persist.
	Persist bool
	// Range is the source range of the change's block, for diagnostics
	// (the zero range for a resource no longer in the configuration).
	Range hcl.Range
	// ConfigDigest is the digest recorded with a clean apply (see
	// Result.ConfigDigest).
	ConfigDigest string
}

// Evaluator is the Evaluation of r's own plan.
func (r *Result) Evaluator() *Evaluation {
	e, _ := r.Evaluation(r.Plan) // r.Plan's changes are r's steps'
	return e
}

// Evaluation binds p's changes to r's steps: p is r.Plan, or a plan r
// re-planned whose changes are r's, instance for instance (a saved plan
// file, which the caller compared with r.Plan). It fails naming an
// instance one has and the other has not.
//
// The values of a saved plan hold no secrets: what the file left unknown
// (a sensitive attribute, or a value only apply could tell) is filled in
// from r's re-evaluation of the configuration and the state, path by path;
// every value the plan knew is kept as it was reviewed.
func (r *Result) Evaluation(p *plans.Plan) (*Evaluation, error) {
	e := &Evaluation{r: r, plan: p, byChange: make(map[*plans.Change]*Step, len(r.steps))}
	if p == r.Plan {
		for _, s := range r.steps {
			e.byChange[s.Change] = s
		}
		return e, nil
	}
	byAddr := make(map[string]*Step, len(r.steps))
	for _, s := range r.steps {
		byAddr[s.Addr()] = s
	}
	for _, c := range p.Changes {
		s := byAddr[c.Addr.String()]
		if s == nil {
			return nil, fmt.Errorf("%s is in the plan and no longer in the configuration or the state", c.Addr)
		}
		delete(byAddr, c.Addr.String())
		e.byChange[c] = s
		if c.Deferred() && s.Persist {
			// A no-op that apply records (an import, an adoption): its
			// values are what is recorded, so they are read now.
			if err := c.ReadDeferred(); err != nil {
				return nil, err
			}
		}
		if !c.Deferred() {
			c.Before = fillUnknown(c.Before, s.Change.Before)
			c.After = fillUnknown(c.After, s.Change.After)
		}
	}
	for addr := range byAddr {
		return nil, fmt.Errorf("%s is in the configuration or the state and not in the plan", addr)
	}
	return e, nil
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
	e.start.Do(e.r.StartApply)
	return e.byChange[c]
}

// Instance is what applying c needs beyond the plan value.
func (e *Evaluation) Instance(c *plans.Change) Applying {
	s := e.step(c)
	return Applying{Provider: e.r.Provider(s), Stored: s.Stored, Persist: s.Persist, Range: e.r.Range(s), ConfigDigest: s.fp}
}

// Final evaluates c's configuration again with the values apply produced
// (Result.Final).
func (e *Evaluation) Final(ctx context.Context, c *plans.Change) (config, planned cty.Value, diags hcl.Diagnostics) {
	return e.r.Final(ctx, e.step(c))
}

// Finish records c's value after apply (Result.Finish); cty.NilVal when
// it was not applied.
func (e *Evaluation) Finish(c *plans.Change, v cty.Value) { e.r.Finish(e.step(c), v) }

// Record builds c's state record holding v (Result.Record).
func (e *Evaluation) Record(c *plans.Change, v cty.Value, now time.Time) (*state.Resource, error) {
	return e.r.Record(e.step(c), v, now)
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

// Holders indexes st for resolutions (Result.Holders).
func (e *Evaluation) Holders(st *state.State) *Holders { return e.r.Holders(st) }

// Digester is the request's Digester (nil when none).
func (e *Evaluation) Digester() providers.Digester { return e.r.Digester() }
