package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// A holder whose lock session ends (force-unlock here; the server's
// idle_session_timeout or a restart do the same) finds it out at its next
// check or write: Held fails, every write is refused, and stays refused;
// the next holder takes the lock and writes, and finds nothing of the
// first one's refused writes.
func TestWritesRefusedOnceTheLockIsLost(t *testing.T) {
	schema := pgtest.Schema(t)
	first := newBackend(t, schema, "default")
	info := state.NewLockInfo("apply")
	u, err := first.Lock(ctxT(t, 5*time.Second), info)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	held := u.(state.Held)
	if err := held.Held(context.Background()); err != nil {
		t.Fatalf("Held while holding the lock: %v", err)
	}
	if err := first.Apply(context.Background(), state.Update{Set: []*state.Resource{account("ani", `{"username":"ani"}`)}}); err != nil {
		t.Fatalf("a write while holding the lock: %v", err)
	}

	second := newBackend(t, schema, "default")
	if err := second.ForceUnlock(info.ID); err != nil {
		t.Fatal(err)
	}
	// pg_terminate_backend signals the session; it ends a moment later.
	waitNoAdvisoryLock(t)
	var lost *state.LockLostError
	if err := first.Apply(context.Background(), state.Update{Set: []*state.Resource{account("budi", `{"username":"budi"}`)}}); !errors.As(err, &lost) {
		t.Fatalf("a write after the lock's session ended: %v, want a *state.LockLostError", err)
	}
	if err := held.Held(context.Background()); !errors.As(err, &lost) {
		t.Fatalf("Held after the lock's session ended: %v", err)
	}
	u2, err := second.Lock(ctxT(t, 10*time.Second), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatal(err)
	}
	defer u2.Unlock()
	if err := second.Apply(context.Background(), state.Update{Set: []*state.Resource{account("citra", `{"username":"citra"}`)}}); err != nil {
		t.Fatalf("the new holder's write: %v", err)
	}
	st, err := second.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Resources[`usapi_account.hire["budi"]`]; ok || len(st.Resources) != 2 {
		t.Errorf("the state holds %v, want ani and citra: the lost holder's write must be refused", st.Addresses())
	}
	if err := first.Compact(context.Background(), st); !errors.As(err, &lost) {
		t.Errorf("a compaction after the lock was lost: %v, want a *state.LockLostError", err)
	}
}

// waitNoAdvisoryLock polls until no session holds an advisory lock.
func waitNoAdvisoryLock(t *testing.T) {
	t.Helper()
	ctx := ctxT(t, 30*time.Second)
	conn, err := pgx.Connect(ctx, pgtest.ConnStr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("the ended session still holds its advisory lock")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// HolderRunning tells force-unlock that a holder whose session holds the
// lock may still run (here it does: it is this process); once the lock
// is released, or for another ID, it does not.
func TestHolderRunning(t *testing.T) {
	schema := pgtest.Schema(t)
	holder := newBackend(t, schema, "default")
	info := state.NewLockInfo("apply")
	u, err := holder.Lock(ctxT(t, 5*time.Second), info)
	if err != nil {
		t.Fatal(err)
	}
	other := newBackend(t, schema, "default")
	if running, why := other.HolderRunning(info.ID); !running || why == "" {
		t.Errorf("HolderRunning of a live holder = %v, %q", running, why)
	}
	if running, _ := other.HolderRunning("another-id"); running {
		t.Error("HolderRunning of another lock ID = true")
	}
	if err := u.Unlock(); err != nil {
		t.Fatal(err)
	}
	if running, why := other.HolderRunning(info.ID); running {
		t.Errorf("HolderRunning after Unlock = true (%s)", why)
	}
}
