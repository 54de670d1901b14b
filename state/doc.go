// Package state owns what daftar remembers between runs: which remote
// records it created (the resources), under which address, with which
// attributes, and which creates an interrupted apply may have left behind
// (pending intents).
//
// A State is a plain value. A Backend stores it: the local backend (Local)
// as daftar.state.json (mode 0600, written atomically with a backup) plus an
// append-only journal, so that each change costs one fsync'd append rather
// than a rewrite, and an flock'd lock file that the kernel releases when
// its process dies; later backends (PostgreSQL) keep the same contract,
// tested by one shared suite (package backendtest).
//
// The life of a state in one run:
//
//	unlock, err := b.Lock(ctx, state.NewLockInfo("apply")) // -lock-timeout
//	s, err := b.Load(ctx)                                  // snapshot + journal
//	// for each outcome, from many goroutines (s guarded by a mutex):
//	s.Apply(u); err = b.Apply(ctx, u)                      // durable on return
//	err = b.Compact(ctx, s)                                // new snapshot, journal gone
//	unlock.Unlock()
//
// The file formats, the durability guarantees and how to recover by hand
// are in docs/state.md.
//
// This package knows nothing of HCL, cty or providers: attribute values are
// opaque JSON. It does no network I/O and holds no secret: what reaches it
// (attributes, intents' request digests) is already what may be written to
// disk.
//
// Concurrency: a loaded State is applied to from many goroutines under the
// caller's mutex; Local serializes its journal appends under its own. Load
// decodes a large snapshot's resources on every core (an errgroup, one worker
// per core, each with its own decoder).
package state
