package plans

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// ChangeSource hands out a plan's changes one at a time, in address
// order: a plan file's Reader, or a Plan's own changes (Plan.Source).
type ChangeSource interface {
	// Next returns the next change, or io.EOF after the last.
	Next() (*Change, error)
}

// Reader reads a plan file written by Save or SaveSealed one change at a
// time: what it holds is the plan without its changes, its value types
// and the line being read, whatever the number of changes. Changes are
// decoded as Load decodes them (a no-op's values left encoded until read).
// A Reader is for one goroutine.
type Reader struct {
	br    *bufio.Reader
	head  *Plan
	count int // changes the header announces
	read  int
	types []cty.Type
	line  []byte
	// seal checks the seal at the end, when set; sum then hashes every
	// line before the seal line.
	seal Digester
	sum  hash.Hash
	done bool
	// PackCreates, set before the first Next, keeps each create's
	// configuration and planned value encoded in its change, as
	// Change.Pack does, until something reads them (ReadDeferred, Values,
	// ConfigValue): apply of a saved plan of 100,000 creates then holds a
	// few hundred bytes per change until it reaches each, not two decoded
	// values. Off, a create's values are decoded as Next hands it out.
	PackCreates bool

	// shared are the parts of the changes handed out so far that later
	// ones share (fileshare.go).
	shared shared
}

// formatPrefix matches the beginning of a daftar plan file of any
// version, which names it.
var formatPrefix = regexp.MustCompile(`^\{"format":"([^"\\]{0,40})"`)

// NewReader reads the header of a plan file. With a Digester, Next checks
// the seal once it has read the last change, and returns ErrSealBroken (or
// says the file has no seal) instead of io.EOF when it does not match: a
// caller that acts on a change before the end checks the file first with
// CheckSeal. Without one, the seal line, if any, is read and not checked.
func NewReader(r io.Reader, d Digester) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, 256<<10), seal: d}
	if d != nil {
		rd.sum = sha256.New()
	}
	if err := checkFormat(rd.br); err != nil {
		return nil, err
	}
	line, err := rd.nextLine()
	if err != nil {
		return nil, err
	}
	var h fileHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("this is not a daftar plan file (%v)", err)
	}
	if rd.head, err = decodeHeader(h); err != nil {
		return nil, err
	}
	if h.Changes < 0 {
		return nil, errors.New("this is not a daftar plan file (its count of changes is negative)")
	}
	rd.count = h.Changes
	return rd, nil
}

// checkFormat checks that br begins as a plan file of this version does,
// reading nothing past its first bytes: a file of an earlier version is
// one JSON document, which need not be read to be refused.
func checkFormat(br *bufio.Reader) error {
	start, _ := br.Peek(64)
	m := formatPrefix.FindSubmatch(start)
	if m == nil {
		return errors.New("this is not a daftar plan file")
	}
	if string(m[1]) != FileFormat {
		return fmt.Errorf("this plan file has format %q, and this daftar reads %q only: a plan file is read by the daftar that wrote it; make the plan again with daftar plan -out", m[1], FileFormat)
	}
	return nil
}

// Plan is the plan the file holds, without its changes (which Next
// hands out): its options, outputs, spends, resolutions, exclusions and
// what already exists. The caller may keep it and fill its Changes.
func (r *Reader) Plan() *Plan { return r.head }

// Len is the number of changes the file holds.
func (r *Reader) Len() int { return r.count }

// Next returns the next change, or io.EOF after the last (once the seal,
// when the Reader checks it, matched).
func (r *Reader) Next() (*Change, error) {
	if r.done {
		return nil, io.EOF
	}
	if r.read == r.count {
		return nil, r.end()
	}
	for {
		line, err := r.nextLine()
		if err == io.EOF {
			return nil, fmt.Errorf("the plan file ends after %d of its %d changes: it was cut short", r.read, r.count)
		}
		if err != nil {
			return nil, err
		}
		if bytes.HasPrefix(line, []byte(typeLinePrefix)) {
			if err := r.addType(line); err != nil {
				return nil, err
			}
			continue
		}
		var fc fileChange
		if err := json.Unmarshal(line, &fc); err != nil {
			return nil, fmt.Errorf("reading change %d of the plan file: %w", r.read+1, err)
		}
		c, err := decodeChange(&fc, r.types, r.PackCreates)
		if err != nil {
			return nil, fmt.Errorf("reading the change of %s: %w", fc.Addr, err)
		}
		r.shared.share(c, &fc)
		r.read++
		return c, nil
	}
}

func (r *Reader) addType(line []byte) error {
	var ft fileType
	if err := json.Unmarshal(line, &ft); err != nil {
		return fmt.Errorf("reading the plan's value types: %w", err)
	}
	ty, err := ctyjson.UnmarshalType(ft.Type)
	if err != nil {
		return fmt.Errorf("reading the plan's value types: %w", err)
	}
	r.types = append(r.types, ty)
	return nil
}

// end reads what follows the last change: the seal line, checked when the
// Reader checks seals, then the end of the file.
func (r *Reader) end() error {
	rest, err := io.ReadAll(io.LimitReader(r.br, 4096))
	if err != nil {
		return err
	}
	r.done = true
	if r.seal != nil {
		if err := checkSealLine(rest, r.sum.Sum(nil), r.seal); err != nil {
			return err
		}
		return io.EOF
	}
	if len(rest) > 0 && !bytes.HasPrefix(rest, []byte(sealLinePrefix)) {
		return errors.New("the plan file goes on after its last change")
	}
	return io.EOF
}

// nextLine reads the next line, hashing it; io.EOF at the end of the file.
// The line is valid until the next call.
func (r *Reader) nextLine() ([]byte, error) {
	r.line = r.line[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		r.line = append(r.line, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(r.line) > 0 {
			err = fmt.Errorf("the plan file ends in the middle of a line: it was cut short")
		}
		if err != nil {
			return nil, err
		}
		if r.sum != nil {
			r.sum.Write(r.line)
		}
		return r.line, nil
	}
}

// Load reads a whole plan file written by Save (or SaveSealed, whose seal
// it does not check). A no-op's values are decoded only when something
// reads them (Plan.Read): applying a saved plan of 100,000 unchanged
// instances compares their actions, not their values.
func Load(r io.Reader) (*Plan, error) {
	rd, err := NewReader(r, nil)
	if err != nil {
		return nil, err
	}
	return rd.ReadAll()
}

// ReadAll reads the changes left and returns the whole plan.
func (r *Reader) ReadAll() (*Plan, error) {
	p := r.head
	p.Changes = make([]*Change, 0, min(r.count-r.read, 1<<16))
	for {
		c, err := r.Next()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		p.Changes = append(p.Changes, c)
	}
}

// Source hands out p's changes one at a time.
func (p *Plan) Source() ChangeSource {
	if len(p.Lazy) > 0 {
		return &lazySource{changes: p.Changes, lazy: p.Lazy}
	}
	return &planSource{changes: p.Changes}
}

type planSource struct{ changes []*Change }

func (s *planSource) Next() (*Change, error) {
	if len(s.changes) == 0 {
		return nil, io.EOF
	}
	c := s.changes[0]
	s.changes = s.changes[1:]
	return c, nil
}
