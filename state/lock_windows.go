//go:build windows

package state

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// errLockHeld is what lockFile returns when another process holds the lock.
var errLockHeld = errors.New("the lock file is locked by another process")

// lockOffset is where the locked byte lies: far beyond anything the file
// holds. A Windows byte-range lock is mandatory (no other handle can read
// or write the locked bytes), and processes waiting for the lock read the
// holder's details from the start of the file, so the lock must not cover
// them. Locking past the end of a file is allowed.
const lockOffset = 1 << 62

// lockFile takes an exclusive LockFileEx lock on one byte of f without
// waiting. Windows releases it when the handle closes, and closes every
// handle of a process that ends however it ends (exit, crash, TerminateProcess
// from Task Manager or taskkill /F); Microsoft documents that the release
// after an abnormal end may come a little later, "depending upon available
// system resources", which Lock's polling absorbs.
func lockFile(f *os.File) error {
	ol := &windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLockHeld
	}
	return err
}

// removeAndClose empties the lock file, releases the lock by closing it,
// then removes the file. Windows cannot remove a file that a handle opened
// without FILE_SHARE_DELETE (Go opens files so) keeps open, our own
// included, hence this order. When the removal fails because another
// daftar process has the file open meanwhile (waiting for the lock, or
// holding it already), the file stays: it is that process's now, and a
// lock file's presence means nothing without its OS lock.
func removeAndClose(f *os.File, path string) error {
	same := sameFile(f, path)
	var errs []error
	if same {
		errs = append(errs, f.Truncate(0))
	}
	errs = append(errs, f.Close())
	if same {
		err := os.Remove(path)
		if err != nil && !errors.Is(err, windows.ERROR_SHARING_VIOLATION) && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lockedElsewhere reports whether another process holds the OS lock of f:
// the locked byte cannot be locked here. A lock taken to look is released
// at once.
func lockedElsewhere(f *os.File) bool {
	ol := &windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true
	}
	if err == nil {
		windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
	}
	return false
}

// stillActive is the exit code GetExitCodeProcess reports for a process
// that has not ended (STILL_ACTIVE).
const stillActive = 259

// ProcessRunning reports whether a process with this pid runs on this
// machine (for force-unlock's look at a lock's holder, in both backends).
func ProcessRunning(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return false
	}
	return code == stillActive
}
