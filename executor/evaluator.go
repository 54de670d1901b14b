package executor

import (
	"context"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Evaluator is what the executor asks of the configuration while it
// applies a plan value. The plan says what runs and in what order (its
// changes, their DependsOn, which of them only write the state); Options
// give the providers, the state the plan was made from and the digester.
// The evaluator holds what only the configuration can tell: the values a
// change could not know before its dependencies finished, the secrets the
// plan value does not hold, the outputs, and where in the source a change
// is written. planner.Evaluation implements it; its methods are called
// concurrently for different changes.
type Evaluator interface {
	// Final evaluates c's configuration with the values apply has
	// produced, once everything c depends on has finished, checks it is
	// wholly known and valid, and returns it with the final planned value.
	Final(ctx context.Context, c *plans.Change) (config, planned cty.Value, diags hcl.Diagnostics)
	// AfterAdoption plans the update a record adopted after a lost create
	// answer still needs; update is false when none.
	AfterAdoption(ctx context.Context, c *plans.Change, cfg, adopted cty.Value) (planned cty.Value, update bool, diags hcl.Diagnostics)
	// Finish gives c's value after apply (cty.NilVal when it was not
	// applied) to what refers to it.
	Finish(c *plans.Change, v cty.Value)
	// Outputs evaluates the outputs with the values apply produced.
	Outputs() ([]*plans.Output, hcl.Diagnostics)
	// Record builds c's state record holding v, encoded with the
	// configuration's type, with the sensitive paths of its configuration
	// and the digest of the configuration it was planned with
	// (state.Resource.ConfigDigest: the executor keeps it only for the
	// outcome of a clean apply).
	Record(c *plans.Change, v cty.Value, now time.Time) (*state.Resource, error)
	// Backfill is the configuration digest to record with c's stored
	// record, unchanged but for it, with no provider call: c is a no-op
	// its provider planned against a record that lacks the digest (one
	// an older daftar wrote, say), so that the next plan of the same
	// configuration skips the provider's plan. "" for any other change.
	Backfill(c *plans.Change) string
	// Diagnostics maps diagnostics about c (a provider's, or the
	// executor's own) to its source: the attribute, or c's block.
	Diagnostics(c *plans.Change, ds providers.Diagnostics) hcl.Diagnostics
}

// Releaser is an Evaluator that can let go of what it holds for a change
// the apply is done with (Options.ReleaseChanges).
type Releaser interface {
	// Release is told that c, the plan's change at index i, has finished
	// and its outcome is recorded: nothing asks about it again.
	Release(i int, c *plans.Change)
}

// step is one change of the plan with what applying it needs besides,
// read from Options.
type step struct {
	Change   *plans.Change
	Provider providers.Provider
	// Stored is the state record the plan started from (after the moves
	// were recorded); nil when none.
	Stored *state.Resource
}

func (s *step) Addr() string { return s.Change.Addr.String() }

// Persist reports whether the step writes its record with no provider
// call (plans.Change.Persist).
func (s *step) Persist() bool { return s.Change.Persist }

// step binds c to its provider and to the record the plan started from.
// It is called before any outcome is recorded.
func (a *applier) step(c *plans.Change) *step {
	return &step{Change: c, Provider: a.opts.Providers[c.Provider], Stored: a.opts.State.Resources[c.Addr.String()]}
}
