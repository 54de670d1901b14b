package audit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// BreakError names the first line where the chain does not hold.
type BreakError struct {
	// Line is 1-based.
	Line   int
	Reason string
}

func (e *BreakError) Error() string {
	return fmt.Sprintf("audit log broken at line %d: %s", e.Line, e.Reason)
}

// maxLineBytes bounds one line; a real line is well under 2 KiB.
const maxLineBytes = 1 << 20

// Verify reads a whole audit log and checks, line by line, that each line is
// complete, matches its own hash, has the next sequence number, and names
// the digest of the line before it (the first line names the digest of
// nothing). It returns the number of lines checked and, at the first line
// that fails, a *BreakError. Other errors are read errors.
//
// Verify cannot see lines removed from the end of the file: compare the
// last line's digest with one recorded elsewhere (Log.Head) for that.
func Verify(r io.Reader) (lines int, err error) {
	s, err := Check(r)
	return s.Lines, err
}

// walk reads every line of a log, checks the chain, and calls each with
// every line that holds (its 1-based number and its bytes without the
// newline). It returns the number of lines checked.
func walk(r io.Reader, each func(n int, raw []byte)) (lines int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	prevDigest, prevSeq := genesis, uint64(0)
	for {
		raw, err := readLine(br)
		if err == io.EOF {
			return lines, nil
		}
		n := lines + 1
		if errors.Is(err, errTorn) {
			return lines, &BreakError{n, "the line is incomplete (it has no newline): a write was cut short"}
		}
		if err != nil {
			return lines, err
		}
		if reason := checkLine(raw, prevDigest, prevSeq); reason != "" {
			return lines, &BreakError{n, reason}
		}
		prevDigest = digestHex(raw)
		prevSeq++
		lines = n
		each(n, raw)
	}
}

var errTorn = errors.New("torn line")

// readLine returns one line without its newline; errTorn when the input
// ends without one.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLineBytes {
			return nil, fmt.Errorf("a line is longer than %d bytes", maxLineBytes)
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(line, []byte("\n")), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) > 0:
			return nil, errTorn
		default:
			return nil, err
		}
	}
}

// checkLine says why raw cannot follow a line whose digest is prevDigest
// and whose seq is prevSeq, or "" when it can.
func checkLine(raw []byte, prevDigest string, prevSeq uint64) string {
	seq, prev, err := unseal(raw)
	if err != nil {
		return "the line was altered: " + err.Error()
	}
	switch {
	case seq > prevSeq+1:
		return fmt.Sprintf("seq jumps from %d to %d: lines before this one were removed or moved", prevSeq, seq)
	case seq <= prevSeq:
		return fmt.Sprintf("seq %d follows seq %d: lines were reordered, duplicated or inserted", seq, prevSeq)
	case prev != prevDigest:
		return "prev does not match the digest of the line before: that line was altered, or this line was inserted or moved"
	}
	return ""
}
