// Package planner turns a configuration, a state and what the providers
// read into a plan: one change per resource instance (create, update,
// replace, forget, read, no-op), sorted by address, with the outputs, the
// spends and the resolutions of interrupted creates.
//
// The planner orders the blocks by their references (internal/graph),
// configures only the providers a run needs (through the caller's
// ConfigureFunc), expands count and for_each, refreshes, resolves pending
// intents and asks each provider to plan each instance, between the
// instance's preconditions and postconditions (conditions.go). It writes nothing:
// no state, no file, no request but reads. It knows nothing of HTTP or of
// how the plan is shown.
//
// A Result also carries what package executor needs to carry the plan out:
// the evaluation scope, the decoded specs and the values of every resource
// as apply produces them (see Step and the Result methods). A Result is
// applied at most once.
//
// Concurrency: blocks are walked one at a time in dependency order; the
// instances of one resource are planned in parallel by parallel (an errgroup
// of GOMAXPROCS or Parallelism workers, whichever is larger), and provider
// requests (refresh, data reads, resolutions, imports) are bounded by a
// semaphore of Parallelism slots (acquire), because they happen inside that
// fan-out of CPU work. Shared results (holders, values, existing records) are
// guarded by mutexes.
package planner
