//go:build !unix && !windows

package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
)

// dirLock on systems without flock: an exclusive create of DIR/LOCK, removed
// on release. A crashed sandbox leaves the file behind; delete it by hand.
type dirLock struct{ path string }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sandbox data directory %s is in use by another sandbox (%w)", dir, err)
	}
	f.Close()
	return &dirLock{path: path}, nil
}

func (l *dirLock) release() error { return os.Remove(l.path) }
