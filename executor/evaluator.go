package executor

import (
	"context"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Evaluator is what Apply asks about a plan beyond the plan value: the
// plan says what runs and in what order; the evaluator evaluates what only
// the finished dependencies of a change can tell (and the secrets the plan
// value does not hold), and says what applying a change needs besides.
// planner.Evaluation implements it (Result.Evaluation); its methods are
// called concurrently for different changes.
type Evaluator interface {
	// Instance is what applying c needs beyond the plan value: its
	// provider, the record the plan started from, whether it persists a
	// value with no call, its source range.
	Instance(c *plans.Change) planner.Applying
	// Final evaluates c's configuration with the values apply has
	// produced, once everything c depends on has finished, checks it is
	// wholly known and valid, and returns it with the final planned value.
	Final(ctx context.Context, c *plans.Change) (config, planned cty.Value, diags hcl.Diagnostics)
	// Finish gives c's value after apply (cty.NilVal when it was not
	// applied) to what refers to it.
	Finish(c *plans.Change, v cty.Value)
	// Record builds c's state record holding v.
	Record(c *plans.Change, v cty.Value, now time.Time) (*state.Resource, error)
	// Diagnostics maps a provider's diagnostics about c to its source.
	Diagnostics(c *plans.Change, ds providers.Diagnostics) hcl.Diagnostics
	// AfterAdoption plans the update a record adopted after a lost create
	// answer still needs; update is false when none.
	AfterAdoption(ctx context.Context, c *plans.Change, cfg, adopted cty.Value) (planned cty.Value, update bool, diags hcl.Diagnostics)
	// Outputs evaluates the outputs with the values apply produced.
	Outputs() ([]*plans.Output, hcl.Diagnostics)
	// Holders indexes st for resolutions of lost create answers.
	Holders(st *state.State) *planner.Holders
	// Digester keys request and output digests (nil when none).
	Digester() providers.Digester
}

// step is one change of the plan with what applying it needs besides.
type step struct {
	Change *plans.Change
	planner.Applying
}

func (s *step) Addr() string { return s.Change.Addr.String() }

func (a *applier) step(c *plans.Change) *step {
	return &step{Change: c, Applying: a.eval.Instance(c)}
}
