package report

import (
	"encoding/binary"
	"errors"

	"github.com/daftar-dev/daftar/internal/audit"
)

// EvidenceLog is the evidence of each resource (what EvidenceFrom maps)
// for a streamed report, kept sorted by address without holding the
// audit log's records: each request that may be a resource's evidence is
// added to a spill (sorted on disk past a bound, encrypted there), and
// the evidence of each address is then found by reading them in address
// order, as the state's view gives its resources.
type EvidenceLog struct {
	all, last *spill
	n         uint64
	done      bool
	err       error
}

// NewEvidenceLog returns an empty log whose temporary files go to dir
// (os.TempDir when empty). Close removes them.
func NewEvidenceLog(dir string) *EvidenceLog {
	return &EvidenceLog{all: newSpill(dir), last: newSpill(dir)}
}

// Add hands the log an audit record; the records must come in the log's
// order.
func (e *EvidenceLog) Add(r audit.Record) {
	e.n++
	if r.Resource == "" || r.Method != "POST" || r.Outcome != audit.OK {
		return
	}
	ev := Evidence{RunID: r.RunID, Command: r.Command, Time: r.Time, Request: r.Method + " " + r.Path, Seq: r.Seq}
	data, err := encodeEvidence(ev)
	if err != nil {
		e.err = err
		return
	}
	e.all.add(r.Resource, e.n, data)
}

// Close removes the log's temporary files.
func (e *EvidenceLog) Close() {
	if e == nil {
		return
	}
	e.all.close()
	e.last.close()
}

// end keeps, of each address's records, the evidence EvidenceFrom gives:
// the first of the last run that changed it.
func (e *EvidenceLog) end() error {
	if e.done {
		return e.err
	}
	e.done = true
	if e.err != nil {
		return e.err
	}
	var cur record
	var curRun string
	keep := func() {
		if cur.key != "" {
			e.last.add(cur.key, 0, cur.data)
		}
	}
	err := e.all.each(func(r record) bool {
		run, err := runOf(r.data)
		if err != nil {
			e.err = err
			return false
		}
		if r.key == cur.key && run == curRun {
			return true
		}
		if r.key != cur.key {
			keep()
		}
		cur, curRun = r, run
		return true
	})
	if e.err == nil && err == nil {
		keep()
	}
	e.all.close()
	if e.err == nil {
		e.err = err
	}
	if e.err == nil {
		e.err = e.last.err
	}
	return e.err
}

// evidenceCursor finds the evidence of addresses asked for in ascending
// order.
type evidenceCursor struct {
	m    *merger
	cur  record
	more bool
	err  error
}

// cursor starts reading the evidence from the first address; a nil log
// has none.
func (e *EvidenceLog) cursor() (*evidenceCursor, error) {
	if e == nil {
		return &evidenceCursor{}, nil
	}
	if err := e.end(); err != nil {
		return nil, err
	}
	m, err := e.last.cursor()
	if err != nil {
		return nil, err
	}
	c := &evidenceCursor{m: m}
	c.cur, c.more = m.next()
	return c, nil
}

// of is the evidence of addr, which is after the addresses asked before.
func (c *evidenceCursor) of(addr string) Evidence {
	for c.more && c.cur.key < addr {
		c.cur, c.more = c.m.next()
	}
	if !c.more || c.cur.key != addr {
		return Evidence{}
	}
	ev, err := decodeEvidence(c.cur.data)
	if err != nil && c.err == nil {
		c.err = err
	}
	return ev
}

// close ends the reading; its error is the first met.
func (c *evidenceCursor) close() error {
	if c.m == nil {
		return c.err
	}
	if c.err == nil {
		c.err = c.m.err
	}
	return c.err
}

// encodeEvidence writes ev as fields of uvarint length and bytes, the
// run's first.
func encodeEvidence(ev Evidence) ([]byte, error) {
	t, err := ev.Time.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var b []byte
	for _, f := range [][]byte{[]byte(ev.RunID), []byte(ev.Command), t, []byte(ev.Request)} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return binary.AppendUvarint(b, ev.Seq), nil
}

var errEvidence = errors.New("a temporary file of the report holds a damaged record")

// fields reads n length-prefixed fields of b, and what follows them.
func fields(b []byte, n int) ([][]byte, []byte, error) {
	out := make([][]byte, 0, n)
	for range n {
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return nil, nil, errEvidence
		}
		out = append(out, b[k:k+int(l)])
		b = b[k+int(l):]
	}
	return out, b, nil
}

func runOf(b []byte) (string, error) {
	f, _, err := fields(b, 1)
	if err != nil {
		return "", err
	}
	return string(f[0]), nil
}

func decodeEvidence(b []byte) (Evidence, error) {
	f, rest, err := fields(b, 4)
	if err != nil {
		return Evidence{}, err
	}
	ev := Evidence{RunID: string(f[0]), Command: string(f[1]), Request: string(f[3])}
	if err := ev.Time.UnmarshalBinary(f[2]); err != nil {
		return Evidence{}, errEvidence
	}
	seq, k := binary.Uvarint(rest)
	if k <= 0 {
		return Evidence{}, errEvidence
	}
	ev.Seq = seq
	return ev, nil
}
