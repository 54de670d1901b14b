package state

import (
	"context"
	"time"
)

// Backend stores a state. Every method is safe to call only while the
// caller holds the backend's lock (see Lock), except Lock itself.
type Backend interface {
	// Lock takes the exclusive lock, waiting until ctx is done (the
	// -lock-timeout). A lock held by a dead process on this machine never
	// blocks. A refusal is a *LockError naming the holder.
	Lock(ctx context.Context, info LockInfo) (Unlocker, error)

	// Load reads the state, replaying the journal over the last snapshot.
	// An absent state loads as New(). A state written by a newer daftar is
	// refused with an error saying so.
	Load(ctx context.Context) (*State, error)

	// Apply durably records one batch of changes (one fsync'd journal
	// append for the local backend) before returning. Its cost does not
	// grow with the size of the state.
	Apply(ctx context.Context, u Update) error

	// Compact writes s as the new snapshot (serial incremented, backup of
	// the previous one kept) and empties the journal. s must be the state
	// Load returned with every Update since applied (see (*State).Apply).
	Compact(ctx context.Context, s *State) error
}

// Unlocker releases a lock.
type Unlocker interface {
	Unlock() error
}

// LockInfo says who holds a lock, for messages and force-unlock.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"` // "plan", "apply", ...
	Who       string    `json:"who"`       // user@host
	PID       int       `json:"pid"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path,omitempty"`
}

// Update is one durable step of an apply: resources set or removed,
// intents recorded, outputs replaced.
type Update struct {
	// Set stores these resources whole, replacing any with the same
	// address (including a pending intent).
	Set []*Resource
	// Remove forgets these addresses.
	Remove []string
	// Outputs, when not nil, replaces all outputs.
	Outputs map[string]*Output
}

// Apply applies u to s in memory, as Backend.Apply does durably.
func (s *State) Apply(u Update) {
	for _, r := range u.Set {
		s.Resources[r.Address] = r
	}
	for _, a := range u.Remove {
		delete(s.Resources, a)
	}
	if u.Outputs != nil {
		s.Outputs = u.Outputs
	}
}
