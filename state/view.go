package state

import (
	"context"
	"fmt"
	"sort"
)

// View is a stored state as of one moment, read resource by resource: what
// a command that only reads the state (state list, report) needs, in
// memory that does not grow with the state. It holds the state's head and
// the changes not yet compacted (the journal: bounded by one apply's
// changes), never the whole list of resources.
type View interface {
	// Head is the state without its resources (Resources is empty):
	// version, serial, lineage, digest key and outputs, as Load returns
	// them.
	Head() *State

	// Each calls fn with each resource, in address order (byte order of
	// the addresses, as State.Addresses sorts them), each as Load would
	// hold it. Each may be called again: every call reads the same
	// resources. It stops at the first error, fn's included, and returns
	// it. fn may keep the resources it is given.
	Each(ctx context.Context, fn func(*Resource) error) error

	// Close releases what the view holds open (a file, a transaction).
	Close() error
}

// Viewer is a Backend that reads its state as a View without loading it
// whole. Both backends (Local, and postgres.Backend) are Viewers; Open
// gives a view of any Backend.
type Viewer interface {
	// View returns the state as Load would read it now, to be read
	// resource by resource. It takes no lock: like Load for a read-only
	// command, it reads while an apply may append.
	View(ctx context.Context) (View, error)
}

// Open returns a view of b's state: b's own when b is a Viewer, else one
// over the state b.Load returns (held in memory).
func Open(ctx context.Context, b Backend) (View, error) {
	if v, ok := b.(Viewer); ok {
		return v.View(ctx)
	}
	s, err := b.Load(ctx)
	if err != nil {
		return nil, err
	}
	return ViewOf(s), nil
}

// ViewOf returns a view of a state held in memory.
func ViewOf(s *State) View { return &memView{s: s} }

// memView is the View of a loaded State.
type memView struct{ s *State }

func (v *memView) Head() *State { return headOf(v.s) }

func (v *memView) Each(ctx context.Context, fn func(*Resource) error) error {
	for _, a := range v.s.Addresses() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("stopped while reading the state: %w", err)
		}
		if err := fn(v.s.Resources[a]); err != nil {
			return err
		}
	}
	return nil
}

func (v *memView) Close() error { return nil }

// headOf is s without its resources.
func headOf(s *State) *State {
	return &State{Version: s.Version, Serial: s.Serial, Lineage: s.Lineage, DigestKeyID: s.DigestKeyID,
		Resources: map[string]*Resource{}, Outputs: s.Outputs}
}

// changes are the resources a journal sets (a *Resource) or removes (nil),
// by address: what a view merges into the snapshot's stream.
type changes map[string]*Resource

// apply records u, keeping the outputs and digest key in head.
func (c changes) apply(head *State, u Update) {
	for _, r := range u.Set {
		c[r.Address] = r
	}
	for _, a := range u.Remove {
		c[a] = nil
	}
	if u.Outputs != nil {
		head.Outputs = u.Outputs
	}
	if u.DigestKeyID != "" {
		head.DigestKeyID = u.DigestKeyID
	}
}

// merger hands fn the snapshot's resources, given in address order to
// next, with the changes merged in.
type merger struct {
	c     changes
	addrs []string // the changes' addresses, sorted
	i     int
	fn    func(*Resource) error
}

func newMerger(c changes, fn func(*Resource) error) *merger {
	addrs := make([]string, 0, len(c))
	for a := range c {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	return &merger{c: c, addrs: addrs, fn: fn}
}

// next gives the snapshot's next resource: the changes of addresses
// before it go first, and a change to it replaces it.
func (m *merger) next(r *Resource) error {
	if err := m.upTo(r.Address); err != nil {
		return err
	}
	if c, ok := m.c[r.Address]; ok {
		m.i++ // the change at this address, which upTo stopped at
		if c == nil {
			return nil
		}
		r = c
	}
	return m.fn(r)
}

// upTo gives the changes of addresses before addr.
func (m *merger) upTo(addr string) error {
	for ; m.i < len(m.addrs) && m.addrs[m.i] < addr; m.i++ {
		if r := m.c[m.addrs[m.i]]; r != nil {
			if err := m.fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// rest gives the changes after the snapshot's last resource.
func (m *merger) rest() error {
	for ; m.i < len(m.addrs); m.i++ {
		if r := m.c[m.addrs[m.i]]; r != nil {
			if err := m.fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}
