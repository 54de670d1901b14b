package state

import (
	"context"
	"fmt"
	"time"
)

// Backend stores a state. Every method is safe to call only while the
// caller holds the backend's lock (see Lock), except Lock itself. Apply may
// be called from many goroutines at once; the other methods wait for the
// Applys under way. Package backendtest holds the tests every Backend must
// pass.
type Backend interface {
	// Lock takes the exclusive lock, waiting until ctx is done (the
	// -lock-timeout). It tries at least once, so a ctx already done means
	// "do not wait". A lock held by a dead process on this machine never
	// blocks. A refusal is a *LockError naming the holder. Empty fields of
	// info are filled in (see NewLockInfo).
	Lock(ctx context.Context, info LockInfo) (Unlocker, error)

	// Load reads the state, replaying the journal over the last snapshot.
	// An absent state loads as New(). A state written by a newer daftar is
	// refused with a *VersionError. A state changed by Apply since the last
	// Compact loads with a serial above the snapshot's, so a plan made
	// before an interrupted apply is seen as stale. A state never written
	// has serial 0 and a fresh lineage at each Load: compare lineages only
	// when the serial is above 0.
	Load(ctx context.Context) (*State, error)

	// Apply durably records one batch of changes (one fsync'd journal
	// append for the local backend) before returning. Its cost does not
	// grow with the size of the state. It may replace a record of u.Set
	// (never change it) by an equal one that holds less in memory (the
	// local backend: one that reads its attributes back from the journal
	// line that recorded them), so the caller should apply u to its State
	// after Apply, as Apply left it.
	Apply(ctx context.Context, u Update) error

	// Compact writes s as the new snapshot (serial incremented, backup of
	// the previous one kept) and empties the journal. s must be the state
	// Load returned with every Update since applied (see (*State).Apply).
	// On success s.Serial is the serial now stored: s.Serial+1, or
	// unchanged when s is exactly the stored state (then nothing is
	// rewritten). A state of another lineage, or older than the stored
	// one, is refused.
	Compact(ctx context.Context, s *State) error
}

// Unlocker releases a lock.
type Unlocker interface {
	Unlock() error
}

// Held is a lock that can prove it is still held: the Unlockers of both
// backends are. A lock can be lost while its holder runs: the local lock
// file removed or replaced (force-unlock), the PostgreSQL session that
// holds it ended (idle_session_timeout, a server restart, a cut network,
// force-unlock). Its holder must then stop sending requests: another
// daftar may hold the lock now, and read the holder's intents as those of
// an interrupted run.
type Held interface {
	// Held returns nil while the lock is held, and a *LockLostError once
	// it is not (and from then on). It is cheap enough to call before each
	// request that is not safe to repeat: a stat for a lock file, one
	// statement for PostgreSQL.
	Held(ctx context.Context) error
}

// LockLostError says that a lock its holder still needed is no longer
// held.
type LockLostError struct {
	// Where is the lock file or the PostgreSQL workspace.
	Where string
	// Reason says what happened, in words.
	Reason string
}

func (e *LockLostError) Error() string {
	return fmt.Sprintf("the state lock of %s was lost: %s", e.Where, e.Reason)
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
	// Outputs, when not nil, replaces all outputs; an empty non-nil map
	// removes them all.
	Outputs map[string]*Output
	// DigestKeyID, when not empty, records the fingerprint of the digest
	// key the run's digests are made with (see State.DigestKeyID).
	DigestKeyID string
}

// Empty reports whether u changes nothing.
func (u Update) Empty() bool {
	return len(u.Set) == 0 && len(u.Remove) == 0 && u.Outputs == nil && u.DigestKeyID == ""
}

// Apply applies u to s in memory, as Backend.Apply does durably. Applying
// the same update twice, or a sequence of updates again over its own
// result, changes nothing more: that is what makes a journal replay safe.
func (s *State) Apply(u Update) {
	if s.Resources == nil {
		s.Resources = map[string]*Resource{}
	}
	for _, r := range u.Set {
		s.Resources[r.Address] = r
	}
	for _, a := range u.Remove {
		delete(s.Resources, a)
	}
	if u.Outputs != nil {
		s.Outputs = u.Outputs
	}
	if u.DigestKeyID != "" {
		s.DigestKeyID = u.DigestKeyID
	}
}
