package report

import (
	"bufio"
	"cmp"
	"container/heap"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// spill sorts records that may not fit in memory: an external sort. A
// record is a key, a sequence number and data; records sort by key, then
// by sequence. Up to limit bytes of records are held; past that, they
// are sorted and written to a run, a temporary file (mode 0600, in dir),
// and the runs are merged as they are read, fanIn at a time (more runs
// are first merged into fewer). A run is encrypted with AES-GCM, a chunk
// at a time, under a random key held in memory only, so what the records
// hold (names, addresses) never reaches the disk in clear, and the runs
// are unreadable once the process is gone. A run's file is removed as soon
// as it is created, and read through the descriptor kept open, so that
// even a report killed leaves none (where the system cannot remove an
// open file, Windows, it is removed by close).
type spill struct {
	dir          string
	limit, fanIn int

	mem   []record
	size  int
	runs  []*runFile
	nrun  uint32
	aead  cipher.AEAD
	ended bool
	err   error
}

// runFile is a run: its open file, its path until it is removed, its
// size, and its number (in its chunks' nonces).
type runFile struct {
	f    *os.File
	path string
	size int64
	n    uint32
	// largest is the size of its largest sealed chunk.
	largest int
}

// remove closes the run's file and removes it.
func (r *runFile) remove() {
	r.f.Close()
	if r.path != "" {
		os.Remove(r.path)
	}
}

// record is one record of a spill.
type record struct {
	key  string
	seq  uint64
	data []byte
}

func compareRecords(a, b record) int {
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// Default bounds of a spill: 4 MB of records held, 64 runs merged at once
// (each read through a chunk of at most 64 KB, twice: sealed and open).
const (
	spillLimit = 4 << 20
	spillFanIn = 64
	chunkSize  = 64 << 10
)

// spillLimits are the bounds of new spills; tests make them tiny.
var spillLimits = struct{ limit, fanIn int }{spillLimit, spillFanIn}

func newSpill(dir string) *spill {
	if dir == "" {
		dir = os.TempDir()
	}
	return &spill{dir: dir, limit: spillLimits.limit, fanIn: spillLimits.fanIn}
}

// recordOverhead is what a record held costs besides its bytes.
const recordOverhead = 48

// add adds a record; the spill keeps data.
func (s *spill) add(key string, seq uint64, data []byte) {
	if s.err != nil {
		return
	}
	if s.ended {
		s.err = errors.New("a record added to a spill already read")
		return
	}
	s.mem = append(s.mem, record{key, seq, data})
	s.size += len(key) + len(data) + recordOverhead
	if s.size >= s.limit {
		s.flush()
	}
}

// flush writes the records held to a run.
func (s *spill) flush() {
	slices.SortFunc(s.mem, compareRecords)
	w, err := s.create()
	if err == nil {
		for _, r := range s.mem {
			w.write(r)
		}
		err = w.close()
	}
	if err != nil {
		s.err = err
	}
	clear(s.mem)
	s.mem, s.size = s.mem[:0], 0
}

// end sorts what is held, or writes it to a run when there are runs, and
// merges the runs down to fanIn.
func (s *spill) end() {
	if s.ended {
		return
	}
	s.ended = true
	if len(s.runs) > 0 && len(s.mem) > 0 {
		s.flush()
	}
	if len(s.runs) == 0 {
		slices.SortFunc(s.mem, compareRecords)
		return
	}
	s.mem = nil
	for s.err == nil && len(s.runs) > s.fanIn {
		// Merge the first fanIn runs into one, at the end of the list.
		group := s.runs[:s.fanIn]
		m, err := s.merge(group)
		var w *runWriter
		if err == nil {
			w, err = s.create()
		}
		if err == nil {
			for r, ok := m.next(); ok; r, ok = m.next() {
				w.write(r)
			}
			err = cmp.Or(m.err, w.close())
		}
		if err != nil {
			s.err = err
			return
		}
		for _, run := range group {
			run.remove()
		}
		s.runs = slices.Delete(s.runs, 0, s.fanIn)
	}
}

// each hands fn the records in order until fn returns false. It may be
// called again: each call reads the records from the start.
func (s *spill) each(fn func(record) bool) error {
	s.end()
	if s.err != nil {
		return s.err
	}
	if len(s.runs) == 0 {
		for _, r := range s.mem {
			if !fn(r) {
				break
			}
		}
		return nil
	}
	m, err := s.merge(s.runs)
	if err != nil {
		return err
	}
	for r, ok := m.next(); ok; r, ok = m.next() {
		if !fn(r) {
			break
		}
	}
	return m.err
}

// cursor reads the records in order, a record at a time.
func (s *spill) cursor() (*merger, error) {
	s.end()
	if s.err != nil {
		return nil, s.err
	}
	if len(s.runs) == 0 {
		return &merger{mem: s.mem}, nil
	}
	return s.merge(s.runs)
}

// close removes the runs.
func (s *spill) close() {
	for _, run := range s.runs {
		run.remove()
	}
	s.runs, s.mem = nil, nil
}

// create starts a new run.
func (s *spill) create() (*runWriter, error) {
	if s.aead == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if s.aead, err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
	}
	f, err := os.CreateTemp(s.dir, "daftar-report-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("a temporary file for the report: %w", err)
	}
	s.nrun++
	run := &runFile{f: f, path: f.Name(), n: s.nrun}
	if os.Remove(run.path) == nil {
		run.path = ""
	}
	s.runs = append(s.runs, run)
	return &runWriter{run: run, w: bufio.NewWriterSize(f, chunkSize), aead: s.aead}, nil
}

// A run is a sequence of sealed chunks: the sealed length (4 bytes, big
// endian), then the chunk sealed with a nonce of the run's number and the
// chunk's. A chunk holds whole records: key length, key, sequence, data
// length, data, as uvarints and bytes.

// runWriter writes a run.
type runWriter struct {
	run   *runFile
	w     *bufio.Writer
	aead  cipher.AEAD
	size  int64
	chunk uint64
	plain []byte
	out   []byte
	err   error
}

func (w *runWriter) write(r record) {
	w.plain = binary.AppendUvarint(w.plain, uint64(len(r.key)))
	w.plain = append(w.plain, r.key...)
	w.plain = binary.AppendUvarint(w.plain, r.seq)
	w.plain = binary.AppendUvarint(w.plain, uint64(len(r.data)))
	w.plain = append(w.plain, r.data...)
	if len(w.plain) >= chunkSize {
		w.seal()
	}
}

// nonce is a chunk's nonce: the run's number and the chunk's, unique
// under the spill's key.
func nonce(run uint32, chunk uint64) []byte {
	n := make([]byte, 12)
	binary.BigEndian.PutUint32(n, run)
	binary.BigEndian.PutUint64(n[4:], chunk)
	return n
}

func (w *runWriter) seal() {
	if w.err != nil || len(w.plain) == 0 {
		return
	}
	w.out = w.aead.Seal(w.out[:0], nonce(w.run.n, w.chunk), w.plain, nil)
	w.chunk++
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(w.out)))
	w.w.Write(n[:])
	_, w.err = w.w.Write(w.out)
	w.run.largest = max(w.run.largest, len(w.out))
	w.size += int64(len(n) + len(w.out))
	w.plain = w.plain[:0]
}

func (w *runWriter) close() error {
	w.seal()
	err := cmp.Or(w.err, w.w.Flush())
	w.run.size = w.size
	if err != nil {
		return fmt.Errorf("writing a temporary file of the report: %w", err)
	}
	return nil
}

// runReader reads a run a record at a time.
type runReader struct {
	r       *bufio.Reader
	aead    cipher.AEAD
	run     uint32
	largest int
	chunk   uint64
	plain   []byte // what is left of the chunk
	buf     []byte
	open    []byte
	cur     record
}

func (s *spill) open(run *runFile) *runReader {
	sr := io.NewSectionReader(run.f, 0, run.size)
	return &runReader{r: bufio.NewReaderSize(sr, chunkSize), aead: s.aead, run: run.n, largest: run.largest}
}

var errDamagedRun = errors.New("a temporary file of the report was changed while it was read")

// next reads the next record into rr.cur; false at the end.
func (rr *runReader) next() (bool, error) {
	if len(rr.plain) == 0 {
		var n [4]byte
		if _, err := io.ReadFull(rr.r, n[:]); err == io.EOF {
			return false, nil
		} else if err != nil {
			return false, errDamagedRun
		}
		size := int(binary.BigEndian.Uint32(n[:]))
		if size > rr.largest {
			return false, errDamagedRun
		}
		rr.buf = slices.Grow(rr.buf[:0], size)[:size]
		if _, err := io.ReadFull(rr.r, rr.buf); err != nil {
			return false, errDamagedRun
		}
		var err error
		rr.open, err = rr.aead.Open(rr.open[:0], nonce(rr.run, rr.chunk), rr.buf, nil)
		if err != nil {
			return false, errDamagedRun
		}
		rr.chunk++
		rr.plain = rr.open
	}
	var ok bool
	var klen, dlen uint64
	klen, ok = rr.uvarint()
	if !ok || uint64(len(rr.plain)) < klen {
		return false, errDamagedRun
	}
	key := string(rr.plain[:klen])
	rr.plain = rr.plain[klen:]
	seq, ok := rr.uvarint()
	if !ok {
		return false, errDamagedRun
	}
	dlen, ok = rr.uvarint()
	if !ok || uint64(len(rr.plain)) < dlen {
		return false, errDamagedRun
	}
	data := slices.Clone(rr.plain[:dlen])
	rr.plain = rr.plain[dlen:]
	rr.cur = record{key, seq, data}
	return true, nil
}

func (rr *runReader) uvarint() (uint64, bool) {
	v, n := binary.Uvarint(rr.plain)
	if n <= 0 {
		return 0, false
	}
	rr.plain = rr.plain[n:]
	return v, true
}

// merger gives the records of sorted runs (or of a sorted slice) in
// order.
type merger struct {
	mem []record
	h   readerHeap
	all []*runReader
	err error
}

func (s *spill) merge(runs []*runFile) (*merger, error) {
	m := &merger{}
	for _, run := range runs {
		rr := s.open(run)
		m.all = append(m.all, rr)
		ok, err := rr.next()
		if err != nil {
			return nil, err
		}
		if ok {
			m.h = append(m.h, rr)
		}
	}
	heap.Init(&m.h)
	return m, nil
}

// next gives the next record; false at the end or on an error (m.err).
func (m *merger) next() (record, bool) {
	if m.all == nil {
		if len(m.mem) == 0 {
			return record{}, false
		}
		r := m.mem[0]
		m.mem = m.mem[1:]
		return r, true
	}
	if m.err != nil || len(m.h) == 0 {
		return record{}, false
	}
	rr := m.h[0]
	r := rr.cur
	ok, err := rr.next()
	switch {
	case err != nil:
		m.err = err
		return record{}, false
	case ok:
		heap.Fix(&m.h, 0)
	default:
		heap.Pop(&m.h)
	}
	return r, true
}

type readerHeap []*runReader

func (h readerHeap) Len() int           { return len(h) }
func (h readerHeap) Less(i, j int) bool { return compareRecords(h[i].cur, h[j].cur) < 0 }
func (h readerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *readerHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *readerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
