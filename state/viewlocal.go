package state

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/crypt"
)

// The local view reads the snapshot a line at a time: daftar writes each
// resource as one compact line (docs/state.md), in address order, so the
// lines between the head and the outputs are the resources, and a line
// never holds a newline of its own (JSON escapes it in a string). It checks
// that layout, and that the addresses ascend, before handing out any
// resource; a snapshot in another layout (the older indented one, or one
// edited by hand out of order) is loaded whole instead, as Load reads it.
// An encrypted snapshot is one authenticated message: it is decrypted
// whole and its plaintext read the same way.

// View reads the state as Load would, resource by resource (see View).
// It reads the journal, and the snapshot's head and outputs, now; each
// Each reads the snapshot's resources from the file as opened now, so a
// compaction meanwhile (a rename over it) changes nothing it reads.
func (l *Local) View(ctx context.Context) (View, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped before reading the state: %w", err)
	}
	v, err := l.openView()
	if err != nil || v != nil {
		return v, err
	}
	s, err := l.Load(ctx) // not in the layout a view streams
	if err != nil {
		return nil, err
	}
	return ViewOf(s), nil
}

// localView is the View of a local state in daftar's layout.
type localView struct {
	head    *State
	changes changes
	// src holds the snapshot (the file, or its decrypted plaintext); the
	// resources' lines are its bytes [start, end).
	src        io.ReaderAt
	file       *os.File
	start, end int64
	path       string
	backup     string
}

// openView opens the view, or returns nil, nil when the snapshot is not
// in the layout a view streams.
func (l *Local) openView() (*localView, error) {
	v := &localView{head: New(), changes: changes{}, path: l.path, backup: l.backupPath}
	exists, err := v.openSnapshot(l)
	if err != nil || (exists && v.src == nil) {
		v.Close()
		return nil, err
	}
	sc, err := l.readJournal()
	if err != nil {
		v.Close()
		return nil, err
	}
	apply := func(u Update) { v.changes.apply(v.head, u) }
	if err := l.replayWith(v.head, exists, sc.entries, apply); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// openSnapshot opens the snapshot and reads its head and outputs. It
// reports whether a snapshot exists; v.src stays nil when it is not in
// the layout a view streams.
func (v *localView) openSnapshot(l *Local) (bool, error) {
	f, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, l.snapshotReadError(err)
	}
	v.file = f
	info, err := f.Stat()
	if err != nil {
		return false, l.snapshotReadError(err)
	}
	if !info.Mode().IsRegular() {
		return false, fmt.Errorf("the state file %s is not a regular file: give -state the path of a file", l.path)
	}
	var src io.ReaderAt = f
	size := info.Size()
	magic := make([]byte, len(crypt.Magic))
	n, _ := f.ReadAt(magic, 0)
	if l.cipher != nil || crypt.IsEncrypted(magic[:n]) {
		plain, err := l.readPlaintext(f)
		if err != nil {
			return false, err
		}
		src, size = bytes.NewReader(plain), int64(len(plain))
	}
	v.src = src
	if ok, err := v.readHead(src, size); !ok || err != nil {
		v.src = nil
		return true, err
	}
	return true, nil
}

func (l *Local) snapshotReadError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // its text repeats the path
	}
	return fmt.Errorf("could not read the state file %s: %w", l.path, err)
}

// readPlaintext reads and decrypts the whole snapshot, as Load does.
func (l *Local) readPlaintext(f *os.File) ([]byte, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, l.snapshotReadError(err)
	}
	data, err = openFile(data, "state file", l.path, l.cipher)
	if isSettingsError(err) {
		return nil, err
	}
	if err != nil {
		return nil, &CorruptError{Path: l.path, Backup: l.backupPath, Err: err}
	}
	return data, nil
}

var (
	resourcesOpen  = []byte("\n  \"resources\": [")
	resourcesClose = []byte("\n  ],\n  \"outputs\": ")
	noResources    = []byte("\n  \"resources\": [],\n  \"outputs\": ")
	outputsKey     = []byte("\n  \"outputs\": ")
	lineStart      = []byte("\n    {")
)

// headLimit bounds the head (version, serial, lineage, digest key) a view
// looks for its resources in.
const headLimit = 64 << 10

// readHead finds the resources' lines and decodes the rest of the
// snapshot (head and outputs). It reports false when the snapshot is not
// in daftar's layout; an error is a snapshot Load refuses too.
func (v *localView) readHead(src io.ReaderAt, size int64) (bool, error) {
	head := make([]byte, min(size, headLimit))
	if _, err := src.ReadAt(head, 0); err != nil && err != io.EOF {
		return false, fmt.Errorf("could not read the state file %s: %w", v.path, err)
	}
	i := bytes.Index(head, resourcesOpen)
	if i < 0 {
		return false, nil
	}
	tail, tailAt, err := readTail(src, size)
	if err != nil {
		return false, fmt.Errorf("could not read the state file %s: %w", v.path, err)
	}
	if tail == nil {
		return false, nil
	}
	v.start = int64(i + len(resourcesOpen))
	switch {
	case tailAt == int64(i) && bytes.HasPrefix(tail, noResources):
		v.end = v.start // no resource
	case tailAt > v.start && bytes.HasPrefix(tail, resourcesClose) && bytes.HasPrefix(head[v.start:], lineStart):
		v.end = tailAt
	default:
		return false, nil
	}
	// The head, the array emptied, and the tail from the comma after it.
	doc := append(append(head[:v.start:v.start], ']'), tail[bytes.Index(tail, outputsKey)-1:]...)
	s, err := decodeState(doc, v.path)
	var verr *VersionError
	if errors.As(err, &verr) {
		return false, err
	}
	if err != nil {
		return false, nil // Load says what is wrong, in its words
	}
	s.Resources = map[string]*Resource{}
	v.head = s
	return v.checkOrder()
}

// readTail returns the snapshot from the line before its "outputs" key to
// its end, and where that begins; nil when there is no such key. A raw
// newline followed by two spaces and "outputs" is the top-level key: a
// resource's line holds no newline, and the outputs' own keys are indented
// further.
func readTail(src io.ReaderAt, size int64) ([]byte, int64, error) {
	for n := min(size, 64<<10); ; n = min(size, n*4) {
		buf := make([]byte, n)
		if _, err := src.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return nil, 0, err
		}
		if k := bytes.LastIndex(buf, outputsKey); k >= 0 {
			// Back to the newline before the key: the array's close, or
			// the "resources": [] line.
			line := bytes.LastIndexByte(buf[:k], '\n')
			if line < 0 && n < size {
				continue
			}
			if line < 0 {
				return nil, 0, nil
			}
			return buf[line:], size - n + int64(line), nil
		}
		if n == size {
			return nil, 0, nil
		}
	}
}

// lines returns a reader of the resources' lines.
func (v *localView) lines() *bufio.Reader {
	return bufio.NewReaderSize(io.NewSectionReader(v.src, v.start, v.end-v.start), 256<<10)
}

// eachLine calls fn with each resource's line (its JSON object), in order.
func (v *localView) eachLine(fn func(line []byte) error) error {
	r := v.lines()
	if _, err := r.Discard(1); err != nil { // the newline before the first line
		return nil
	}
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a line longer than the buffer
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("could not read the state file %s: %w", v.path, err)
		}
		obj, ok := bytes.CutPrefix(line, []byte("    "))
		if err == io.EOF { // the last line has no comma
			ok = ok && !bytes.HasSuffix(obj, []byte(","))
		} else {
			obj, ok = bytes.CutSuffix(obj, []byte(",\n"))
		}
		if !ok {
			return errLayout
		}
		if ferr := fn(obj); ferr != nil {
			return ferr
		}
		if err == io.EOF {
			return nil
		}
	}
}

// addressPrefix begins every resource's line daftar writes.
var addressPrefix = []byte(`{"address":"`)

// checkOrder checks that each line begins with its address and that the
// addresses ascend: then the lines are the resources in address order.
func (v *localView) checkOrder() (bool, error) {
	var prev string
	first, ordered := true, true
	err := v.eachLine(func(line []byte) error {
		a, ok := lineAddress(line)
		if !ok || (!first && a <= prev) {
			ordered = false
			return errStop
		}
		prev, first = a, false
		return nil
	})
	if err == errLayout {
		return false, nil
	}
	if err != nil && err != errStop {
		return false, err
	}
	return ordered, nil
}

var (
	errStop   = errors.New("stop")
	errLayout = errors.New("a line of the state file's resources is not in daftar's layout")
)

// lineAddress reads the address a resource's line begins with.
func lineAddress(line []byte) (string, bool) {
	if !bytes.HasPrefix(line, addressPrefix) {
		return "", false
	}
	end := codec.SkipString(line, len(addressPrefix)-1)
	if end < 0 {
		return "", false
	}
	quoted := line[len(addressPrefix)-1 : end]
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1]), true
	}
	var a string
	if json.Unmarshal(quoted, &a) != nil {
		return "", false
	}
	return a, true
}

func (v *localView) Head() *State { return v.head }

// Each decodes the snapshot's resources one line at a time and merges the
// journal's changes in.
func (v *localView) Each(ctx context.Context, fn func(*Resource) error) error {
	m := newMerger(v.changes, fn)
	if v.src != nil {
		dec := resourceCodec.NewDecoder()
		n := 0
		err := v.eachLine(func(line []byte) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("stopped while reading the state: %w", err)
				}
			}
			r := new(Resource)
			if err := dec.Decode(line, r); err != nil || r.Address == "" {
				if err == nil {
					err = fmt.Errorf("resource number %d has no address", n)
				}
				return &CorruptError{Path: v.path, Backup: v.backup, Err: describeJSONError(err)}
			}
			return m.next(r)
		})
		if err != nil {
			return err
		}
	}
	return m.rest()
}

func (v *localView) Close() error {
	if v.file == nil {
		return nil
	}
	err := v.file.Close()
	v.file = nil
	return err
}
