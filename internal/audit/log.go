package audit

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// FileName is the audit log's name in a working directory.
const FileName = "daftar.audit.jsonl"

// Options name the run whose requests a Log records.
type Options struct {
	// RunID identifies the run (a random id chosen by the command).
	RunID string
	// Command is the command's name ("apply", "plan"); never its
	// arguments, which may hold variable values.
	Command string
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// Log appends lines to one audit log file. It is safe for concurrent use.
//
// Only one Log may append to a file at a time: the command holds the state
// lock while it has the log open.
type Log struct {
	f    *os.File
	opts Options

	mu   sync.Mutex
	cond *sync.Cond
	// prev is the digest of the last line encoded (not necessarily yet
	// written); seq its sequence number.
	prev string
	seq  uint64
	// pending holds encoded lines waiting for the next write; batch is
	// its number, done the number of the last batch written and synced.
	pending  []byte
	batch    uint64
	done     uint64
	flushing bool
	err      error
	closed   bool
	head     string
	// headSeq is the seq of the line whose digest is head.
	headSeq uint64
	// lines counts the lines in pending; last those of the batch written
	// last, took how long its write and fsync took (see flush).
	lines, last int
	took        time.Duration
	// spare is a written batch's buffer, reused by the next batch.
	spare []byte
}

// maxLinger bounds how long a batch waits for more lines (see flush).
const maxLinger = time.Millisecond

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit log is closed")

// Open opens the audit log at path for appending, creating it with mode
// 0600. The chain continues from the file's last line. A torn last line (a
// write cut short by a crash: no newline at the end) is truncated away and
// a "repaired_torn_line" line recording its length and digest is appended,
// so the repair is visible and the chain still verifies.
func Open(path string, opts Options) (*Log, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the audit log: %w", err)
	}
	l := &Log{f: f, opts: opts, prev: genesis, head: genesis, batch: 1}
	l.cond = sync.NewCond(&l.mu)
	if err := l.resume(); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening the audit log %s: %w", path, err)
	}
	return l, nil
}

// resume reads the file's tail to continue the chain, repairing a torn
// last line.
func (l *Log) resume() error {
	if err := l.f.Chmod(0o600); err != nil {
		return err
	}
	t, err := readTail(l.f)
	if err != nil {
		return err
	}
	if t.last != nil {
		seq, _, err := unseal(t.last)
		if err != nil {
			return fmt.Errorf("its last complete line cannot be continued (%v); run \"daftar audit verify\"", err)
		}
		l.seq, l.prev, l.head, l.headSeq = seq, digestHex(t.last), digestHex(t.last), seq
	}
	if len(t.torn) == 0 {
		return nil
	}
	if err := l.f.Truncate(t.size - int64(len(t.torn))); err != nil {
		return fmt.Errorf("cutting a torn last line: %w", err)
	}
	return l.append(func(seq uint64, prev string) any {
		return repairLine{
			V: formatVersion, Seq: seq, Event: eventRepairedTornLine,
			Time: formatTime(l.opts.Now()), RunID: l.opts.RunID, Command: l.opts.Command,
			TornBytes: int64(len(t.torn)), TornSHA256: digestHex(t.torn), Prev: prev,
		}
	})
}

// RecordSent appends a "sent" line for e (its time, resource, provider,
// method, path and request digest) and returns once it is on disk: the
// request is about to leave. Its outcome is recorded by Record as usual.
func (l *Log) RecordSent(e Entry) error {
	return l.append(func(seq uint64, prev string) any {
		return sentLine{
			V: formatVersion, Seq: seq, Event: eventSent,
			Time: formatTime(e.Time), RunID: l.opts.RunID, Command: l.opts.Command,
			Resource: e.Resource, Provider: e.Provider, Method: e.Method, Path: e.Path,
			RequestSHA256: e.RequestSHA256, Prev: prev,
		}
	})
}

// Record appends one line for e and returns once it is on disk (written
// and fsynced).
//
// Concurrent Records are group-committed as a journal commits: while one
// caller writes and syncs a batch, the others encode their lines into the
// next batch, and one of them writes that whole batch with a single write
// and a single fsync. Each caller still returns only after its own line is
// durable; the price is that a caller may wait for one sync besides its
// own, the gain that a thousand requests a second cost a few hundred syncs
// rather than a thousand.
//
// After a write fails, the Log is broken: every later Record returns that
// error (see Err), and the next Open repairs what the failure left.
func (l *Log) Record(e Entry) error {
	return l.append(func(seq uint64, prev string) any {
		return requestLine{
			V: formatVersion, Seq: seq, Event: eventRequest,
			Time: formatTime(e.Time), RunID: l.opts.RunID, Command: l.opts.Command,
			Resource: e.Resource, Provider: e.Provider, Method: e.Method, Path: e.Path,
			Status: e.Status, Code: e.Code, DurationMS: durationMS(e.Duration),
			RequestSHA256: e.RequestSHA256, ResponseSHA256: e.ResponseSHA256,
			ResponseIncomplete: e.ResponseIncomplete, Outcome: e.Outcome, Prev: prev,
		}
	})
}

func durationMS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// append encodes the line build makes for the next seq and prev, queues it,
// and waits until it is durable.
func (l *Log) append(build func(seq uint64, prev string) any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if l.err != nil {
		return l.err
	}
	line, err := seal(build(l.seq+1, l.prev))
	if err != nil {
		return fmt.Errorf("encoding an audit line: %w", err)
	}
	l.seq++
	l.prev = digestHex(line)
	l.pending = append(append(l.pending, line...), '\n')
	l.lines++
	mine := l.batch
	for l.done < mine && l.err == nil {
		if l.flushing {
			l.cond.Wait()
			continue
		}
		l.flush()
	}
	return l.err
}

// flush writes and syncs the pending batch; l.mu is held on entry and exit
// and released during the I/O.
//
// When the batch written last held more than one line (requests are
// concurrent: an apply's workers), flush first waits as long as that
// batch's write and fsync took (at most maxLinger) for more lines to join
// this one, as PostgreSQL's commit_delay does: an fsync costs about 0.1 ms
// of CPU, and without the wait an apply of 32 creates in flight synced
// about once per three lines. A lone line is written at once. Every caller
// still returns only once its own line is durable.
func (l *Log) flush() {
	l.flushing = true
	if l.last > 1 {
		l.mu.Unlock()
		time.Sleep(min(l.took, maxLinger))
		l.mu.Lock()
	}
	buf, batch, head, headSeq := l.pending, l.batch, l.prev, l.seq
	l.pending, l.spare, l.batch = l.spare[:0], nil, l.batch+1
	l.last, l.lines = l.lines, 0
	l.mu.Unlock()
	start := time.Now()
	_, err := l.f.Write(buf)
	if err == nil {
		err = l.f.Sync()
	}
	took := time.Since(start)
	l.mu.Lock()
	l.flushing = false
	l.took, l.spare = took, buf
	if err != nil {
		l.err = fmt.Errorf("writing the audit log: %w", err)
	} else {
		l.done, l.head, l.headSeq = batch, head, headSeq
	}
	l.cond.Broadcast()
}

// Err returns the error that broke the Log, if any. A request that cannot
// be recorded must not be sent: the round tripper checks Err first.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Head returns the digest of the last line durably written (the sha256 of
// nothing when the log is empty). Recording it elsewhere (a run report)
// lets a verifier notice lines removed from the end of the file.
func (l *Log) Head() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}

// Position returns the seq and digest of the last line durably written
// (0 and the sha256 of nothing when the log is empty), for a Head.
func (l *Log) Position() (seq uint64, digest string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.headSeq, l.head
}

// Close closes the file. It returns the error that broke the Log, if any.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.closed = true
	for l.flushing {
		l.cond.Wait()
	}
	if err := l.f.Close(); err != nil && l.err == nil {
		l.err = fmt.Errorf("closing the audit log: %w", err)
	}
	return l.err
}
