package planner

import (
	"io"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
)

// This file hands out a plan's changes with the no-ops of the unchanged
// instances kept compactly (Request.CompactNoOps) among them, each made as
// it is handed out: plan -json writes a million unchanged accounts without
// holding a step and a change for each until the end, which ExpandNoOps
// would (about 690 bytes an instance).

// noOpsMade is how many no-ops of a resource the source makes at a time
// (their DependsOn set together, as ExpandNoOps sets every one's).
const noOpsMade = 64

// Source hands out the plan's changes in address order, as plans.Plan.
// Source does, with among them the no-op change of each unchanged
// instance the plan kept compactly, made as ExpandNoOps makes it (its
// values read from its state record when read, its DependsOn set) as it
// is handed out, and held by nothing soon after. The plan is left as it
// is. For a plan with no instance kept so, it is Plan.Source.
func (r *Result) Source() plans.ChangeSource {
	src := r.Plan.Source()
	p := r.p
	if p == nil || r.Plan.Errored {
		return src
	}
	s := &noOpSource{p: p, changes: src}
	for _, a := range sortedResources(p.res) {
		if res := p.res[a]; res.compact != nil && res.compact.n > 0 {
			s.compact = append(s.compact, res)
		}
	}
	if s.compact == nil {
		return src
	}
	s.startResource()
	return s
}

// noOpSource merges a plan's changes with the no-ops of its resources'
// instances kept compactly, in address order.
type noOpSource struct {
	p       *planner
	changes plans.ChangeSource
	// next is the next of changes, read ahead (nil when none is, or
	// changes is done).
	next *plans.Change
	done bool
	// compact are the resources whose instances kept compactly are still
	// to be handed out, in address order; order are the indices (in
	// compact[0]'s keys) of those of compact[0] not yet made, in address
	// order; name is compact[0]'s address.
	compact []*resource
	order   []int32
	name    string
	// made are the next no-ops of compact[0], made; buf holds them.
	made, buf []*Step
	// lastRes and lastName are the resource of the last change compared
	// and its address.
	lastRes  addrs.Resource
	lastName string
}

func (s *noOpSource) Next() (*plans.Change, error) {
	if s.next == nil && !s.done {
		c, err := s.changes.Next()
		switch {
		case err == io.EOF:
			s.done = true
		case err != nil:
			return nil, err
		default:
			s.next = c
		}
	}
	st := s.nextNoOp()
	if st == nil || s.next != nil && s.before(s.next, st) {
		if s.next == nil {
			return nil, io.EOF
		}
		c := s.next
		s.next = nil
		return c, nil
	}
	s.made[0] = nil
	s.made = s.made[1:]
	return st.Change, nil
}

// nextNoOp is the next no-op to hand out, made with the next few of its
// resource when none is left made (nil after the last).
func (s *noOpSource) nextNoOp() *Step {
	for len(s.made) == 0 {
		if len(s.compact) == 0 {
			return nil
		}
		if len(s.order) == 0 {
			s.compact = s.compact[1:]
			s.startResource()
			continue
		}
		r := s.compact[0]
		n := min(noOpsMade, len(s.order))
		s.made = s.buf[:0]
		for _, i := range s.order[:n] {
			s.made = append(s.made, r.compact.noOpStep(r, int(i)))
		}
		s.buf, s.order = s.made[:0], s.order[n:]
		s.p.dependsOn(s.made) // as ExpandNoOps does
	}
	return s.made[0]
}

// startResource starts handing out compact[0]'s instances.
func (s *noOpSource) startResource() {
	s.order = nil
	if len(s.compact) == 0 {
		return
	}
	r := s.compact[0]
	c := r.compact
	s.order, s.name = make([]int32, 0, c.n), r.addr.String()
	for i, is := range c.is {
		if is {
			s.order = append(s.order, int32(i))
		}
	}
	sortByKey(s.order, func(i int32) addrs.Key { return c.keys[i].key })
}

// before reports whether c comes before the no-op st in address order
// (collect's: by resource address, then by key).
func (s *noOpSource) before(c *plans.Change, st *Step) bool {
	r := c.Addr.Resource
	if r == st.res.addr {
		return keyLess(c.Addr.Key, st.Change.Addr.Key)
	}
	if r != s.lastRes || s.lastName == "" {
		s.lastRes, s.lastName = r, r.String()
	}
	return s.lastName < s.name
}

// Len is how many changes Source hands out: the plan's (plans.Plan.Len)
// and the no-ops of the instances kept compactly.
func (r *Result) Len() int {
	n := r.Plan.Len()
	if r.p == nil || r.Plan.Errored {
		return n
	}
	for _, res := range r.p.res {
		if res.compact != nil {
			n += res.compact.n
		}
	}
	return n
}
