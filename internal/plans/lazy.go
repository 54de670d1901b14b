package plans

import (
	"io"

	"github.com/daftar-dev/daftar/internal/addrs"
)

// This file is a plan's changes that are made when read: a batch's creates
// that apply carries out from a plan it made itself (the planner's
// Request.LazyCreates), kept by the planner as their packed values alone
// (Packed) and not as a Change each. At a million new accounts a Change
// and the planner's step take about 500 bytes an instance until apply
// reaches it; the packed values about 280. A batch's refreshed no-ops
// (Persist: a verification whose outcome apply records) are kept so too,
// each as its encoded value and its stored record. The renderer reads them through
// Source, the counts through Summary and HasChanges, and the executor
// takes each as it schedules it (Lazy.Take); any other reader of Changes
// calls Expand first.

// Lazy is a block of a plan's changes kept out of Changes: the N
// instances of Resource, in address order, all with Action, none moved or
// imported, whose place is before Changes[At] (after every change of a
// resource sorted before Resource).
type Lazy struct {
	At       int
	N        int
	Resource addrs.Resource
	Provider string
	Action   Action
	// change makes the i-th change for a reader that does not apply it (the
	// renderer): the packed values stay for apply. take makes it for the
	// executor, which applies it: the block lets go of its values, held by
	// the change from then on. Each i is taken at most once.
	change, take func(i int) *Change
}

// NewLazy is a block of n changes of resource r, each made by change (to
// be read) or take (to be applied), as Lazy says.
func NewLazy(at, n int, r addrs.Resource, provider string, action Action, change, take func(int) *Change) *Lazy {
	return &Lazy{At: at, N: n, Resource: r, Provider: provider, Action: action, change: change, take: take}
}

// Change is the i-th change of the block, made for reading.
func (l *Lazy) Change(i int) *Change { return l.change(i) }

// Take is the i-th change of the block, made for apply: the block no
// longer holds its values.
func (l *Lazy) Take(i int) *Change { return l.take(i) }

// Packed are a create's configuration and planned value, kept encoded
// (Change.Pack, PackValues), apart from its change.
type Packed = packedCreate

// TakePacked returns c's packed values and leaves c without them (nil
// when c holds none).
func (c *Change) TakePacked() *Packed {
	pk := c.packed
	c.packed = nil
	return pk
}

// SetPacked gives c the packed values pk (TakePacked's).
func (c *Change) SetPacked(pk *Packed) { c.packed = pk }

// Len is how many changes the plan has: Changes and the lazy blocks'.
func (p *Plan) Len() int {
	n := len(p.Changes)
	for _, l := range p.Lazy {
		n += l.N
	}
	return n
}

// SetExpand sets what Expand calls: the planner's, which gives every lazy
// change its place in Changes.
func (p *Plan) SetExpand(f func()) { p.expand = f }

// Expand puts the lazy blocks' changes into Changes, each at its place,
// for a reader of every change that is not the renderer, the counts or
// the executor's schedule. It does nothing when there are none.
func (p *Plan) Expand() {
	if len(p.Lazy) > 0 && p.expand != nil {
		p.expand()
	}
}

// lazySource hands out Changes and the lazy blocks' changes in address
// order, each lazy one made as it is handed out (for reading).
type lazySource struct {
	changes []*Change
	lazy    []*Lazy
	at      int // the index in changes of changes[0]
	i       int // the next change of lazy[0]
}

// LazyRunner is a ChangeSource whose next changes may be a lazy block's
// (Plan.Source of a plan with lazy blocks): a reader that needs only their
// count, as the renderer needs of a block of no-ops or of a batch's
// creates beyond those it shows, passes over them without each being made
// (a step, its values decoded, its stored record read back from the state
// file: at a million outcomes, a minute of CPU and a heap that grows by
// the garbage).
type LazyRunner interface {
	ChangeSource
	// LazyRun is the lazy block whose changes Next hands out next and how
	// many of them are left (nil, 0 when the next change is not a lazy
	// block's).
	LazyRun() (*Lazy, int)
	// SkipLazy passes over the next k of those, at most LazyRun's count,
	// without making them.
	SkipLazy(k int)
}

var _ LazyRunner = (*lazySource)(nil)

func (s *lazySource) LazyRun() (*Lazy, int) {
	for len(s.lazy) > 0 && s.lazy[0].At == s.at {
		if l := s.lazy[0]; s.i < l.N {
			return l, l.N - s.i
		}
		s.lazy, s.i = s.lazy[1:], 0
	}
	return nil, 0
}

func (s *lazySource) SkipLazy(k int) {
	if _, left := s.LazyRun(); k < 0 || k > left {
		panic("plans: SkipLazy past its lazy block")
	}
	s.i += k
}

func (s *lazySource) Next() (*Change, error) {
	for len(s.lazy) > 0 && s.lazy[0].At == s.at {
		l := s.lazy[0]
		if s.i < l.N {
			s.i++
			return l.Change(s.i - 1), nil
		}
		s.lazy, s.i = s.lazy[1:], 0
	}
	if len(s.changes) == 0 {
		return nil, io.EOF
	}
	c := s.changes[0]
	s.changes = s.changes[1:]
	s.at++
	return c, nil
}
