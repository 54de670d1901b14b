package validate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ResolvePath answers p as given when it is absolute, else joined to
// baseDir (the configuration directory).
func ResolvePath(baseDir, p string) string {
	if filepath.IsAbs(p) || baseDir == "" {
		return p
	}
	return filepath.Join(baseDir, p)
}

// File checks that p (relative to baseDir) names a regular file of at
// most maxBytes bytes (no limit when maxBytes <= 0), and answers the
// resolved path.
func File(baseDir, p string, maxBytes int64) (string, error) {
	full, _, err := StatFile(baseDir, p, maxBytes)
	return full, err
}

// StatFile is File that also answers what it read of the file (its size
// and modification time), for a caller that reuses what it read of the
// same file before.
func StatFile(baseDir, p string, maxBytes int64) (string, fs.FileInfo, error) {
	if p == "" {
		return "", nil, errors.New("the path is empty: give the path of a file, relative to the configuration directory")
	}
	full := ResolvePath(baseDir, p)
	info, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return full, nil, fmt.Errorf("%s does not exist: give the path of a file, relative to the configuration directory", full)
	case err != nil:
		return full, nil, fmt.Errorf("cannot read %s: %v", full, cause(err))
	case !info.Mode().IsRegular():
		return full, nil, fmt.Errorf("%s is not a regular file: give the path of a file, not a folder or a device", full)
	case maxBytes > 0 && info.Size() > maxBytes:
		return full, nil, fmt.Errorf("%s has %d bytes, more than the limit of %d bytes (%s): make the file smaller", full, info.Size(), maxBytes, humanBytes(maxBytes))
	}
	return full, info, nil
}

// ReadFile reads the file p (relative to baseDir) after the checks of File.
func ReadFile(baseDir, p string, maxBytes int64) ([]byte, error) {
	full, err := File(baseDir, p, maxBytes)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", full, cause(err))
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%s has %d bytes, more than the limit of %d bytes (%s): make the file smaller", full, len(data), maxBytes, humanBytes(maxBytes))
	}
	return data, nil
}

func humanBytes(n int64) string {
	const mb = 1 << 20
	if n%mb == 0 {
		return fmt.Sprintf("%d MB", n/mb)
	}
	return fmt.Sprintf("%d bytes", n)
}

// cause drops the path from an *fs.PathError, which the message names
// already.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
