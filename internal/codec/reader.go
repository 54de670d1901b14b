package codec

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// reader reads JSON tokens from data, from i on. Its methods skip the
// whitespace before what they read, and report false on anything they do
// not accept.
type reader struct {
	data []byte
	i    int
	// dry makes the compact methods check a value without writing it:
	// they count in n the bytes they would have appended (put).
	dry bool
	n   int
}

// boolean reads true or false into b.
func (p *reader) boolean(b *bool) bool {
	p.skipSpace()
	for _, lit := range []string{"true", "false"} {
		if bytes.HasPrefix(p.data[p.i:], []byte(lit)) {
			p.i += len(lit)
			*b = lit == "true"
			return true
		}
	}
	return false
}

func (p *reader) skipSpace() int {
	p.i = SkipSpace(p.data, p.i)
	return p.i
}

// peek returns the next byte that is not whitespace, or 0 at the end.
func (p *reader) peek() byte {
	if p.skipSpace() < len(p.data) {
		return p.data[p.i]
	}
	return 0
}

// consume reads the byte c if it comes next.
func (p *reader) consume(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// atEnd reports whether only whitespace is left.
func (p *reader) atEnd() bool {
	return p.skipSpace() == len(p.data)
}

// key reads an object key that has no escape: daftar's keys have none.
func (p *reader) key() ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	start := p.i + 1
	for i := start; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '"':
			p.i = i + 1
			return p.data[start:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// str reads a string and returns its content, unescaped into *buf when it
// has escapes. It declines \u escapes and text that is not UTF-8, whose
// decoding encoding/json does its own way.
func (p *reader) str(buf *[]byte) ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	start := p.i + 1
	if n := start + plainRun(p.data[start:]); n < len(p.data) && p.data[n] == '"' {
		// No escape: the string is its bytes (most are).
		if s := p.data[start:n]; utf8.Valid(s) {
			p.i = n + 1
			return s, true
		}
		return nil, false
	}
	ascii, out := true, (*buf)[:0]
	escaped := false
	i := start
	for ; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return nil, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		if c != '\\' {
			if escaped {
				out = append(out, c)
			}
			continue
		}
		if !escaped {
			escaped = true
			out = append(out, p.data[start:i]...)
		}
		if i++; i >= len(p.data) {
			return nil, false
		}
		u, ok := unescape(p.data[i])
		if !ok {
			return nil, false
		}
		out = append(out, u)
	}
	if i >= len(p.data) {
		return nil, false
	}
	p.i = i + 1
	s := p.data[start:i]
	if escaped {
		*buf, s = out, out
	}
	if !ascii && !utf8.Valid(s) {
		return nil, false
	}
	return s, true
}

// unescape returns the byte the escape \c stands for; \u is not handled.
func unescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// maxCompactDepth bounds the nesting compactValue follows; deeper values
// are declined (encoding/json allows 10,000 levels).
const maxCompactDepth = 1000

// compactValue checks the JSON value that comes next and appends it to dst
// without the whitespace between its tokens (what json.Compact gives); with
// p.dry, it checks the value and counts its compacted bytes (put).
func (p *reader) compactValue(dst []byte, depth int) ([]byte, bool) {
	if depth > maxCompactDepth {
		return dst, false
	}
	switch c := p.peek(); {
	case c == '{':
		return p.compactObject(dst, depth)
	case c == '[':
		return p.compactArray(dst, depth)
	case c == '"':
		return p.compactString(dst)
	case c == '-' || '0' <= c && c <= '9':
		return p.compactNumber(dst)
	case c == 't':
		return p.literal(dst, "true")
	case c == 'f':
		return p.literal(dst, "false")
	case c == 'n':
		return p.literal(dst, "null")
	}
	return dst, false
}

func (p *reader) compactObject(dst []byte, depth int) ([]byte, bool) {
	p.i++ // {
	dst = p.put(dst, '{')
	if p.consume('}') {
		return p.put(dst, '}'), true
	}
	for {
		var ok bool
		if p.peek() != '"' {
			return dst, false
		}
		if dst, ok = p.compactString(dst); !ok || !p.consume(':') {
			return dst, false
		}
		dst = p.put(dst, ':')
		if dst, ok = p.compactValue(dst, depth+1); !ok {
			return dst, false
		}
		switch {
		case p.consume(','):
			dst = p.put(dst, ',')
		case p.consume('}'):
			return p.put(dst, '}'), true
		default:
			return dst, false
		}
	}
}

func (p *reader) compactArray(dst []byte, depth int) ([]byte, bool) {
	p.i++ // [
	dst = p.put(dst, '[')
	if p.consume(']') {
		return p.put(dst, ']'), true
	}
	for {
		var ok bool
		if dst, ok = p.compactValue(dst, depth+1); !ok {
			return dst, false
		}
		switch {
		case p.consume(','):
			dst = p.put(dst, ',')
		case p.consume(']'):
			return p.put(dst, ']'), true
		default:
			return dst, false
		}
	}
}

// compactString checks the string at p.i (skipCompactString) and
// appends it as it is.
func (p *reader) compactString(dst []byte) ([]byte, bool) {
	end, ok := skipCompactString(p.data, p.i)
	if !ok {
		return dst, false
	}
	start := p.i
	p.i = end
	return p.put(dst, p.data[start:end]...), true
}

// plainRun returns how many bytes b begins with that a string holds as
// they are: neither a quote, a backslash nor a control character (most of
// a record's attributes are such runs: digests, e-mails, names).
func plainRun(b []byte) int { return stringRun(b, 0) }

// plainASCIIRun is plainRun that also stops at a byte from 0x80 up: a run
// it passes is valid UTF-8 without a check of its own.
func plainASCIIRun(b []byte) int { return stringRun(b, byteHighs) }

// byteOnes and byteHighs are 0x01 and 0x80 in each byte of a word.
const byteOnes, byteHighs = 0x0101010101010101, 0x8080808080808080

// stringRun is plainRun, also stopping at a byte from 0x80 up when
// nonASCII is byteHighs (0: not). It tests eight bytes at a time, then finds
// the one that ends the run.
func stringRun(b []byte, nonASCII uint64) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, s := x^(byteOnes*'"'), x^(byteOnes*'\\')
		// A byte of q or s is zero, or one of x is below 0x20: its
		// high bit is set in the difference and not in the byte; or,
		// with nonASCII, a byte of x has its high bit set.
		if ((q-byteOnes)&^q|(s-byteOnes)&^s|(x-byteOnes*0x20)&^x|x&nonASCII)&byteHighs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 && nonASCII != 0 {
			break
		}
	}
	return i
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// compactNumber checks the number at p.i against JSON's grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and appends it.
func (p *reader) compactNumber(dst []byte) ([]byte, bool) {
	start := p.i
	end, ok := skipNumber(p.data, start)
	if !ok {
		return dst, false
	}
	p.i = end
	return p.put(dst, p.data[start:end]...), true
}

// literal checks that lit (true, false, null) comes next (skipLiteral),
// and appends it.
func (p *reader) literal(dst []byte, lit string) ([]byte, bool) {
	end, ok := skipLiteral(p.data, p.i, lit)
	if !ok {
		return dst, false
	}
	start := p.i
	p.i = end
	return p.put(dst, p.data[start:end]...), true
}

// put appends b to dst, or, when p.dry, counts its bytes instead.
func (p *reader) put(dst []byte, b ...byte) []byte {
	if p.dry {
		p.n += len(b)
		return dst
	}
	return append(dst, b...)
}

// compactIn checks the JSON value that comes next, as compactValue does,
// and returns it compacted: the document's own bytes when it is written
// compact already (most are: daftar writes them so), without a copy, and
// otherwise compacted into scratch. buf is scratch, grown when it was used.
func (p *reader) compactIn(scratch []byte) (c, buf []byte, ok bool) {
	start := p.skipSpace()
	if end, ok := skipCompact(p.data, start, 0); ok {
		p.i = end
		return p.data[start:end:end], scratch, true
	}
	q := reader{data: p.data, i: start, dry: true}
	if _, ok := q.compactValue(nil, 0); !ok {
		p.i = q.i
		return nil, scratch, false
	}
	if q.n == q.i-start {
		p.i = q.i
		return p.data[start:q.i:q.i], scratch, true
	}
	c, ok = p.compactValue(scratch[:0], 0)
	return c, c, ok
}
