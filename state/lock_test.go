package state_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// done is a context already over: Lock then tries exactly once.
func done() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func TestLockBetweenProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	c := startChild(t, "lock", helperState+"="+path)
	c.expect(t, "locked")
	pid := c.cmd.Process.Pid

	b := state.NewLocal(path, state.LocalOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := b.Lock(ctx, state.NewLockInfo("plan"))
	var lerr *state.LockError
	if !errors.As(err, &lerr) {
		t.Fatalf("Lock while another process holds it: %v, want a *state.LockError", err)
	}
	if lerr.Info.PID != pid || lerr.Info.Operation != "apply" {
		t.Errorf("the lock error names %+v, want pid %d and apply", lerr.Info, pid)
	}
	for _, want := range []string{"locked by apply (pid " + strconv.Itoa(pid), "daftar force-unlock " + lerr.Info.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the lock error %q does not say %q", err, want)
		}
	}

	c.kill() // kill -9: the kernel releases the flock
	unlock, err := b.Lock(done(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatalf("Lock right after the holder was killed: %v", err)
	}
	if err := unlock.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b.LockPath()); !os.IsNotExist(err) {
		t.Errorf("the lock file remains after Unlock: %v", err)
	}
}

func TestLockTakesOverStaleFile(t *testing.T) {
	b := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
	stale := state.LockInfo{ID: "dead-1", Operation: "apply", Who: "alice@host", PID: 999999, Created: when}
	writeJSON(t, b.LockPath(), stale)
	info := state.NewLockInfo("apply")
	unlock, err := b.Lock(done(), info)
	if err != nil {
		t.Fatalf("Lock over a lock file no process holds: %v", err)
	}
	var inFile state.LockInfo
	readJSON(t, b.LockPath(), &inFile)
	if inFile.ID != info.ID || inFile.Path != b.LockPath() {
		t.Errorf("the lock file holds %+v, want this process's lock %s at %s", inFile, info.ID, b.LockPath())
	}
	if err := unlock.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock.Unlock(); err != nil {
		t.Errorf("a second Unlock: %v", err)
	}
}

func TestForceUnlock(t *testing.T) {
	b := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
	if err := b.ForceUnlock("x"); err == nil || !strings.Contains(err.Error(), "no lock to remove") {
		t.Errorf("ForceUnlock without a lock file: %v", err)
	}
	writeJSON(t, b.LockPath(), state.LockInfo{ID: "abc", Operation: "apply"})
	if err := b.ForceUnlock("abd"); err == nil || !strings.Contains(err.Error(), `has ID "abc", not "abd"`) {
		t.Errorf("ForceUnlock with the wrong ID: %v", err)
	}
	if _, err := os.Stat(b.LockPath()); err != nil {
		t.Fatalf("ForceUnlock with the wrong ID removed the lock: %v", err)
	}
	if err := b.ForceUnlock("abc"); err != nil {
		t.Fatalf("ForceUnlock: %v", err)
	}
	if _, err := os.Stat(b.LockPath()); !os.IsNotExist(err) {
		t.Errorf("the lock file remains after ForceUnlock: %v", err)
	}
}

func TestLockErrorMessage(t *testing.T) {
	tests := map[string]struct {
		err  state.LockError
		want string
	}{
		"holder known": {
			err: state.LockError{Path: "daftar.state.json.lock", Info: state.LockInfo{ID: "5f1c", Operation: "apply", Who: "alice@host", PID: 1234,
				Created: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}},
			want: "the state is locked by apply (pid 1234, alice@host) since 2026-11-22T10:00:00Z; lock ID 5f1c; if that process is gone and the lock remains, run: daftar force-unlock 5f1c",
		},
		"holder not yet written": {
			err:  state.LockError{Path: "daftar.state.json.lock"},
			want: "the state is locked by another daftar process, which has not yet written who it is into daftar.state.json.lock; try again in a moment",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// A holder whose lock file is removed (force-unlock, or by hand) or
// replaced finds it out: Held fails, and every journal append and
// compaction of its handle is refused, while a new holder takes the lock
// and writes.
func TestWritesRefusedOnceTheLockFileIsGone(t *testing.T) {
	for name, lose := range map[string]func(t *testing.T, b *state.Local){
		"removed": func(t *testing.T, b *state.Local) {
			if err := os.Remove(b.LockPath()); err != nil {
				t.Fatal(err)
			}
		},
		"replaced": func(t *testing.T, b *state.Local) {
			next := b.LockPath() + ".new"
			if err := os.WriteFile(next, []byte("{}"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(next, b.LockPath()); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "daftar.state.json")
			b := state.NewLocal(path, state.LocalOptions{})
			u, err := b.Lock(done(), state.NewLockInfo("apply"))
			if err != nil {
				t.Fatal(err)
			}
			defer u.Unlock()
			held := u.(state.Held)
			st, err := b.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := held.Held(context.Background()); err != nil {
				t.Fatalf("Held while holding the lock: %v", err)
			}
			if err := b.Apply(context.Background(), state.Update{Outputs: map[string]*state.Output{}}); err != nil {
				t.Fatalf("a write while holding the lock: %v", err)
			}
			lose(t, b)
			var lost *state.LockLostError
			if err := held.Held(context.Background()); !errors.As(err, &lost) {
				t.Fatalf("Held after the lock file was %s: %v", name, err)
			}
			if err := b.Apply(context.Background(), state.Update{Outputs: map[string]*state.Output{}}); !errors.As(err, &lost) {
				t.Errorf("a journal append after the lock file was %s: %v", name, err)
			}
			if err := b.Compact(context.Background(), st); !errors.As(err, &lost) {
				t.Errorf("a compaction after the lock file was %s: %v", name, err)
			}
			other := state.NewLocal(path, state.LocalOptions{})
			u2, err := other.Lock(done(), state.NewLockInfo("apply"))
			if err != nil {
				t.Fatalf("a new holder after the lock file was %s: %v", name, err)
			}
			defer u2.Unlock()
			if err := other.Apply(context.Background(), state.Update{Outputs: map[string]*state.Output{}}); err != nil {
				t.Errorf("the new holder's write: %v", err)
			}
		})
	}
}

// The journal checks the lock once per batch of lines, right before it
// writes them (not once per Apply): appends made after the lock file was
// removed, with nothing having asked Held first, concurrent ones included,
// are all refused and none of their lines reaches the journal.
func TestJournalBatchFencedByTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	b := state.NewLocal(path, state.LocalOptions{})
	u, err := b.Lock(done(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	if _, err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	set := func(addr string) state.Update {
		return state.Update{Set: []*state.Resource{(&state.Resource{Address: addr}).WithKind(state.Kind{Type: "t", Name: "n", Provider: "p"})}}
	}
	if err := b.Apply(context.Background(), set("t.before")); err != nil {
		t.Fatalf("a write while holding the lock: %v", err)
	}
	before, err := os.ReadFile(b.JournalPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(b.LockPath()); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for i := range 16 {
		go func() { errs <- b.Apply(context.Background(), set(fmt.Sprintf("t.after%d", i))) }()
	}
	for range 16 {
		var lost *state.LockLostError
		if err := <-errs; !errors.As(err, &lost) {
			t.Errorf("an append after the lock file was removed: %v, want a lost lock", err)
		}
	}
	after, err := os.ReadFile(b.JournalPath())
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("the journal grew after the lock was lost: %d bytes, then %d", len(before), len(after))
	}
}

// HolderRunning tells force-unlock whether the lock's holder still runs:
// while a process holds the flock, yes, naming it; once it was killed, no
// (the file stays behind, its flock free); for another lock ID, no.
func TestHolderRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	c := startChild(t, "lock", helperState+"="+path)
	c.expect(t, "locked")
	b := state.NewLocal(path, state.LocalOptions{})
	data, err := os.ReadFile(b.LockPath())
	if err != nil {
		t.Fatal(err)
	}
	var info state.LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		t.Fatal(err)
	}
	running, why := b.HolderRunning(info.ID)
	if !running || !strings.Contains(why, "pid "+strconv.Itoa(c.cmd.Process.Pid)) {
		t.Errorf("HolderRunning while the holder runs = %v, %q", running, why)
	}
	if running, _ := b.HolderRunning("another-id"); running {
		t.Error("HolderRunning of another lock ID = true")
	}
	c.kill()
	if running, why := b.HolderRunning(info.ID); running {
		t.Errorf("HolderRunning after the holder was killed = true (%s)", why)
	}
}

// A write killed before its rename leaves a temporary copy of the whole
// state beside the state file; the next Lock removes such copies (of the
// state file and of its backup), and nothing else.
func TestLockRemovesTempsOfKilledWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "daftar.state.json")
	left := []string{".daftar.state.json.tmp-123", ".daftar.state.json.tmp-456", ".daftar.state.json.backup.tmp-789"}
	kept := []string{"daftar.state.json", "notes.tmp-1", ".other.json.tmp-2"}
	for _, name := range append(append([]string(nil), left...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(`{"serial":1}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b := state.NewLocal(path, state.LocalOptions{})
	unlock, err := b.Lock(done(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock.Unlock()
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there after Lock (%v)", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("Lock removed %s: %v", name, err)
		}
	}
}
