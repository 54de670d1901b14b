package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// A lock is a lease: its session can end while its holder runs on (the
// server's idle_session_timeout, a restart, a cut network,
// force-unlock), and the holder learns it only when it next asks. So the
// holder asks in the same statement that depends on it:
//
//   - every write (Apply, Compact) of a handle holding a lock checks, in
//     its own transaction, that the lock's session still holds the
//     advisory lock, and keeps the holder's row of locks FOR SHARE until it
//     commits: a new holder, which deletes the rows of gone holders before
//     it loads the state, waits for that write, then sees it; a write after
//     the loss is refused;
//   - a worker's writes also check that every address they touch is a step
//     this worker has claimed (worker = me AND status = 'claimed') and that
//     the worker was not presumed dead;
//   - before a request that is not safe to repeat leaves, Check runs the
//     same statement for the request's resource (see httpx.Fence).
//
// Once a check fails, the loss is kept: every later check fails at once.

// lockFence is what a handle's writes are checked against: the lock it
// holds, and the batch claims when it is a worker.
type lockFence struct {
	session *Session
	worker  *Worker // nil for a lock without a batch
}

// statement is the query that says, in one round trip, whether the
// lock (and the claims of addrs) are still held.
func (f *lockFence) statement(addrs []string) (string, []any) {
	s, b := f.session, f.session.b
	q := `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = $4 AND ` + advisoryMatch + `)
		AND EXISTS (SELECT 1 FROM (SELECT 1 FROM ` + b.sql.t("locks") + ` WHERE workspace = $1 AND id = $5 AND backend_pid = $4 FOR SHARE) l)`
	args := []any{b.opts.Workspace, b.key >> 32, b.key & 0xffffffff, s.pid, s.info.ID}
	if w := f.worker; w != nil {
		q += ` AND EXISTS (SELECT 1 FROM ` + b.sql.t("batch_workers") + ` w WHERE w.batch_id = $6 AND w.worker = $7 AND w.dead_at IS NULL AND ` + workerAlive + `)
		AND (SELECT count(*) FROM (SELECT 1 FROM ` + b.sql.t("batch_steps") + ` WHERE batch_id = $6 AND address = ANY($8) AND worker = $7 AND status = 'claimed' FOR SHARE) c) = cardinality($8::text[])`
		if addrs == nil {
			addrs = []string{} // an array, not NULL: cardinality 0
		}
		args = append(args, w.batch.ID, w.id, addrs)
	}
	return q, args
}

// lostReason says what a failed check means, for the error.
func (f *lockFence) lostReason(addrs []string) string {
	if f.worker != nil {
		if len(addrs) > 0 {
			return fmt.Sprintf("this worker's database session ended, or its claim of %s was taken over by another worker (this one was presumed dead)", addrs[0])
		}
		return "this worker's database session ended, and the other workers presume it dead"
	}
	return "its database session ended (the server's idle_session_timeout, a restart, a cut connection, or force-unlock), so another daftar may hold the lock now"
}

// addressesOf lists the addresses u writes, once each.
func addressesOf(u state.Update) []string {
	var addrs []string
	for _, r := range u.Set {
		addrs = append(addrs, r.Address)
	}
	addrs = append(addrs, u.Remove...)
	slices.Sort(addrs)
	return slices.Compact(addrs)
}

// setFence makes f the fence of this handle's writes (nil: none).
func (b *Backend) setFence(f *lockFence) { b.fence.Store(f) }

// queueFence adds the fence's check to a write's batch, as its last
// statement; it reports whether it did.
func (b *Backend) queueFence(batch *pgx.Batch, addrs []string) (*lockFence, bool) {
	f := b.fence.Load()
	if f == nil {
		return nil, false
	}
	q, args := f.statement(addrs)
	batch.Queue(q, args...)
	return f, true
}

// checkFenceIn runs the fence's check in tx; an error when the lock (or
// a claim) is lost.
func (b *Backend) checkFenceIn(ctx context.Context, tx pgx.Tx, addrs []string) error {
	f := b.fence.Load()
	if f == nil {
		return nil
	}
	if err := f.session.Lost(); err != nil {
		return err
	}
	q, args := f.statement(addrs)
	var held bool
	if err := tx.QueryRow(ctx, q, args...).Scan(&held); err != nil {
		return b.wrap("could not check the state lock", err)
	}
	return f.verdict(held, addrs)
}

// verdict turns a check's answer into nil or the (kept) loss.
func (f *lockFence) verdict(held bool, addrs []string) error {
	if held {
		return nil
	}
	err := &state.LockLostError{Where: f.session.b.String(), Reason: f.lostReason(addrs)}
	if f.worker == nil || len(addrs) == 0 {
		f.session.markLost(err)
	}
	return err
}

// Lost returns the loss once a check found the lock lost, else nil.
func (s *Session) Lost() error {
	s.lostMu.Lock()
	defer s.lostMu.Unlock()
	return s.lost
}

func (s *Session) markLost(err error) {
	s.lostMu.Lock()
	defer s.lostMu.Unlock()
	if s.lost == nil {
		s.lost = err
	}
}

// fenceTimeout bounds one check: a server that does not answer within it
// cannot prove the lock is held.
const fenceTimeout = 10 * time.Second

// Held checks, in one statement on the lock's own session, that the
// session still answers and holds the lock (state.Held). A check that
// cannot be made (the server cannot be reached, the session ended) proves
// nothing, and counts as a loss. Checked every second by a command that
// sends requests, it also keeps the session from being idle, so that an
// idle_session_timeout longer than that does not end it.
func (s *Session) Held(ctx context.Context) error {
	if err := s.Lost(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fenceTimeout)
	defer cancel()
	f := &lockFence{session: s}
	q, args := f.statement(nil)
	var held bool
	s.mu.Lock()
	err := errors.New("it was released")
	if s.conn != nil {
		err = s.conn.QueryRow(ctx, q, args...).Scan(&held)
	}
	s.mu.Unlock()
	if err == nil {
		return f.verdict(held, nil)
	}
	lost := &state.LockLostError{Where: s.b.String(), Reason: fmt.Sprintf("%s (%v)", f.lostReason(nil), err)}
	s.markLost(lost)
	return lost
}

// Owns checks, in one statement on a pooled connection, that this
// session still holds the lock: the fence of a plain apply's creates
// (resource is not needed: the whole state is this holder's).
func (s *Session) Owns(ctx context.Context, resource string) error {
	return s.check(ctx, &lockFence{session: s}, nil)
}

// Owns checks, in one statement, that this worker still holds its lock
// session, was not presumed dead, and still has the step of resource
// claimed ("" checks the worker only). It is the fence of the requests
// made for the step: a worker stopped past its lease whose step another
// took over sends nothing for it.
func (w *Worker) Owns(ctx context.Context, resource string) error {
	var addrs []string
	if resource != "" {
		addrs = []string{resource}
	}
	return w.session.check(ctx, &lockFence{session: w.session, worker: w}, addrs)
}

func (s *Session) check(ctx context.Context, f *lockFence, addrs []string) error {
	if err := s.Lost(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fenceTimeout)
	defer cancel()
	pool, err := s.b.db(ctx)
	if err == nil {
		q, args := f.statement(addrs)
		var held bool
		if err = pool.QueryRow(ctx, q, args...).Scan(&held); err == nil {
			return f.verdict(held, addrs)
		}
	}
	lost := &state.LockLostError{Where: s.b.String(), Reason: fmt.Sprintf("it could not be checked (%v)", err)}
	s.markLost(lost)
	return lost
}
