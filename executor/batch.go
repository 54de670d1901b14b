package executor

import (
	"context"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Batch is a plan's work as the first worker of a shared apply publishes
// it for the others (see Join). It is scheduled per instance, as Apply
// schedules: each step is a node of its own, named by its address, and a
// resource that something depends on whole is a node too, named by the
// resource's address, which finishes once every step of it has.
type Batch struct {
	// Steps are the changes that call a provider or write the state, in
	// the plan's order. Steps that only record a resolution are not here:
	// ApplyResolutions records them before the batch is published.
	Steps []BatchStep
	// Edges order the nodes: Down starts once Up has finished, and is
	// skipped when Up failed. Changes without work in between are looked
	// through, so that the order of the plan holds.
	Edges []BatchEdge
	// Records keep, by address, the record the plan saw (to plan again
	// from the same state) and the record the state held (to tell what an
	// earlier claimer did): every step's, and those of other instances
	// whose record the plan saw otherwise than stored (refreshed, or an
	// intent resolved).
	Records map[string]BatchRecord
}

// BatchStep is one change of a batch; its node is its address.
type BatchStep struct{ Addr, Action string }

// BatchEdge orders two nodes: a step's address, or a resource's address
// for every step of the resource.
type BatchEdge struct{ Up, Down string }

// BatchRecord is what the plan saw and what was stored for one address;
// nil where there was no record.
type BatchRecord struct{ Planned, Stored *state.Resource }

// isWork reports whether a change goes into a batch.
func isWork(c *plans.Change) bool {
	return needsWork(c) && !(c.Persist && c.Action == plans.NoOp)
}

// PlanBatch builds the batch of plan, made from st; eval builds the
// records the plan saw. A refresh-only plan, which calls no provider, is
// not applied as a batch.
func PlanBatch(plan *plans.Plan, eval Evaluator, st *state.State) (*Batch, error) {
	if plan.RefreshOnly {
		return nil, fmt.Errorf("a refresh-only plan calls no API, so it is not shared between workers: apply it without -join")
	}
	if st == nil {
		st = state.New()
	}
	plan.Expand() // the batch names every change
	b := &Batch{Records: map[string]BatchRecord{}}
	for _, c := range plan.Changes {
		work := isWork(c)
		if work {
			b.Steps = append(b.Steps, BatchStep{Addr: c.Addr.String(), Action: c.Action.String()})
		}
		rec, keep, err := batchRecord(eval, c, st.Resources[c.Addr.String()])
		if err != nil {
			return nil, err
		}
		if keep || work {
			b.Records[c.Addr.String()] = rec
		}
	}
	b.Edges = newBatchGraph(plan).edges()
	return b, nil
}

// batchRecord returns the records of one change, and whether they differ.
func batchRecord(eval Evaluator, c *plans.Change, stored *state.Resource) (BatchRecord, bool, error) {
	rec := BatchRecord{Stored: stored}
	before := c.Before
	if c.Deferred() && c.Persist {
		// A refreshed no-op the plan kept encoded (what apply records):
		// the record the plan saw, which the other workers plan from.
		var err error
		if before, _, err = c.Values(); err != nil {
			return rec, false, err
		}
	}
	if before == cty.NilVal || before.IsNull() || !before.IsWhollyKnown() {
		return rec, false, nil
	}
	at := time.Now()
	if stored != nil {
		at = stored.UpdatedAt()
	}
	planned, err := eval.Record(c, before, at)
	if err != nil {
		return rec, false, err
	}
	planned.SetConfigDigest("")
	rec.Planned = planned
	differs := stored == nil || stored.Pending() != nil
	if !differs {
		same, err := planned.SameAttributes(stored)
		if err != nil {
			return rec, false, err
		}
		differs = !same
	}
	return rec, differs, nil
}

// batchGraph links the steps of a batch as Apply's schedule links its
// units, looking through the changes without work: a change without work
// stands for what it waits for.
type batchGraph struct {
	byInst map[addrs.Instance]*plans.Change
	byRes  map[addrs.Resource][]*plans.Change
	// through memoizes, per change without work, the nodes it stands for;
	// whole, per resource, the nodes standing for every step of it.
	through map[*plans.Change][]string
	whole   map[addrs.Resource][]string
	// collectors are the resources with work that something depends on
	// whole, with the nodes each waits for, in the order found.
	collectors map[addrs.Resource][]string
	order      []addrs.Resource
	// steps are the steps' edges, in the plan's order.
	steps []BatchEdge
}

func newBatchGraph(plan *plans.Plan) *batchGraph {
	g := &batchGraph{byInst: make(map[addrs.Instance]*plans.Change, len(plan.Changes)), byRes: map[addrs.Resource][]*plans.Change{},
		through: map[*plans.Change][]string{}, whole: map[addrs.Resource][]string{}, collectors: map[addrs.Resource][]string{}}
	for _, c := range plan.Changes {
		g.byInst[c.Addr] = c
		g.byRes[c.Addr.Resource] = append(g.byRes[c.Addr.Resource], c)
	}
	for _, c := range plan.Changes {
		if isWork(c) {
			for _, up := range g.edgesOf(c) {
				g.steps = append(g.steps, BatchEdge{Up: up, Down: c.Addr.String()})
			}
		}
	}
	return g
}

// edges lists every edge: the collectors', then the steps'.
func (g *batchGraph) edges() []BatchEdge {
	var out []BatchEdge
	for _, r := range g.order {
		for _, up := range g.collectors[r] {
			out = append(out, BatchEdge{Up: up, Down: r.String()})
		}
	}
	return append(out, g.steps...)
}

// edgesOf is what the step c waits for, as nodes.
func (g *batchGraph) edgesOf(c *plans.Change) []string {
	var ups []string
	seen := map[string]bool{}
	add := func(nodes []string) {
		for _, n := range nodes {
			if !seen[n] {
				seen[n] = true
				ups = append(ups, n)
			}
		}
	}
	for _, d := range c.DependsOn {
		if d.Resource == c.Addr.Resource {
			continue
		}
		if d.Key != nil {
			if u := g.byInst[d]; u != nil {
				add(g.nodeOf(u))
				continue
			}
		}
		add(g.wholeOf(d.Resource))
	}
	return ups
}

// nodeOf is the nodes standing for the change u: its own when it has
// work, else what it waits for.
func (g *batchGraph) nodeOf(u *plans.Change) []string {
	if isWork(u) {
		return []string{u.Addr.String()}
	}
	if got, ok := g.through[u]; ok {
		return got
	}
	g.through[u] = nil // the resources' order is acyclic; this only guards
	got := g.edgesOf(u)
	g.through[u] = got
	return got
}

// wholeOf is the nodes standing for every step of r: r's collector when
// one of its steps has work, else what its steps wait for; none for a
// resource the plan does not hold.
func (g *batchGraph) wholeOf(r addrs.Resource) []string {
	if got, ok := g.whole[r]; ok {
		return got
	}
	g.whole[r] = nil
	var ups []string
	seen := map[string]bool{}
	work := false
	for _, c := range g.byRes[r] {
		work = work || isWork(c)
		for _, n := range g.nodeOf(c) {
			if !seen[n] {
				seen[n] = true
				ups = append(ups, n)
			}
		}
	}
	got := ups
	if work {
		g.collectors[r] = ups
		g.order = append(g.order, r)
		got = []string{r.String()}
	}
	g.whole[r] = got
	return got
}

// ApplyResolutions records the changes of a plan that only write the
// state (a record adopted from an interrupted create, an intent the remote
// showed was never carried out): the first worker of a batch does so
// before publishing it, so that the others plan from the same state.
func ApplyResolutions(ctx context.Context, plan *plans.Plan, eval Evaluator, opts Options) hcl.Diagnostics {
	plan.Expand() // a lazy change is a create, never a resolution; but none is missed
	a, stop := newApplier(ctx, plan, eval, opts)
	defer stop()
	a.drain = context.WithoutCancel(ctx)
	var diags hcl.Diagnostics
	for _, c := range plan.Changes {
		if c.Persist && c.Action == plans.NoOp {
			s := a.step(c)
			if err := c.ReadDeferred(); err != nil { // a value the plan kept encoded
				diags = append(diags, a.diag(s, s.Addr()+": cannot read the plan", err.Error()))
				continue
			}
			_, d := a.persistValue(s)
			diags = append(diags, d...)
		}
	}
	return diags
}
