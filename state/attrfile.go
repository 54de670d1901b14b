package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
	"unsafe"
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

// snapshotFile is a snapshot file held open for its records' attributes,
// or the journal (attrjournal.go).
type snapshotFile struct {
	f    io.ReaderAt // an *os.File, or in tests what it held
	path string
	// size, for a file still appended to (the journal), is how much of
	// it is durable: a window read ahead stops there, before lines being
	// written that a later record would find in it as they were then.
	size *atomic.Int64

	// A compaction, or a plan that reads every record in order, reads
	// the attributes in the file's order: a read that follows the last
	// one reads a window of the file, from which the next ones are
	// served, instead of one pread per record.
	mu      sync.Mutex
	lastEnd int64  // where the last read ended
	win     []byte // the last window read (never written after)
	winOff  int64
}

// window is how much a read in order reads ahead: about 150 records'
// attributes. A slice of it held by a caller keeps it alive.
const window = 64 << 10

// readAt returns the n bytes at off, from the window when it holds them.
func (f *snapshotFile) readAt(off int64, n int) ([]byte, error) {
	f.mu.Lock()
	if w := f.win; w != nil && off >= f.winOff && off+int64(n) <= f.winOff+int64(len(w)) {
		i := int(off - f.winOff)
		f.lastEnd = off + int64(n)
		f.mu.Unlock()
		return w[i : i+n : i+n], nil
	}
	inOrder := off >= f.lastEnd && off-f.lastEnd < 4096
	f.lastEnd = off + int64(n)
	f.mu.Unlock()
	if !inOrder || n > window/2 {
		buf := make([]byte, n)
		_, err := f.f.ReadAt(buf, off)
		return buf, err
	}
	ahead := int64(window)
	if f.size != nil {
		ahead = max(min(ahead, f.size.Load()-off), int64(n))
	}
	buf := make([]byte, ahead)
	m, err := f.f.ReadAt(buf, off)
	if m < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	buf = buf[:m]
	f.mu.Lock()
	f.win, f.winOff = buf, off
	f.mu.Unlock()
	return buf[:n:n], nil
}

// attrRef is a record's attributes in 16 bytes of its block (a slice and
// a span would take 40): held in memory (p their first byte, n their
// length), or left in a snapshot file (n's top bit set: its other bits
// the span's offset and length, attrSpan's pos, and p the file's
// *snapshotFile, nil until bindAttributes binds it).
type attrRef struct {
	p unsafe.Pointer
	n uint64
}

// leftInFile is attrRef.n's bit that says the attributes are in a file.
const leftInFile = 1 << 63

// memAttrs holds a in memory. The record keeps a's bytes (not its
// capacity: what Attributes returns cannot be appended to in place), a nil
// a and an empty one apart.
func memAttrs(a []byte) attrRef {
	return attrRef{p: unsafe.Pointer(unsafe.SliceData(a)), n: uint64(len(a))}
}

// inFile reports whether the attributes are left in a file (bound to it).
func (a attrRef) inFile() bool { return a.n&leftInFile != 0 && a.p != nil }

// bytes returns the attributes held in memory; nil when they are in a file.
func (a attrRef) bytes() []byte {
	if a.p == nil || a.n&leftInFile != 0 {
		return nil
	}
	return unsafe.Slice((*byte)(a.p), a.n)
}

// span is where the attributes left in a file are (inFile).
func (a attrRef) span() attrSpan {
	return attrSpan{file: (*snapshotFile)(a.p), pos: a.n &^ leftInFile}
}

// attrSpan is where a record's attributes are in a snapshot file, its
// offset and length packed in one word (a value beyond them is kept in
// memory, see placeAttributes); a record holds it as an attrRef.
type attrSpan struct {
	file *snapshotFile // nil: not left in a file
	pos  uint64        // offset<<spanLenBits | length
}

// spanLenBits is how many bits of an attrSpan's pos hold its length: a
// record's attributes up to 16 MB, at offsets up to 512 GB, are left in
// the file (attrRef's top bit is the rest of the word).
const spanLenBits = 24

// maxSpanLen and maxSpanOff are the longest value, and the furthest
// offset, an attrSpan holds.
const (
	maxSpanLen = 1<<spanLenBits - 1
	maxSpanOff = 1<<(63-spanLenBits) - 1
)

func (a attrSpan) off() int64 { return int64(a.pos >> spanLenBits) }
func (a attrSpan) n() int     { return int(a.pos & maxSpanLen) }

// read reads the attributes back, and checks that what it read looks like
// what was left there: a JSON object (its first and last bytes; whoever
// decodes it checks the rest, and json.Valid would cost a quarter of the
// read).
func (a attrSpan) read() (json.RawMessage, error) {
	buf, err := a.file.readAt(a.off(), a.n())
	if err != nil {
		// The system's reason alone: a *fs.PathError would name the file
		// a second time in what the user reads.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
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
	if !leaveInFile || len(value) < minLeftInFile || value[0] != '{' || len(value) > maxSpanLen || off < 0 || off > maxSpanOff {
		return false
	}
	r.attrs = attrRef{n: leftInFile | uint64(off)<<spanLenBits | uint64(len(value))}
	return true
}

// bindAttributes binds the attributes resourceCodec left in the snapshot
// file f (placeAttributes) to f, and reports whether r's were: the caller
// must then keep f open.
func bindAttributes(r *Resource, f *snapshotFile) bool {
	if f == nil || r.attrs.n&leftInFile == 0 {
		return false
	}
	r.attrs.p = unsafe.Pointer(f)
	return true
}

// ReadAttributes sets out[i] to rs[i].Attributes(), for a caller that
// reads many records' attributes in the file's order and is done with a
// batch before the next: those left in the file are read into buf (grown
// as needed, and returned to be used again), a run of spans that follow
// each other in one pread, rather than into a window of the file newly
// allocated for every 64 KB read (a plan reading 100,000 accounts'
// e-mails allocated 70 MB of them). out's slices are valid until buf is
// used again. On an error the records are read one by one (Attributes),
// so that the error is the one Attributes gives, for the first record it
// fails for.
func ReadAttributes(rs []*Resource, out []json.RawMessage, buf []byte) ([]byte, error) {
	type run struct {
		file     *snapshotFile
		off, end int64
		first    int // index in rs of the run's first record
		last     int // and one past its last
	}
	var runs []run
	total := 0
	for i, r := range rs {
		if !r.attrs.inFile() {
			continue
		}
		at := r.attrs.span()
		off, end := at.off(), at.off()+int64(at.n())
		if n := len(runs); n > 0 {
			l := &runs[n-1]
			if l.file == at.file && l.last == i && off >= l.end && off-l.end <= 4096 {
				total += int(end - l.end)
				l.end, l.last = end, i+1
				continue
			}
		}
		runs = append(runs, run{file: at.file, off: off, end: end, first: i, last: i + 1})
		total += int(end - off)
	}
	if cap(buf) < total {
		buf = make([]byte, total)
	}
	buf = buf[:total]
	pos := 0
	failed := false
	for _, rn := range runs {
		b := buf[pos : pos+int(rn.end-rn.off)]
		pos += len(b)
		if m, err := rn.file.f.ReadAt(b, rn.off); m < len(b) || (err != nil && err != io.EOF) {
			failed = true
			break
		}
		for i := rn.first; i < rn.last; i++ {
			if r := rs[i]; r.attrs.inFile() {
				at := r.attrs.span()
				start := int(at.off() - rn.off)
				a := b[start : start+at.n() : start+at.n()]
				if len(a) == 0 || a[0] != '{' || a[len(a)-1] != '}' {
					failed = true
					break
				}
				out[i] = a
			}
		}
		if failed {
			break
		}
	}
	for i, r := range rs {
		if !r.attrs.inFile() {
			out[i] = r.attrs.bytes()
		} else if failed {
			a, err := r.Attributes()
			if err != nil {
				return buf, err
			}
			out[i] = a
		}
	}
	return buf, nil
}

// FileOrder orders the records read from one snapshot file as the file
// holds them, which is by address: for a record whose attributes were left
// in the file it was read from, where they are in it. ok is false for any
// other record (its attributes in memory, or none). A reader that meets a
// batch's records in the file's order reaches them one after another in
// memory, as the loader allocated them, instead of at random.
func (r *Resource) FileOrder() (pos uint64, ok bool) {
	if !r.attrs.inFile() {
		return 0, false
	}
	return uint64(r.attrs.span().off()), true
}
