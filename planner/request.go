package planner

import (
	"context"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// ConfigureFunc configures one provider with its provider block's value
// (marks stripped): the wiring resolves endpoint "sandbox", builds the HTTP
// client and calls p.Configure. The planner calls it at most once per
// provider, and only for providers the run needs.
type ConfigureFunc func(ctx context.Context, name string, p providers.Provider, config cty.Value) providers.Diagnostics

// Request is everything a plan is made from.
type Request struct {
	Config *schema.Config
	// Vars are the resolved input variables (schema.Config.ResolveVariables).
	Vars map[string]cty.Value
	// State is the state loaded under the lock; the planner only reads it.
	State *state.State
	// Providers are keyed by provider name ("usapi"), not yet configured.
	Providers map[string]providers.Provider
	// Configure is called lazily, at most once per provider. Nil calls
	// p.Configure with the block's value and nothing wired (tests).
	Configure ConfigureFunc
	// Options are the command-line options (targets, replace, refresh).
	Options plans.Options
	// Parallelism bounds concurrent provider reads (refresh, data
	// sources, resolutions); 10 when zero.
	Parallelism int
	// Digester makes Plan.InputDigest and the executor's intent digests;
	// nil leaves InputDigest empty.
	Digester providers.Digester
	// Locals are values of locals that refer to no resource, evaluated
	// beforehand by EvalLocals (while the state loads); the plan evaluates
	// the others, and all of them when nil.
	Locals map[string]cty.Value
	// Reviewed is set when the plan is made again to apply a saved plan:
	// the creates it holds were the user's word when they reviewed it, so
	// a provider is told so (PlanRequest.Forced) rather than look again for
	// a record that would stop them (one another worker made meanwhile is
	// found by resolution of its intent, not by a new look).
	Reviewed bool
	// ApplyOnly is set when the plan is neither saved nor shown as a file
	// or as JSON: applied by the run that makes it (apply without a plan
	// file), or printed alone (plan without -out or -json). Its changes are
	// given no ConfigDigest, which only the apply of a saved plan compares
	// (Bind). A batch of a million creates spares
	// a keyed digest per change, held until apply reaches it. The records
	// apply writes take their digests as before (Result.Final).
	ApplyOnly bool
	// CompactNoOps is set when the caller reads no unchanged instance's
	// change (a plan printed for people, whose renderer skips no-ops, and
	// counted), or reads them through Result.Source only (the JSON plan,
	// the plan file), which makes each as it hands it out: the unchanged instances of a batch nothing refers to,
	// whose values would stay in their state records, are kept as marks
	// beside the resource's keys and records, with no Step and no
	// plans.Change (compact.go), and Plan.Changes leaves them out until
	// Result.ExpandNoOps makes them. A plan of a million unchanged
	// accounts then does not hold a million steps and changes.
	CompactNoOps bool
	// LazyCreates is set, with ApplyOnly, when the caller reads the plan's
	// changes through plans.Plan.Source, Len, Summary and HasChanges (the
	// renderer, which counts a lazy block's changes it does not show
	// without making them) and applies it, if at all, with the executor,
	// which takes each lazy change as it schedules it: a batch's creates nothing refers to are then kept as
	// their packed values, with no Step and no plans.Change, in
	// plans.Plan.Lazy (lazycreates.go), and its refreshed no-ops whose
	// outcome apply records as their encoded values (lazyoutcomes.go). A
	// plan of a million new accounts, or of a million verifications'
	// outcomes, then does not hold a million steps and changes until apply
	// reaches them.
	LazyCreates bool
}

func (req *Request) parallelism() int {
	if req.Parallelism > 0 {
		return req.Parallelism
	}
	return 10
}

func (req *Request) state() *state.State {
	if req.State == nil {
		return state.New()
	}
	return req.State
}
