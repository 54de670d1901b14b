package plans

import (
	"bytes"
	"encoding/hex"
)

// This file keeps a batch's lazy creates (lazy.go) smaller still: most
// of a row's configuration and planned value is the same in every row of
// a batch (a verification's consent, the two file names, their digests,
// its type; an account's password and registration; the nulls and the
// unknowns of the attributes the API computes). A block keeps one create
// whole, its base, and every create as the bytes of the attributes that
// differ from the base's (and, of its planned value, from its own
// configuration's), with masks saying which. At a million verifications
// that is about 200 bytes a create of the 440 a Packed and its pointer
// took until apply reaches it.

// PackBase is the create a block's others are kept against (Share).
type PackBase struct {
	pk       *Packed
	bc, bp   []byte   // its configuration's and planned value's tuples
	bcs, bps [][2]int // their elements' spans
}

// NewPackBase is the base pk, a create packed by PackValues; false when
// it is not packed so or cannot be read.
func NewPackBase(pk *Packed) (*PackBase, bool) {
	if pk == nil {
		return nil, false
	}
	b := &PackBase{pk: pk}
	var ok bool
	if b.bc, b.bp, ok = pk.tuples(); !ok {
		return nil, false
	}
	bcs, ok1 := tupleSpans(b.bc)
	bps, ok2 := tupleSpans(b.bp)
	if !ok1 || !ok2 || len(bcs) != len(bps) {
		return nil, false
	}
	b.bcs, b.bps = bcs, bps
	return b, true
}

// Share is pk's configuration and planned value without what they
// repeat of the base, a create of the same type packed by PackValues:
// a mask of the configuration's attributes equal to the base's, a mask of
// two bits an attribute of the planned value's (equal to the base's
// planned one, to pk's own configuration's, neither, or neither and a
// digest's hexadecimal digits kept as their bytes), then the
// configuration's attributes the first leaves out, then the planned
// value's the second leaves out. Unshare makes pk again from it, byte for
// byte (checked here); ok is false when it would not (pk is not packed
// so, or cannot be read).
func (b *PackBase) Share(pk *Packed) ([]byte, bool) {
	if pk == nil || !pk.ty.Equals(b.pk.ty) {
		return nil, false
	}
	c, p, ok := pk.tuples()
	if !ok {
		return nil, false
	}
	cs, ok1 := tupleSpans(c)
	ps, ok2 := tupleSpans(p)
	n := len(b.bcs)
	if !ok1 || !ok2 || len(cs) != n || len(ps) != n {
		return nil, false
	}
	cm, pm := (n+7)/8, (2*n+7)/8
	out := make([]byte, cm+pm, cm+pm+len(c)+len(p))
	for i := range n {
		if v := attr(c, cs[i]); bytes.Equal(v, attr(b.bc, b.bcs[i])) {
			out[i/8] |= 1 << (i % 8)
		} else {
			out = append(out, v...)
		}
	}
	for i := range n {
		switch v := attr(p, ps[i]); {
		case bytes.Equal(v, attr(b.bp, b.bps[i])):
			out[cm+2*i/8] |= 1 << (2 * i % 8)
		case bytes.Equal(v, attr(c, cs[i])):
			out[cm+2*i/8] |= 2 << (2 * i % 8)
		default:
			if h, ok := appendHexPacked(out, v); ok {
				out[cm+2*i/8] |= 3 << (2 * i % 8)
				out = h
			} else {
				out = append(out, v...)
			}
		}
	}
	if again, ok := b.Unshare(out); !ok || !again.equal(pk) {
		return nil, false
	}
	return bytes.Clone(out), true
}

// Unshare is the create whose Share is d.
func (b *PackBase) Unshare(d []byte) (*Packed, bool) {
	n := len(b.bcs)
	cm, pm := (n+7)/8, (2*n+7)/8
	if len(d) < cm+pm {
		return nil, false
	}
	masks, rest := d[:cm+pm], d[cm+pm:]
	// next is the next value rest holds.
	next := func() ([]byte, bool) {
		end, ok := msgpackSkip(rest, 0)
		if !ok {
			return nil, false
		}
		v := rest[:end]
		rest = rest[end:]
		return v, true
	}
	buf := appendArrayLen(make([]byte, 0, len(b.bc)+len(b.bp)+len(d)+8), n)
	cs := make([][2]int, n)
	for i := range n {
		v := attr(b.bc, b.bcs[i])
		if masks[i/8]&(1<<(i%8)) == 0 {
			var ok bool
			if v, ok = next(); !ok {
				return nil, false
			}
		}
		cs[i] = [2]int{len(buf), len(buf) + len(v)}
		buf = append(buf, v...)
	}
	cut := len(buf)
	buf = appendArrayLen(buf, n)
	for i := range n {
		switch masks[cm+2*i/8] >> (2 * i % 8) & 3 {
		case 1:
			buf = append(buf, attr(b.bp, b.bps[i])...)
		case 2:
			buf = append(buf, buf[cs[i][0]:cs[i][1]]...)
		case 0, 3:
			v, ok := next()
			if !ok {
				return nil, false
			}
			if masks[cm+2*i/8]>>(2*i%8)&3 == 0 {
				buf = append(buf, v...)
			} else if buf, ok = appendHexUnpacked(buf, v); !ok {
				return nil, false
			}
		}
	}
	if len(rest) != 0 {
		return nil, false
	}
	// Kept as PackValues keeps it: the planned value without what it
	// repeats of the configuration when it repeats anything.
	return packAttrValues(b.pk.ty, &buf, cut), true
}

// tuples are pk's configuration and planned tuples, the planned one made
// whole again when pk keeps it without what it repeats (packsame.go).
func (pk *Packed) tuples() (config, planned []byte, ok bool) {
	if !pk.attrs {
		return nil, nil, false
	}
	config, planned = pk.buf[:pk.cut], pk.buf[pk.cut:]
	if pk.same {
		if planned, ok = plannedBytes(config, planned); !ok {
			return nil, nil, false
		}
	}
	return config, planned, true
}

// equal reports whether pk and o are the same packed create, byte for byte.
func (pk *Packed) equal(o *Packed) bool {
	return pk.cut == o.cut && pk.attrs == o.attrs && pk.same == o.same && bytes.Equal(pk.buf, o.buf) && pk.ty.Equals(o.ty)
}

// attr is the bytes of the tuple element at span s.
func attr(b []byte, s [2]int) []byte { return b[s[0]:s[1]] }

// minHexPacked is the fewest hexadecimal digits at the end of a string
// that appendHexPacked keeps as their bytes (a digest's: an id_number's
// keyed digest is "hmac-sha256:" and 64 of them, half its bytes).
const minHexPacked = 32

// appendHexPacked appends v, the msgpack of a string that ends with at
// least minHexPacked lowercase hexadecimal digits, as a msgpack bin of its
// prefix's length (a byte), its prefix and the digits' bytes; false (dst
// as it was) for any other value.
func appendHexPacked(dst, v []byte) ([]byte, bool) {
	s, ok := msgpackStr(v)
	if !ok {
		return dst, false
	}
	h := 0
	for h < len(s) && isLowerHex(s[len(s)-1-h]) {
		h++
	}
	h &^= 1
	prefix := s[:len(s)-h]
	if h < minHexPacked || len(prefix) > 0xff {
		return dst, false
	}
	n := 1 + len(prefix) + h/2
	if n <= 0xff {
		dst = append(dst, 0xc4, byte(n))
	} else if n <= 0xffff {
		dst = append(dst, 0xc5, byte(n>>8), byte(n))
	} else {
		return dst, false
	}
	dst = append(append(dst, byte(len(prefix))), prefix...)
	out, err := hex.AppendDecode(dst, s[len(prefix):])
	return out, err == nil
}

// appendHexUnpacked appends the msgpack of the string appendHexPacked
// kept as b.
func appendHexUnpacked(dst, b []byte) ([]byte, bool) {
	var data []byte
	switch {
	case len(b) >= 2 && b[0] == 0xc4 && len(b) == 2+int(b[1]):
		data = b[2:]
	case len(b) >= 3 && b[0] == 0xc5 && len(b) == 3+(int(b[1])<<8|int(b[2])):
		data = b[3:]
	default:
		return dst, false
	}
	if len(data) == 0 || len(data) < 1+int(data[0]) {
		return dst, false
	}
	prefix, raw := data[1:1+int(data[0])], data[1+int(data[0]):]
	s := make([]byte, 0, len(prefix)+2*len(raw))
	s = hex.AppendEncode(append(s, prefix...), raw)
	return appendString(dst, string(s)), true
}

// msgpackStr is the content of v, the msgpack of a string (v whole).
func msgpackStr(v []byte) ([]byte, bool) {
	if len(v) == 0 {
		return nil, false
	}
	var n, at int
	switch c := v[0]; {
	case c&0xe0 == 0xa0:
		n, at = int(c&0x1f), 1
	case c == 0xd9 && len(v) >= 2:
		n, at = int(v[1]), 2
	case c == 0xda && len(v) >= 3:
		n, at = int(v[1])<<8|int(v[2]), 3
	default:
		return nil, false
	}
	if len(v) != at+n {
		return nil, false
	}
	return v[at:], true
}

func isLowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }
