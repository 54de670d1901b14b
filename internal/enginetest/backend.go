package enginetest

import (
	"context"
	"sync"

	"github.com/daftar-dev/daftar/state"
)

var _ state.Backend = (*Backend)(nil)

// Backend is an in-memory state.Backend that records every Update.
type Backend struct {
	mu      sync.Mutex
	state   *state.State
	updates []state.Update
	// FailApply, when set, is returned by Apply.
	FailApply error
}

// NewBackend returns a backend holding s (state.New() when nil).
func NewBackend(s *state.State) *Backend {
	if s == nil {
		s = state.New()
	}
	return &Backend{state: s}
}

type unlocker struct{}

func (unlocker) Unlock() error { return nil }

// Lock implements state.Backend; it never waits.
func (b *Backend) Lock(context.Context, state.LockInfo) (state.Unlocker, error) {
	return unlocker{}, nil
}

// Load implements state.Backend: a copy of the stored state.
func (b *Backend) Load(context.Context) (*state.State, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return copyState(b.state), nil
}

// Apply implements state.Backend.
func (b *Backend) Apply(_ context.Context, u state.Update) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.FailApply != nil {
		return b.FailApply
	}
	b.updates = append(b.updates, u)
	b.state.Apply(u)
	return nil
}

// Compact implements state.Backend.
func (b *Backend) Compact(_ context.Context, s *state.State) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state = copyState(s)
	b.state.Serial++
	return nil
}

// Resource returns the durable record of an address, nil when absent.
func (b *Backend) Resource(addr string) *state.Resource {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state.Resources[addr]
}

// Updates returns the updates applied so far.
func (b *Backend) Updates() []state.Update {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]state.Update(nil), b.updates...)
}

// State returns a copy of the stored state.
func (b *Backend) State() *state.State {
	s, _ := b.Load(context.Background())
	return s
}

func copyState(s *state.State) *state.State {
	c := *s
	c.Resources = make(map[string]*state.Resource, len(s.Resources))
	for k, v := range s.Resources {
		c.Resources[k] = v
	}
	c.Outputs = make(map[string]*state.Output, len(s.Outputs))
	for k, v := range s.Outputs {
		c.Outputs[k] = v
	}
	return &c
}
