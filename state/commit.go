package state

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// maxLinger bounds how long a batch waits for more lines before it is
// written (journalWriter.flushLocked).
const maxLinger = time.Millisecond

// journalWriter appends lines to an open journal with group commit: the
// lines of callers that arrive while a write+fsync is under way gather in
// the next batch, which one of them then writes and fsyncs for all. Every
// caller returns once its own line is durable, so N concurrent appends cost
// about one fsync rather than N, and no goroutine runs in the background.
//
// When the previous batch held more than one line (appends are
// concurrent: an apply's workers), the caller that writes the next batch
// first waits as long as the previous write and fsync took (at most
// maxLinger) for more lines to join it, as PostgreSQL's commit_delay does:
// an fsync costs about 0.1 ms of CPU, and without the wait an apply of
// 32 creates in flight made about one per three lines. A lone append (a
// rate-limited apply, a plan) is written at once.
type journalWriter struct {
	f    *os.File
	name string

	mu       sync.Mutex
	cond     sync.Cond
	pending  []byte // lines of batch number next, not yet written
	spare    []byte // a written buffer, reused
	next     uint64 // the batch now gathering lines
	durable  uint64 // every batch up to this one is fsync'd
	flushing bool   // a caller is writing a batch
	size     int64  // bytes durable in the file
	err      error  // once set, the journal takes no more lines

	// offs are where pending's lines begin in it, each the variable of
	// the append that waits for it, set to where the line begins in the
	// file once the batch is durable; spareOffs is a written batch's,
	// reused.
	offs, spareOffs []*int64
	// durableSize is size, read without the mutex (journalAttrs).
	durableSize atomic.Int64

	// lines counts the lines in pending, last those of the batch written
	// last, took how long its write and fsync took (the commit delay).
	lines, last int
	took        time.Duration

	// gate, when set, is asked right before each batch is written, the
	// mutex released: an error (the state lock lost) drops the batch,
	// answers its callers with that error and stops the journal. One
	// check per batch, not per line, fences every line of it.
	gate func() error

	// writeHook, set by tests only, sees each batch before it is written,
	// the mutex released: a test holds a batch there to gather the next.
	writeHook func(batch []byte)
}

func newJournalWriter(f *os.File, name string, size int64) *journalWriter {
	w := &journalWriter{f: f, name: name, size: size, next: 1}
	w.cond.L = &w.mu
	w.durableSize.Store(size)
	return w
}

// append adds line to the journal and returns once it is durable, with
// the offset in the file where line begins.
func (w *journalWriter) append(line []byte) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	batch := w.next
	off := int64(len(w.pending))
	w.offs = append(w.offs, &off)
	w.pending = append(w.pending, line...)
	w.lines++
	for w.durable < batch && w.err == nil {
		if w.flushing {
			w.cond.Wait()
			continue
		}
		w.flushLocked()
	}
	if w.durable >= batch {
		return off, nil
	}
	return 0, w.err
}

// flushLocked writes and fsyncs the gathering batch, releasing the mutex
// meanwhile so that the next batch can gather; after concurrent appends it
// first lets the batch gather a while longer (see journalWriter).
func (w *journalWriter) flushLocked() {
	w.flushing = true
	if w.last > 1 {
		w.mu.Unlock()
		time.Sleep(min(w.took, maxLinger))
		w.mu.Lock()
	}
	buf, offs, batch, at := w.pending, w.offs, w.next, w.size
	w.pending, w.spare = w.spare[:0], nil
	w.offs, w.spareOffs = w.spareOffs[:0], nil
	w.last, w.lines = w.lines, 0
	w.next++
	w.mu.Unlock()
	if w.writeHook != nil {
		w.writeHook(buf)
	}
	start := time.Now()
	var err error
	if w.gate != nil {
		err = w.gate()
	}
	if err == nil {
		err = w.writeSync(buf)
	}
	took := time.Since(start)
	w.mu.Lock()
	w.flushing = false
	w.took = took
	w.spare = buf
	if err != nil {
		w.err = err
	} else {
		for _, o := range offs {
			*o += at
		}
		w.durable = batch
		w.size += int64(len(buf))
		w.durableSize.Store(w.size)
	}
	clear(offs) // the appends' variables are theirs again
	w.spareOffs = offs
	w.cond.Broadcast()
}

// writeSync writes buf at the end of the journal and fsyncs it. After a
// failed write it cuts the journal back to its durable size; after a failed
// fsync nothing written since the last good one can be trusted (the kernel
// may have dropped those pages), so the journal then refuses every append.
func (w *journalWriter) writeSync(buf []byte) error {
	if _, err := w.f.Write(buf); err != nil {
		if terr := w.f.Truncate(w.size); terr != nil {
			return fmt.Errorf("could not append to the journal %s (%w), nor cut it back after the failed write (%v)", w.name, err, terr)
		}
		return fmt.Errorf("could not append to the journal %s: %w", w.name, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("could not make the journal %s durable (fsync failed): %w", w.name, err)
	}
	return nil
}

// close closes the journal file after the appends under way have finished.
func (w *journalWriter) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.flushing {
		w.cond.Wait()
	}
	if w.err == nil {
		w.err = fmt.Errorf("internal error: the journal %s was closed", w.name)
	}
	return w.f.Close()
}
