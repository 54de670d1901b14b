package state

import (
	"encoding/json"
	"fmt"
	"io"
)

// A record read from a snapshot file in plain text leaves its attributes
// in the file when they are a compact object there (what daftar writes):
// the record keeps where they are (attrSpan), and the file stays open,
// read back with ReadAt when the attributes are asked for. The open file
// keeps reading the snapshot it was opened on when a compaction renames a
// new one over the path (the old one's bytes stay on disk until the last
// record that refers to them is gone: the garbage collector then closes
// the file). Where a file cannot be renamed over while open (Windows),
// attributes are kept in memory (leaveInFile).

// minLeftInFile is the shortest value left in the file: shorter ones cost
// less kept than the span that finds them.
const minLeftInFile = 48

// snapshotFile is a snapshot file held open for its records' attributes.
type snapshotFile struct {
	f    io.ReaderAt // an *os.File, or in tests what it held
	path string
}

// attrSpan is where a record's attributes are in a snapshot file.
type attrSpan struct {
	file *snapshotFile // nil: not left in a file
	off  int64
	n    int
}

// read reads the attributes back, and checks that what it read looks like
// what was left there: a JSON object (its first and last bytes; whoever
// decodes it checks the rest, and json.Valid would cost a quarter of the
// read).
func (a attrSpan) read() (json.RawMessage, error) {
	buf := make([]byte, a.n)
	if _, err := a.file.f.ReadAt(buf, a.off); err != nil {
		return nil, fmt.Errorf("reading %s: %w", a.file.path, err)
	}
	if buf[0] != '{' || buf[len(buf)-1] != '}' {
		return nil, fmt.Errorf("%s no longer holds them where it did when it was read (was it changed in place?)", a.file.path)
	}
	return buf, nil
}

// placeAttributes is resourceCodec's Place for the attributes: it notes
// where they are, to be bound to their file (bindAttributes), and leaves
// them there.
func placeAttributes(r *Resource, value []byte, off int64) bool {
	if !leaveInFile || len(value) < minLeftInFile || value[0] != '{' {
		return false
	}
	r.at = attrSpan{off: off, n: len(value)}
	return true
}

// bindAttributes binds the attributes resourceCodec left in the snapshot
// file f (placeAttributes) to f, and reports whether any was: the caller
// must then keep f open.
func bindAttributes(rs []*Resource, f *snapshotFile) bool {
	bound := false
	for _, r := range rs {
		if r.at.n > 0 {
			r.at.file = f
			bound = true
		}
	}
	return bound
}
