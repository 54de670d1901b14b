package plans

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/zclconf/go-cty/cty"
)

// This file keeps a create packed from its attribute values (PackValues)
// smaller still: the planned value repeats most of the configuration (a
// new account's planned value is its configuration and the attributes
// the API computes), so the planned value's attributes equal, byte for
// byte, to the configuration's are left out, and a mask says which. At a
// million new accounts that is about 100 bytes a create of the 230 kept
// until apply reaches each. The planned value's encoding is made again
// when it is read (plannedBytes).

// packAttrValues is the packed create of the two tuples in *bp (the
// configuration's before cut, the planned value's after), with the planned
// value kept without what it repeats of the configuration when it shares
// any attribute; *bp is the pool's buffer, used after both meanwhile.
func packAttrValues(ty cty.Type, bp *[]byte, cut int) *packedCreate {
	pk := &packedCreate{ty: ty, cut: int32(cut), attrs: true}
	n := len(*bp)
	if *bp, pk.same = sameAsConfig(*bp, (*bp)[:cut], (*bp)[cut:n]); pk.same {
		pk.buf = append(append(make([]byte, 0, cut+len(*bp)-n), (*bp)[:cut]...), (*bp)[n:]...)
	} else {
		pk.buf = bytes.Clone((*bp)[:n])
	}
	return pk
}

// sameAsConfig returns the planned tuple p (the attribute values, as
// appendAttrValues writes them) as a mask of the attributes whose bytes
// equal those of the configuration's tuple c, then the others' bytes;
// ok is false when either tuple cannot be read, or when nothing is
// shared (p is kept as it is then).
func sameAsConfig(dst, c, p []byte) ([]byte, bool) {
	cs, ok := tupleSpans(c)
	if !ok {
		return dst, false
	}
	ps, ok := tupleSpans(p)
	if !ok || len(ps) != len(cs) {
		return dst, false
	}
	mask := make([]byte, (len(ps)+7)/8)
	shared := false
	for i := range ps {
		if string(c[cs[i][0]:cs[i][1]]) == string(p[ps[i][0]:ps[i][1]]) {
			mask[i/8] |= 1 << (i % 8)
			shared = true
		}
	}
	if !shared {
		return dst, false
	}
	dst = append(dst, mask...)
	for i := range ps {
		if mask[i/8]&(1<<(i%8)) == 0 {
			dst = append(dst, p[ps[i][0]:ps[i][1]]...)
		}
	}
	return dst, true
}

// plannedBytes is the planned tuple sameAsConfig left out of d: the
// configuration's tuple c gives the attributes the mask names, d the
// others, in order.
func plannedBytes(c, d []byte) ([]byte, bool) {
	cs, ok := tupleSpans(c)
	if !ok {
		return nil, false
	}
	n := len(cs)
	if len(d) < (n+7)/8 {
		return nil, false
	}
	mask, rest := d[:(n+7)/8], d[(n+7)/8:]
	out := appendArrayLen(make([]byte, 0, len(c)+len(rest)+4), n)
	for i := range n {
		if mask[i/8]&(1<<(i%8)) != 0 {
			out = append(out, c[cs[i][0]:cs[i][1]]...)
			continue
		}
		end, ok := msgpackSkip(rest, 0)
		if !ok {
			return nil, false
		}
		out, rest = append(out, rest[:end]...), rest[end:]
	}
	if len(rest) != 0 {
		return nil, false
	}
	return out, true
}

// tupleSpans are the byte ranges of the elements of the msgpack array b
// (which must be b whole).
func tupleSpans(b []byte) ([][2]int, bool) { return appendTupleSpans(nil, b) }

// appendTupleSpans is tupleSpans appended to dst.
func appendTupleSpans(dst [][2]int, b []byte) ([][2]int, bool) {
	n, i, ok := arrayLen(b)
	if !ok {
		return nil, false
	}
	spans := slices.Grow(dst, n)
	for range n {
		end, ok := msgpackSkip(b, i)
		if !ok {
			return nil, false
		}
		spans = append(spans, [2]int{i, end})
		i = end
	}
	return spans, i == len(b)
}

// arrayLen reads the header of a msgpack array: its length and where its
// first element starts.
func arrayLen(b []byte) (n, next int, ok bool) {
	switch {
	case len(b) == 0:
		return 0, 0, false
	case b[0]&0xf0 == 0x90:
		return int(b[0] & 0x0f), 1, true
	case b[0] == 0xdc && len(b) >= 3:
		return int(binary.BigEndian.Uint16(b[1:])), 3, true
	case b[0] == 0xdd && len(b) >= 5:
		return int(binary.BigEndian.Uint32(b[1:])), 5, true
	}
	return 0, 0, false
}

// msgpackSkip returns where the msgpack value that starts at b[i] ends;
// ok is false when b does not hold it whole.
func msgpackSkip(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	c := b[i]
	// size reads a big-endian length of w bytes at b[i+1:].
	size := func(w int) (int, bool) {
		if i+1+w > len(b) {
			return 0, false
		}
		switch w {
		case 1:
			return int(b[i+1]), true
		case 2:
			return int(binary.BigEndian.Uint16(b[i+1:])), true
		}
		return int(binary.BigEndian.Uint32(b[i+1:])), true
	}
	fixed := func(n int) (int, bool) { return i + n, i+n <= len(b) }
	// many skips n values that start at b[j].
	many := func(j, n int) (int, bool) {
		for range n {
			var ok bool
			if j, ok = msgpackSkip(b, j); !ok {
				return 0, false
			}
		}
		return j, true
	}
	switch {
	case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3: // fixints, nil, bools
		return i + 1, true
	case c&0xf0 == 0x80: // fixmap
		return many(i+1, 2*int(c&0x0f))
	case c&0xf0 == 0x90: // fixarray
		return many(i+1, int(c&0x0f))
	case c&0xe0 == 0xa0: // fixstr
		return fixed(1 + int(c&0x1f))
	}
	switch c {
	case 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb: // bin, str
		w := width(c)
		n, ok := size(w)
		if !ok {
			return 0, false
		}
		return fixed(1 + w + n)
	case 0xc7, 0xc8, 0xc9: // ext with a length, then its type
		w := width(c)
		n, ok := size(w)
		if !ok {
			return 0, false
		}
		return fixed(1 + w + 1 + n)
	case 0xca, 0xce, 0xd2:
		return fixed(5)
	case 0xcb, 0xcf, 0xd3:
		return fixed(9)
	case 0xcc, 0xd0:
		return fixed(2)
	case 0xcd, 0xd1:
		return fixed(3)
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext: type and 1, 2, 4, 8 or 16 bytes
		return fixed(2 + 1<<(c-0xd4))
	case 0xdc, 0xdd, 0xde, 0xdf: // array16/32, map16/32
		w := width(c)
		n, ok := size(w)
		if !ok {
			return 0, false
		}
		if c >= 0xde {
			n *= 2
		}
		return many(i+1+w, n)
	}
	return 0, false // 0xc1: never used
}

// width is how many bytes hold the length after the msgpack code c of a
// bin, str, ext, array or map with a length.
func width(c byte) int {
	switch c {
	case 0xc4, 0xc7, 0xd9:
		return 1
	case 0xc5, 0xc8, 0xda, 0xdc, 0xde:
		return 2
	}
	return 4
}
