//go:build unix

package state

import (
	"errors"
	"os"
	"syscall"
)

// errLockHeld is what lockFile returns when another process holds the lock.
var errLockHeld = errors.New("the lock file is locked by another process")

// lockFile takes an exclusive flock(2) on f without waiting. The kernel
// releases it when the last descriptor of that open file closes, which
// happens when this process ends however it ends (exit, crash, SIGKILL,
// out-of-memory kill). flock is advisory: it excludes other daftar
// processes, not other programs reading or writing the file.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLockHeld
	}
	return err
}

// removeAndClose empties and removes the lock file, then releases the
// flock by closing it: a process waiting for the lock meanwhile finds the
// file gone (tryLock checks sameFile) and opens a new one. The file is
// removed only while it is still the one at path.
func removeAndClose(f *os.File, path string) error {
	var errs []error
	if sameFile(f, path) {
		errs = append(errs, f.Truncate(0), os.Remove(path))
	}
	return errors.Join(append(errs, f.Close())...)
}

// lockedElsewhere reports whether another process holds the OS lock of f:
// a shared flock cannot be had. The flock it may take is released when f
// is closed.
func lockedElsewhere(f *os.File) bool {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// ProcessRunning reports whether a process with this pid runs on this
// machine (for force-unlock's look at a lock's holder, in both backends).
func ProcessRunning(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
