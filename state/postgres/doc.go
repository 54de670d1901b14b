// Package postgres stores daftar's state in PostgreSQL, so that several
// people, scheduled jobs and machines share one state, and so that one
// batch can be applied by many workers together.
//
// The state is stored a resource per row (not as one blob): an Apply is
// one transaction that writes the rows it changes, whatever the size of
// the state. Each workspace has a row holding its format version, lineage,
// serial and outputs. Tables are created on first use by numbered
// migrations recorded in schema_migrations. The lock is a session-level
// advisory lock per workspace, which PostgreSQL releases when the session
// ends, however the process holding it ended; who holds it is kept in a
// table so that a refused lock names its holder.
//
// Beyond the state.Backend contract, a Backend offers what a shared apply
// needs: a shared lock (LockShared) that many workers hold together while
// excluding plan, apply and the state commands; a batch of steps that
// workers claim with SELECT ... FOR UPDATE SKIP LOCKED (Publish, Join);
// and a rate limiter whose pace is kept in a row, so that a provider's
// rate_limit holds for all workers together (Limiter).
//
// Attribute values are opaque JSON: the package never interprets them.
// With Options.Cipher, attributes and outputs are stored encrypted. The
// schema, locking and workers are described in docs/backends.md.
//
// Concurrency: a Backend is shared by the executor's workers, each outcome
// applied on a pooled connection; the lock's session and the fence are
// guarded by mutexes and atomics. apply -join workers are separate processes
// that coordinate through the database, not goroutines.
package postgres
