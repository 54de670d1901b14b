package state

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// compactStreamed is Compact for a state file in plain text: the new
// snapshot is encoded a chunk at a time into a temporary file beside the
// state file while it is compared with the current snapshot, read a chunk
// at a time too; only when they differ (but for the serial) is the
// current snapshot copied to the backup and the temporary file renamed
// over it. Memory follows a chunk, not the state (Compact built the whole
// encoding, read the whole previous file and kept both: 140 MB at 100,000
// accounts, 400 MB at 100,000 accounts and their verifications). The
// files written, and when, are the same as writeSnapshot's.
//
// done is false, with nothing written, where the whole-file path applies:
// an encrypted state (the file is encrypted whole), a current snapshot
// that is encrypted (whose error that path reports), or one in the older,
// indented layout (sameInOlderLayout decodes it). changed reports whether
// the state file was replaced.
func (l *Local) compactStreamed(s *State) (done, changed bool, err error) {
	if l.cipher != nil {
		return false, false, nil
	}
	var old *os.File
	var cmp *sameReader
	switch f, err := os.Open(l.path); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return true, false, fmt.Errorf("could not read the state file %s to keep it as the backup: %w", l.path, err)
	default:
		old = f
		defer old.Close()
		r := bufio.NewReaderSize(old, 64<<10)
		head, _ := r.Peek(64 << 10) // a short file gives what it has
		if crypt.IsEncrypted(head) {
			return false, false, nil
		}
		if i := bytes.Index(head, resourcesLine); i >= 0 && bytes.HasPrefix(head[i+len(resourcesLine):], olderLayoutObj) {
			return false, false, nil
		}
		cmp = newSameReader(r, s.Serial)
	}
	tmp, err := newTempFile(l.path, 0o600)
	if err != nil {
		return true, false, fmt.Errorf("could not write the state file %s (it still holds the previous state, and the journal the changes): %w", l.path, err)
	}
	defer tmp.discard()
	var w io.Writer = tmp.w
	if cmp != nil {
		w = io.MultiWriter(tmp.w, cmp)
	}
	if err := writeState(w, s, s.Serial+1); err != nil {
		var werr *os.PathError
		if errors.As(err, &werr) {
			return true, false, fmt.Errorf("could not write the state file %s (it still holds the previous state, and the journal the changes): %w", l.path, err)
		}
		return true, false, err
	}
	if cmp != nil && cmp.same() {
		return true, false, nil
	}
	if err := tmp.finish(); err != nil {
		return true, false, fmt.Errorf("could not write the state file %s (it still holds the previous state, and the journal the changes): %w", l.path, err)
	}
	if old != nil {
		if _, err := old.Seek(0, io.SeekStart); err != nil {
			return true, false, fmt.Errorf("could not read the state file %s to keep it as the backup: %w", l.path, err)
		}
		if err := copyFileAtomic(l.backupPath, old, 0o600); err != nil {
			return true, false, fmt.Errorf("could not keep the previous state as the backup %s (the state file is unchanged): %w", l.backupPath, err)
		}
		old.Close() // before the rename over it (Windows refuses to rename over an open file)
	}
	if err := tmp.rename(l.path); err != nil {
		return true, false, fmt.Errorf("could not write the state file %s (it still holds the previous state, and the journal the changes): %w", l.path, err)
	}
	return true, true, nil
}

// sameReader is written the new snapshot and compares it with the current
// one, read from r, as sameButSerial does: the current one must have the
// serial serial, and the rest of both (from the comma after the serial)
// must be equal.
type sameReader struct {
	r       *bufio.Reader
	skip    int  // bytes of the new snapshot before its comma after the serial
	differs bool // a difference was found
	buf     []byte
}

func newSameReader(r *bufio.Reader, serial uint64) *sameReader {
	c := &sameReader{r: r, skip: len(serialPrefix) + len(strconv.FormatUint(serial+1, 10))}
	want := append(append([]byte(nil), serialPrefix...), strconv.FormatUint(serial, 10)...)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || !bytes.Equal(got, want) {
		c.differs = true
	}
	return c
}

// Write compares p with what comes next in the current snapshot; it never
// fails (the temporary file's writer reports the errors).
func (c *sameReader) Write(p []byte) (int, error) {
	n := len(p)
	if c.differs {
		return n, nil
	}
	if c.skip > 0 {
		k := min(c.skip, len(p))
		c.skip -= k
		p = p[k:]
	}
	if len(p) == 0 {
		return n, nil
	}
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	got := c.buf[:len(p)]
	if _, err := io.ReadFull(c.r, got); err != nil || !bytes.Equal(got, p) {
		c.differs = true
	}
	return n, nil
}

// same reports whether everything written was the current snapshot, and
// the current snapshot holds nothing more.
func (c *sameReader) same() bool {
	if c.differs || c.skip > 0 {
		return false
	}
	_, err := c.r.ReadByte()
	return err == io.EOF
}

// tempFile is a file written beside path, then renamed over it, as
// writeFileAtomic does, with the rename left to the caller.
type tempFile struct {
	f    *os.File
	w    *bufio.Writer
	dir  string
	done bool // renamed, or to be left alone
}

func newTempFile(path string, perm os.FileMode) (*tempFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &tempFile{f: f, w: bufio.NewWriterSize(f, 64<<10), dir: dir}, nil
}

// finish flushes, fsyncs and closes the file.
func (t *tempFile) finish() error {
	if err := t.w.Flush(); err != nil {
		return err
	}
	if err := t.f.Sync(); err != nil {
		return err
	}
	return t.f.Close()
}

// rename puts the finished file in place of path, durably.
func (t *tempFile) rename(path string) error {
	if err := os.Rename(t.f.Name(), path); err != nil {
		return err
	}
	t.done = true
	return syncDir(t.dir)
}

// discard removes the file unless it was renamed.
func (t *tempFile) discard() {
	if !t.done {
		t.f.Close()
		os.Remove(t.f.Name())
	}
}

// copyFileAtomic replaces path with what r reads, as writeFileAtomic does
// with bytes in memory.
func copyFileAtomic(path string, r io.Reader, perm os.FileMode) error {
	t, err := newTempFile(path, perm)
	if err != nil {
		return err
	}
	defer t.discard()
	if _, err := io.Copy(t.w, r); err != nil {
		return err
	}
	if err := t.finish(); err != nil {
		return err
	}
	return t.rename(path)
}
