package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// Lock polling, as the local backend polls its lock file.
const (
	lockFirstDelay = 5 * time.Millisecond
	lockMaxDelay   = 500 * time.Millisecond
)

// Lock modes: a plan, an apply or a state command takes the workspace's
// lock exclusive; the workers of a batch take it shared, together.
const (
	modeExclusive = "exclusive"
	modeShared    = "shared"
)

// Lock takes the workspace's advisory lock exclusively (the
// state.Backend contract): on a session of its own, with
// pg_try_advisory_lock polled until ctx is done. PostgreSQL releases it
// when that session ends, so a process that dies never leaves it behind.
// Who holds it is written into the locks table; a refusal names the
// holder.
func (b *Backend) Lock(ctx context.Context, info state.LockInfo) (state.Unlocker, error) {
	s, err := b.lock(ctx, info, modeExclusive)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// LockShared takes the workspace's lock in shared mode: any number of
// workers of one batch hold it together, and it excludes the exclusive
// Lock of plan, apply and the state commands, both ways.
func (b *Backend) LockShared(ctx context.Context, info state.LockInfo) (*Session, error) {
	return b.lock(ctx, info, modeShared)
}

func (b *Backend) lock(ctx context.Context, info state.LockInfo, mode string) (*Session, error) {
	info = info.Complete(b.String())
	conn, err := b.connect(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	try := "SELECT pg_try_advisory_lock($1)"
	if mode == modeShared {
		try = "SELECT pg_try_advisory_lock_shared($1)"
	}
	delay := lockFirstDelay
	for {
		var got bool
		if err := conn.QueryRow(context.WithoutCancel(ctx), try, b.key).Scan(&got); err != nil {
			conn.Close(context.Background())
			return nil, b.wrap("could not take the state lock", err)
		}
		if got {
			return b.hold(conn, info, mode)
		}
		select {
		case <-ctx.Done():
			holder := b.holder(conn)
			conn.Close(context.Background())
			return nil, &state.LockError{Info: holder, Path: b.String()}
		case <-time.After(delay/2 + rand.N(delay)):
		}
		delay = min(2*delay, lockMaxDelay)
	}
}

// hold records who holds the lock, dropping the rows of holders whose
// sessions are gone.
func (b *Backend) hold(conn *pgx.Conn, info state.LockInfo, mode string) (*Session, error) {
	ctx := context.Background()
	var pid int32
	_, err := conn.Exec(ctx, "DELETE FROM "+b.sql.t("locks")+" WHERE workspace = $1 AND backend_pid NOT IN (SELECT pid FROM pg_locks WHERE "+advisoryMatch+")",
		b.opts.Workspace, b.key>>32, b.key&0xffffffff)
	if err == nil {
		err = conn.QueryRow(ctx, "INSERT INTO "+b.sql.t("locks")+" (workspace, id, mode, operation, who, pid, created, backend_pid) VALUES ($1, $2, $3, $4, $5, $6, $7, pg_backend_pid()) RETURNING backend_pid",
			b.opts.Workspace, info.ID, mode, info.Operation, info.Who, info.PID, info.Created).Scan(&pid)
	}
	if err == nil && mode == modeExclusive {
		// No worker holds the shared lock now, so a batch still marked
		// running lost all its workers: a new plan takes over its work.
		_, err = conn.Exec(ctx, "UPDATE "+b.sql.t("batches")+" SET status = 'abandoned', finished_at = now() WHERE workspace = $1 AND status = 'running'", b.opts.Workspace)
	}
	if err != nil {
		conn.Close(ctx)
		return nil, b.wrap("could not record who holds the state lock", err)
	}
	s := &Session{b: b, conn: conn, info: info, mode: mode, pid: pid}
	b.setFence(&lockFence{session: s})
	return s, nil
}

// advisoryMatch selects the granted pg_locks rows of an advisory lock
// whose key halves are $2 (high) and $3 (low) in this database.
const advisoryMatch = `locktype = 'advisory' AND granted AND objsubid = 1
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND classid::bigint = ($2::bigint & 4294967295) AND objid::bigint = $3::bigint`

// holder reads who holds the lock now: the oldest recorded holder whose
// session still holds it.
func (b *Backend) holder(conn *pgx.Conn) state.LockInfo {
	var info state.LockInfo
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := conn.QueryRow(ctx, "SELECT id, operation, who, pid, created FROM "+b.sql.t("locks")+
		" WHERE workspace = $1 AND backend_pid IN (SELECT pid FROM pg_locks WHERE "+advisoryMatch+") ORDER BY created LIMIT 1",
		b.opts.Workspace, b.key>>32, b.key&0xffffffff).Scan(&info.ID, &info.Operation, &info.Who, &info.PID, &info.Created)
	if err != nil {
		return state.LockInfo{}
	}
	info.Created = info.Created.UTC()
	info.Path = b.String()
	return info
}

// Session is a held lock: the connection whose session holds the advisory
// lock. Closing the connection, or the process ending, releases it.
type Session struct {
	b    *Backend
	info state.LockInfo
	mode string

	// pid is the session's backend process id on the server.
	pid int32

	mu   sync.Mutex
	conn *pgx.Conn // nil once unlocked

	lostMu sync.Mutex
	// lost is set once a check found the lock lost (fence.go).
	lost error
}

var _ state.Held = (*Session)(nil)

// Info is what the holder recorded.
func (s *Session) Info() state.LockInfo { return s.info }

// Alive reports whether the session still holds the lock: its connection
// answers. A worker stops claiming work when it does not.
func (s *Session) Alive(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return errors.New("the state lock was released")
	}
	return s.conn.Ping(ctx)
}

// Unlock removes the holder's row and releases the lock by ending its
// session.
func (s *Session) Unlock() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	if f := s.b.fence.Load(); f != nil && f.session == s {
		s.b.fence.CompareAndSwap(f, nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.Lost() != nil {
		// The session is gone: so is the lock, and the next holder drops
		// this holder's row.
		s.conn.Close(ctx)
		s.conn = nil
		return nil
	}
	_, err := s.conn.Exec(ctx, "DELETE FROM "+s.b.sql.t("locks")+" WHERE workspace = $1 AND id = $2", s.b.opts.Workspace, s.info.ID)
	cerr := s.conn.Close(ctx)
	s.conn = nil
	if err = errors.Join(err, cerr); err != nil {
		return fmt.Errorf("could not release the state lock of %s cleanly (ending the session released it): %w", s.b, err)
	}
	return nil
}

// HolderRunning reports whether the holder of the lock with ID id may
// still be running, and why: its database session still holds the lock,
// and its process is not known to be gone (only a process on this machine
// can be looked at). ForceUnlock is for a holder that is gone although
// its session remains.
func (b *Backend) HolderRunning(id string) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := b.db(ctx)
	if err != nil {
		return false, ""
	}
	var info state.LockInfo
	var pid int32
	err = pool.QueryRow(ctx, "SELECT operation, who, pid, backend_pid FROM "+b.sql.t("locks")+" WHERE workspace = $1 AND id = $4 AND backend_pid IN (SELECT pid FROM pg_locks WHERE "+advisoryMatch+")",
		b.opts.Workspace, b.key>>32, b.key&0xffffffff, id).Scan(&info.Operation, &info.Who, &info.PID, &pid)
	if err != nil {
		return false, ""
	}
	if info.OnThisHost() && !state.ProcessRunning(info.PID) {
		return false, ""
	}
	return true, fmt.Sprintf("its database session (server pid %d) still holds the lock for %s (pid %d, %s), and nothing shows that process is gone", pid, info.Operation, info.PID, info.Who)
}

// ForceUnlock ends the database session that holds the lock with ID id,
// which releases it. It is for a holder PostgreSQL has not noticed is
// gone (a machine cut off the network keeps its session until TCP gives
// up); a process that died on a reachable machine releases the lock by
// itself. Ending the session of a process that still runs lets another
// run write over its work: check first. It needs the right to signal that
// session (the same role, or pg_signal_backend).
func (b *Backend) ForceUnlock(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := b.db(ctx)
	if err != nil {
		return err
	}
	var pid int32
	err = pool.QueryRow(ctx, "SELECT backend_pid FROM "+b.sql.t("locks")+" WHERE workspace = $1 AND id = $4 AND backend_pid IN (SELECT pid FROM pg_locks WHERE "+advisoryMatch+")",
		b.opts.Workspace, b.key>>32, b.key&0xffffffff, id).Scan(&pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("no session holds a lock with ID %q on %s: nothing was released", id, b)
	}
	if err != nil {
		return b.wrap("could not read the lock", err)
	}
	var ended bool
	if err := pool.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ended); err != nil || !ended {
		return fmt.Errorf("could not end the database session %d that holds the lock of %s: %v", pid, b, err)
	}
	return nil
}
