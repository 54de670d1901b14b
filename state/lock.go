package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Lock polling: the first retry comes soon, then the delay doubles up to
// lockMaxDelay, with jitter so that waiting processes do not beat in step.
const (
	lockFirstDelay = 5 * time.Millisecond
	lockMaxDelay   = 500 * time.Millisecond
)

// LockError reports a lock held by someone else when the wait ran out.
type LockError struct {
	// Info is what the holder wrote into the lock file; empty fields when
	// it had not written it yet.
	Info LockInfo
	// Path is the lock file.
	Path string
}

func (e *LockError) Error() string {
	if e.Info.ID == "" {
		return fmt.Sprintf("the state is locked by another daftar process, which has not yet written who it is into %s; try again in a moment", e.Path)
	}
	return fmt.Sprintf("the state is locked by %s (pid %d, %s) since %s; lock ID %s; if that process is gone and the lock remains, run: daftar force-unlock %s",
		e.Info.Operation, e.Info.PID, e.Info.Who, e.Info.Created.UTC().Format(time.RFC3339), e.Info.ID, e.Info.ID)
}

// NewLockInfo describes a lock this process is about to take for operation
// ("plan", "apply", ...): a fresh ID, user@host, the pid and the time.
func NewLockInfo(operation string) LockInfo {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	} else if name := os.Getenv("USER"); name != "" {
		who = name
	}
	if host, err := os.Hostname(); err == nil {
		who += "@" + host
	}
	return LockInfo{ID: NewLineage(), Operation: operation, Who: who, PID: os.Getpid(), Created: time.Now().UTC()}
}

// Complete fills the fields the caller left empty as NewLockInfo would,
// and sets Path: what every backend's Lock does first, so that a holder
// is described the same way whichever backend holds the state.
func (info LockInfo) Complete(path string) LockInfo {
	def := NewLockInfo(info.Operation)
	if info.ID == "" {
		info.ID = def.ID
	}
	if info.Who == "" {
		info.Who = def.Who
	}
	if info.PID == 0 {
		info.PID = def.PID
	}
	if info.Created.IsZero() {
		info.Created = def.Created
	}
	info.Path = path
	return info
}

// OnThisHost reports whether the holder ran on this machine (Who ends in
// "@" and this host's name) with a known pid, so that whether its process
// still runs can be looked at.
func (info LockInfo) OnThisHost() bool {
	host, err := os.Hostname()
	return err == nil && info.PID > 0 && strings.HasSuffix(info.Who, "@"+host)
}

// removeStaleTemps removes the temporary files a write of the state file or
// its backup left when it was killed before its rename (writeFileAtomic):
// whole copies of the state, which nothing else would ever remove. Under
// the lock, no other process is writing one.
func (l *Local) removeStaleTemps() {
	for _, path := range []string{l.path, l.backupPath} {
		dir, base := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		matches, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".tmp-*"))
		for _, m := range matches {
			os.Remove(m)
		}
	}
}

// globEscape escapes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lock takes the state lock: an exclusive OS lock on the lock file
// (flock(2) on Unix, LockFileEx on Windows; see lockFile), which the
// kernel releases when this process ends however it ends, then this
// process's LockInfo written into that file for others to read. A lock
// file left by a dead process is simply taken over. Lock tries at least
// once, even when ctx is already done, then polls until ctx is done and
// returns a *LockError naming the holder.
func (l *Local) Lock(ctx context.Context, info LockInfo) (Unlocker, error) {
	info = info.Complete(l.lockPath)
	delay := lockFirstDelay
	for {
		lk, holder, err := tryLock(l.lockPath, info)
		if err != nil {
			return nil, err
		}
		if lk != nil {
			l.removeStaleTemps()
			lk.owner = l
			l.holder.Store(lk)
			return lk, nil
		}
		select {
		case <-ctx.Done():
			return nil, &LockError{Info: holder, Path: l.lockPath}
		case <-time.After(delay/2 + rand.N(delay)):
		}
		delay = min(2*delay, lockMaxDelay)
	}
}

// fileLock is a held state lock.
type fileLock struct {
	mu   sync.Mutex
	f    *os.File // nil once unlocked
	path string
	// id is what f is (its device and inode), taken once when locked: an
	// open file stays the file it is, so Held stats only the path.
	id os.FileInfo
	// lost is set once Held found the lock file removed or replaced.
	lost error
	// owner is the backend whose writes the lock fences.
	owner *Local
}

var _ Held = (*fileLock)(nil)

// Held reports whether this process still holds the lock: the lock file
// at the path is still the file it locked. A lock file removed (by
// force-unlock, or by hand) or replaced while this process held it means
// another daftar may hold the lock now.
func (k *fileLock) Held(context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.lost != nil:
	case k.f == nil:
		k.lost = &LockLostError{Where: k.path, Reason: "it was released"}
	case !isFile(k.id, k.path):
		k.lost = &LockLostError{Where: k.path, Reason: "the lock file was removed or replaced while this process held it (daftar force-unlock, or by hand), so another daftar may hold the lock now"}
	}
	return k.lost
}

// stillLocked refuses a write once the lock this handle took is lost: a
// process that lost its lock must not write over the state another one
// now holds. A handle that took no lock writes as before.
func (l *Local) stillLocked(ctx context.Context) error {
	if k := l.holder.Load(); k != nil {
		return k.Held(ctx)
	}
	return nil
}

// tryLock takes the lock without waiting, or reads who holds it.
func tryLock(path string, info LockInfo) (*fileLock, LockInfo, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, LockInfo{}, fmt.Errorf("could not open the lock file %s: %w", path, err)
		}
		err = lockFile(f)
		if errors.Is(err, errLockHeld) {
			holder := readLockInfo(f)
			f.Close()
			return nil, holder, nil
		}
		if err != nil {
			f.Close()
			return nil, LockInfo{}, fmt.Errorf("could not lock the lock file %s: %w", path, err)
		}
		// The holder before us may have removed the file between our open
		// and our flock; a lock on a removed file locks nothing.
		id, err := f.Stat()
		if err != nil || !isFile(id, path) {
			f.Close()
			continue
		}
		if err := writeLockInfo(f, info); err != nil {
			f.Close()
			return nil, LockInfo{}, fmt.Errorf("could not write who holds the lock into %s: %w", path, err)
		}
		return &fileLock{f: f, path: path, id: id}, info, nil
	}
}

// sameFile reports whether f is still the file at path.
func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	return err == nil && isFile(a, path)
}

// isFile reports whether id (an open file's Stat) is still the file at
// path.
func isFile(id os.FileInfo, path string) bool {
	b, err := os.Stat(path)
	return err == nil && os.SameFile(id, b)
}

func writeLockInfo(f *os.File, info LockInfo) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(data, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}

// readLockInfo reads what a lock file says; a file still empty or half
// written reads as an empty LockInfo.
func readLockInfo(r io.ReaderAt) LockInfo {
	data, err := io.ReadAll(io.NewSectionReader(r, 0, 1<<20))
	var info LockInfo
	if err == nil {
		_ = json.Unmarshal(data, &info)
	}
	return info
}

// Unlock empties and removes the lock file and releases the OS lock by
// closing it, in the order the operating system needs (removeAndClose).
func (k *fileLock) Unlock() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.f == nil {
		return nil
	}
	if k.owner != nil {
		k.owner.holder.CompareAndSwap(k, nil)
	}
	f := k.f
	k.f = nil
	if err := removeAndClose(f, k.path); err != nil {
		return fmt.Errorf("could not release the state lock %s: %w", k.path, err)
	}
	return nil
}

// HolderRunning reports whether the holder of the lock with ID id is
// still running, and how that is known: the lock file is still locked
// (flock) by a process, or its process is running on this machine. A
// holder on another machine of a network file system, whose flock did not
// reach the server, cannot be seen: false.
func (l *Local) HolderRunning(id string) (bool, string) {
	f, err := os.Open(l.lockPath)
	if err != nil {
		return false, ""
	}
	defer f.Close()
	info := readLockInfo(f)
	if info.ID != id {
		return false, ""
	}
	if lockedElsewhere(f) {
		return true, fmt.Sprintf("the lock file is still locked by a running process (%s, pid %d, %s)", info.Operation, info.PID, info.Who)
	}
	// The lock taken here to look is released when f is closed.
	if info.OnThisHost() && ProcessRunning(info.PID) {
		return true, fmt.Sprintf("its process (%s, pid %d) is running on this machine", info.Operation, info.PID)
	}
	return false, ""
}

// ForceUnlock removes the lock file if it holds the lock ID id. It is for
// a lock the operating system cannot release by itself, such as one on a
// network file system where flock may not reach the server; on a local
// disk a dead process's lock is released by the kernel and taken over by
// the next Lock without this. Removing the lock of a process that still
// runs lets another one write over its work: check first.
func (l *Local) ForceUnlock(id string) error {
	data, err := os.ReadFile(l.lockPath)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there is no lock to remove: %s does not exist", l.lockPath)
	}
	if err != nil {
		return fmt.Errorf("could not read the lock file %s: %w", l.lockPath, err)
	}
	var info LockInfo
	if err := json.Unmarshal(data, &info); err != nil || info.ID != id {
		return fmt.Errorf("the lock in %s has ID %q, not %q: nothing was removed", l.lockPath, info.ID, id)
	}
	if err := os.Remove(l.lockPath); err != nil {
		return fmt.Errorf("could not remove the lock file %s: %w", l.lockPath, err)
	}
	return nil
}
