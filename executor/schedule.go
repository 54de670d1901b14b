package executor

import (
	"fmt"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sync/errgroup"
)

// node is one resource of the plan: its instances start once every
// resource it depends on has finished, and it finishes when they all have.
type node struct {
	steps   []*planner.Step
	waiting int // upstream nodes not finished
	left    int // steps not finished
	down    []*node
	up      []*node
	// failed names the first instance of this resource, or of one
	// upstream, that did not apply; its dependents are skipped.
	failed string
}

// schedule builds one node per resource, linked by dependencies. The cost
// is linear in the steps plus the dependency edges between resources.
func (a *applier) schedule() ([]*node, map[*planner.Step]*node) {
	byRes := map[addrs.Resource]*node{}
	var nodes []*node
	owner := make(map[*planner.Step]*node, len(a.res.Steps()))
	for _, s := range a.res.Steps() {
		r := s.Change.Addr.Resource
		n := byRes[r]
		if n == nil {
			n = &node{}
			byRes[r] = n
			nodes = append(nodes, n)
		}
		n.steps = append(n.steps, s)
		n.left++
		owner[s] = n
	}
	for _, n := range nodes {
		for _, d := range a.res.DependsOn(n.steps[0]) {
			if up := byRes[d]; up != nil && up != n {
				up.down = append(up.down, n)
				n.up = append(n.up, up)
				n.waiting++
			}
		}
	}
	return nodes, owner
}

// run walks the steps: each ready step is handed to a worker (at most
// Parallelism at once); a finished resource releases its dependents.
func (a *applier) run() {
	steps := a.res.Steps()
	a.res.StartApply()
	nodes, owner := a.schedule()
	ready := make(chan *planner.Step, len(steps))
	var mu sync.Mutex // guards the nodes' counters
	release := func(n *node) {
		for _, s := range n.steps {
			ready <- s
		}
	}
	var finish func(s *planner.Step, failed string)
	finish = func(s *planner.Step, failed string) {
		mu.Lock()
		defer mu.Unlock()
		n := owner[s]
		if failed != "" && n.failed == "" {
			n.failed = failed
		}
		if n.left--; n.left > 0 {
			return
		}
		for _, d := range n.down {
			if n.failed != "" && d.failed == "" {
				d.failed = n.failed
			}
			if d.waiting--; d.waiting == 0 {
				release(d)
			}
		}
	}
	for _, n := range nodes {
		if n.waiting == 0 {
			release(n)
		}
	}
	var g errgroup.Group
	g.SetLimit(a.opts.Parallelism)
	for range steps {
		s := <-ready
		mu.Lock()
		upFailed := owner[s].upstreamFailed()
		mu.Unlock()
		switch {
		case !needsWork(s):
			a.res.Finish(s, s.Change.After)
			finish(s, "")
		case a.ctx.Err() != nil:
			a.notStarted(s)
			a.res.Finish(s, cty.NilVal)
			finish(s, s.Addr())
		case upFailed != "":
			a.skip(s, upFailed)
			a.res.Finish(s, cty.NilVal)
			finish(s, s.Addr())
		default:
			g.Go(func() error {
				if a.ctx.Err() != nil { // interrupted while waiting for a slot
					a.notStarted(s)
					a.res.Finish(s, cty.NilVal)
					finish(s, s.Addr())
					return nil
				}
				ok := a.do(s)
				failed := ""
				if !ok {
					failed = s.Addr()
				}
				finish(s, failed)
				return nil
			})
		}
	}
	g.Wait()
}

// upstreamFailed names a failed instance this node depends on, or "".
func (n *node) upstreamFailed() string {
	for _, u := range n.up {
		if u.failed != "" {
			return u.failed
		}
	}
	return ""
}

// needsWork reports whether a step calls a provider or writes the state.
func needsWork(s *planner.Step) bool {
	return s.Change.Action != plans.NoOp || s.Persist
}

func (a *applier) skip(s *planner.Step, failed string) {
	rng := a.res.Range(s)
	a.addDiags(hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("%s not applied", s.Addr()),
		Detail:   fmt.Sprintf("%s was not applied because %s failed.", s.Addr(), failed),
		Subject:  subject(rng),
	}})
	a.count(func(r *Report) { r.Skipped++ })
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeFinished(s.Change, fmt.Errorf("not applied because %s failed", failed))
	}
}

func (a *applier) notStarted(s *planner.Step) {
	a.count(func(r *Report) {
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

func subject(rng hcl.Range) *hcl.Range {
	if rng.Filename == "" {
		return nil
	}
	return rng.Ptr()
}
