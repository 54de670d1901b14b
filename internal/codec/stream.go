package codec

import (
	"bytes"
	"io"
)

// StreamArray does what FindArray does for the document r holds, without
// holding the document whole: it reads it about chunk bytes at a time,
// hands the elements of the top-level array name to emit as they are read,
// a batch at a time, and returns the document with that array's value
// emptied ("[]"): the rest, which decodeFast-like callers decode with
// encoding/json.
//
// emit is given a buffer, where it begins in the document (the offset of
// buf[0] from the first byte r gave) and the spans of the whole elements
// it holds (in document order, at least one); the buffer is emit's from
// then on.
// newBuf gives an empty buffer to read into (one emit handed back, or a
// new one); a buffer grows past its capacity only for an element longer
// than it.
//
// ok is false when FindArray would report false for the whole document,
// or when emit returned false; err is a read error. With ok true, the
// elements emitted are FindArray's elements (the same bytes, in order),
// and the rest is the document with FindArray's array replaced by "[]",
// unless one of the elements emitted is not one JSON value: an element
// is taken to end where its line does (lineElement), which is true of
// every element as daftar writes them, and the caller must refuse an
// element that is not exactly one value (a decoder does), and with it
// the document, which it then reads another way. StreamArray may also
// decline a document FindArray accepts, when an element does not end
// its line (lineElement).
func StreamArray(r io.Reader, name string, chunk int, newBuf func() []byte, emit func(buf []byte, base int64, elems []Span) bool) (rest []byte, ok bool, err error) {
	s := &streamReader{r: r, chunk: max(chunk, 1)}
	// The head, up to the array's '[': read until the key is found.
	var head []byte
	open := -1
	for {
		var st scanStatus
		if open, st = scanHead(head, name); st == scanFound {
			break
		}
		if st == scanFail || s.eof {
			return nil, false, s.err
		}
		if head = s.fill(head); s.err != nil {
			return nil, false, s.err
		}
	}
	rest = append(append(make([]byte, 0, open+64), head[:open]...), "[]"...)

	// The elements, as splitArray finds them: emitted a buffer at a time.
	buf := append(newBuf(), head[open+1:]...)
	base := int64(open + 1) // where buf[0] is in the document
	head = nil
	const (
		first = iota // after the '[': an element or ']'
		value        // after a ',': an element
		sep          // after an element: ',' or ']'
	)
	state, pos := first, 0 // pos: where the state was reached in buf
	var elems []Span
	closed := -1 // where the array ends in buf (just after its ']')
	for closed < 0 {
		i := SkipSpace(buf, pos)
		more := i >= len(buf)
		if !more {
			switch state {
			case first, value:
				if state == first && buf[i] == ']' {
					closed = i + 1
					continue
				}
				if end, next, ok := lineElement(buf, i); ok {
					elems = append(elems, Span{i, end})
					state, pos = sep, end
					if next > end { // its comma
						state, pos = value, next
					}
					continue
				}
				end := skipValue(buf, i)
				if more = end < 0 || (end == len(buf) && !s.eof); !more {
					if end == i {
						return nil, false, nil
					}
					elems = append(elems, Span{i, end})
					state, pos = sep, end
				}
			case sep:
				switch buf[i] {
				case ']':
					closed = i + 1
				case ',':
					state, pos = value, i+1
				default:
					return nil, false, nil
				}
			}
		}
		if !more {
			continue
		}
		if s.eof || s.err != nil {
			return nil, false, s.err
		}
		// Hand the whole elements on, and go on with what follows them
		// in a buffer of its own.
		if len(elems) > 0 {
			next := append(newBuf(), buf[pos:]...)
			if !emit(buf, base, elems) {
				return nil, false, nil
			}
			buf, base, pos, elems = next, base+int64(pos), 0, nil
		} else if pos > 0 {
			buf = buf[:copy(buf, buf[pos:])]
			base += int64(pos)
			pos = 0
		}
		if buf = s.fill(buf); s.err != nil {
			return nil, false, s.err
		}
	}
	tail := buf[closed:]
	if len(elems) > 0 {
		tail = bytes.Clone(tail)
		if !emit(buf, base, elems) {
			return nil, false, nil
		}
	}

	// The tail: the rest of the document, small (the outputs).
	rest = append(rest, tail...)
	for !s.eof {
		if rest = s.fill(rest); s.err != nil {
			return nil, false, s.err
		}
	}
	// FindArray checks the whole layout of what is around the array.
	array, none, ok := FindArray(rest, name)
	if !ok || array != (Span{open, open + 2}) || len(none) != 0 {
		return nil, false, nil
	}
	return rest, true, nil
}

// lineElement finds the end of the object that starts a line at buf[i]
// where its line ends, as daftar writes records, one a line: the '}' that
// ends the line, before an optional ',' and whitespace. It reads none of the
// bytes between, so it costs a search for the line's end
// (bytes.IndexByte) rather than a walk through the object's strings
// (skipValue), and the span is the object only if it holds exactly one
// JSON value: anything else (an object over several lines, two on one
// line, one followed by the array's end) gives a span that is not one
// value, which the caller's decoder refuses. A valid object followed on
// its line by nothing but an optional comma is found at its own end:
// the span is then the one skipValue finds. next is just after the comma
// when there is one, else end. ok is false when buf[i] is not '{' or the
// line does not start or end in buf or does not end so: skipValue finds
// the end.
func lineElement(buf []byte, i int) (end, next int, ok bool) {
	if buf[i] != '{' || !startsLine(buf, i) {
		return 0, 0, false
	}
	nl := bytes.IndexByte(buf[i:], '\n')
	if nl < 0 {
		return 0, 0, false
	}
	j := i + nl // the line is buf[i:j]
	for j > i && isSpace(buf[j-1]) {
		j--
	}
	next = -1
	if j > i && buf[j-1] == ',' {
		next = j
		for j--; j > i && isSpace(buf[j-1]); j-- {
		}
	}
	if j-i < 2 || buf[j-1] != '}' {
		return 0, 0, false
	}
	if next < 0 {
		next = j
	}
	return j, next, true
}

// startsLine reports whether buf[i] follows a line's end and nothing but
// indentation, within buf: an element in the middle of a line (a document
// on one line, as jq -c writes it, whose line ends after the array) is
// not taken to end where its line does.
func startsLine(buf []byte, i int) bool {
	for i--; i >= 0 && (buf[i] == ' ' || buf[i] == '\t'); i-- {
	}
	return i >= 0 && buf[i] == '\n'
}

// streamReader reads a document a chunk at a time.
type streamReader struct {
	r     io.Reader
	chunk int
	eof   bool
	err   error
}

// fill appends what one read gives to buf, growing it when it has less
// than a chunk of room, and notes the end of the document or an error.
func (s *streamReader) fill(buf []byte) []byte {
	if cap(buf)-len(buf) < max(s.chunk/2, 1) {
		grown := make([]byte, len(buf), max(2*cap(buf), len(buf)+s.chunk))
		copy(grown, buf)
		buf = grown
	}
	n, err := s.r.Read(buf[len(buf):cap(buf)])
	buf = buf[:len(buf)+n]
	switch {
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.err = err
	}
	return buf
}

type scanStatus int

const (
	scanMore  scanStatus = iota // data ends before the answer
	scanFound                   // found
	scanFail                    // FindArray would report false
)

// scanHead scans data as FindArray does, up to the value of the key name,
// and returns where that value (an array) begins.
func scanHead(data []byte, name string) (int, scanStatus) {
	i := SkipSpace(data, 0)
	if i >= len(data) {
		return 0, scanMore
	}
	if data[i] != '{' {
		return 0, scanFail
	}
	i = SkipSpace(data, i+1)
	for {
		if i >= len(data) {
			return 0, scanMore
		}
		if data[i] != '"' {
			return 0, scanFail
		}
		end := SkipString(data, i)
		if end < 0 {
			return 0, scanMore
		}
		key := data[i+1 : end-1]
		if i = SkipSpace(data, end); i >= len(data) {
			return 0, scanMore
		}
		if data[i] != ':' {
			return 0, scanFail
		}
		if i = SkipSpace(data, i+1); i >= len(data) {
			return 0, scanMore
		}
		switch {
		case string(key) == name:
			if data[i] != '[' {
				return 0, scanFail
			}
			return i, scanFound
		case !plainASCII(key) || bytes.EqualFold(key, []byte(name)):
			return 0, scanFail
		}
		// A value that reaches the end of data may go on after it.
		if end = skipValue(data, i); end < 0 || end >= len(data) {
			return 0, scanMore
		}
		i = SkipSpace(data, end)
		if i >= len(data) {
			return 0, scanMore
		}
		if data[i] != ',' { // '}' too: the key is not there
			return 0, scanFail
		}
		i = SkipSpace(data, i+1)
	}
}
