package executor

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Batch is a plan's work as the first worker of a shared apply publishes
// it for the others (see Join).
type Batch struct {
	// Steps are the changes that call a provider or write the state, in
	// the plan's order. Steps that only record a resolution are not here:
	// ApplyResolutions records them before the batch is published.
	Steps []BatchStep
	// Edges order resources with work: every step of Down waits for every
	// step of Up. Resources without work in between are looked through,
	// so that the order of the plan holds.
	Edges []BatchEdge
	// Records keep, by address, the record the plan saw (to plan again
	// from the same state) and the record the state held (to tell what an
	// earlier claimer did): every step's, and those of other instances
	// whose record the plan saw otherwise than stored (refreshed, or an
	// intent resolved).
	Records map[string]BatchRecord
}

// BatchStep is one change of a batch.
type BatchStep struct{ Addr, Resource, Action string }

// BatchEdge orders two resources.
type BatchEdge struct{ Up, Down string }

// BatchRecord is what the plan saw and what was stored for one address;
// nil where there was no record.
type BatchRecord struct{ Planned, Stored *state.Resource }

// isWork reports whether a step goes into a batch.
func isWork(s *planner.Step) bool {
	return needsWork(s.Change, s.Persist) && !(s.Persist && s.Change.Action == plans.NoOp)
}

// PlanBatch builds the batch of a plan. A refresh-only plan, which calls
// no provider, is not applied as a batch.
func PlanBatch(res *planner.Result) (*Batch, error) {
	if res.Plan.RefreshOnly {
		return nil, fmt.Errorf("a refresh-only plan calls no API, so it is not shared between workers: apply it without -join")
	}
	b := &Batch{Records: map[string]BatchRecord{}}
	work := map[addrs.Resource]bool{}
	first := map[addrs.Resource]*planner.Step{}
	var order []addrs.Resource
	for _, s := range res.Steps() {
		r := s.Change.Addr.Resource
		if first[r] == nil {
			first[r] = s
			order = append(order, r)
		}
		if isWork(s) {
			work[r] = true
			b.Steps = append(b.Steps, BatchStep{Addr: s.Addr(), Resource: r.String(), Action: s.Change.Action.String()})
		}
		rec, keep, err := batchRecord(res, s)
		if err != nil {
			return nil, err
		}
		if keep || isWork(s) {
			b.Records[s.Addr()] = rec
		}
	}
	b.Edges = workEdges(res, order, first, work)
	return b, nil
}

// batchRecord returns the records of one step, and whether they differ.
func batchRecord(res *planner.Result, s *planner.Step) (BatchRecord, bool, error) {
	rec := BatchRecord{Stored: s.Stored}
	before := s.Change.Before
	if before == cty.NilVal || before.IsNull() || !before.IsWhollyKnown() {
		return rec, false, nil
	}
	at := time.Now()
	if s.Stored != nil {
		at = s.Stored.UpdatedAt
	}
	planned, err := res.Record(s, before, at)
	if err != nil {
		return rec, false, err
	}
	rec.Planned = planned
	differs := s.Stored == nil || s.Stored.Pending != nil || !bytes.Equal(planned.Attributes, s.Stored.Attributes)
	return rec, differs, nil
}

// workEdges links each resource with work to the nearest resources with
// work it depends on, looking through those without.
func workEdges(res *planner.Result, order []addrs.Resource, first map[addrs.Resource]*planner.Step, work map[addrs.Resource]bool) []BatchEdge {
	memo := map[addrs.Resource][]addrs.Resource{}
	var ups func(r addrs.Resource, seen map[addrs.Resource]bool) []addrs.Resource
	ups = func(r addrs.Resource, seen map[addrs.Resource]bool) []addrs.Resource {
		if got, ok := memo[r]; ok {
			return got
		}
		var out []addrs.Resource
		if s := first[r]; s != nil {
			for _, d := range res.DependsOn(s) {
				switch {
				case d == r || seen[d]:
				case work[d]:
					out = append(out, d)
				default:
					seen[d] = true
					out = append(out, ups(d, seen)...)
				}
			}
		}
		memo[r] = out
		return out
	}
	var edges []BatchEdge
	for _, r := range order {
		if !work[r] {
			continue
		}
		done := map[addrs.Resource]bool{}
		for _, u := range ups(r, map[addrs.Resource]bool{r: true}) {
			if !done[u] {
				done[u] = true
				edges = append(edges, BatchEdge{Up: u.String(), Down: r.String()})
			}
		}
	}
	return edges
}

// ApplyResolutions records the steps of a plan that only write the state
// (a record adopted from an interrupted create, an intent the remote
// showed was never carried out): the first worker of a batch does so
// before publishing it, so that the others plan from the same state.
func ApplyResolutions(ctx context.Context, res *planner.Result, opts Options) hcl.Diagnostics {
	if opts.State == nil {
		opts.State = state.New()
	}
	a := forResult(ctx, res, opts)
	a.drain = context.WithoutCancel(ctx)
	var diags hcl.Diagnostics
	for _, s := range res.Steps() {
		if s.Persist && s.Change.Action == plans.NoOp {
			_, d := a.persistValue(a.step(s.Change))
			diags = append(diags, d...)
		}
	}
	return diags
}
