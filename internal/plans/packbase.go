package plans

import (
	"bytes"
	"encoding/hex"
	"reflect"

	"github.com/zclconf/go-cty/cty"
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
// the configuration's tuple shared with the base's, then the planned
// value's with the base's and pk's own configuration's (appendShared).
// Unshare makes pk again from it, byte for byte (checked here); ok is
// false when it would not (pk is not packed so, or cannot be read).
func (b *PackBase) Share(pk *Packed) ([]byte, bool) {
	if pk == nil || !sameType(pk.ty, b.pk.ty) {
		return nil, false
	}
	c, p, ok := pk.tuples()
	if !ok {
		return nil, false
	}
	var spans [2 * 32][2]int // a resource's attributes, most often, without an allocation
	cs, ok1 := appendTupleSpans(spans[:0:32], c)
	ps, ok2 := appendTupleSpans(spans[32:32], p)
	n := len(b.bcs)
	if !ok1 || !ok2 || len(cs) != n || len(ps) != n {
		return nil, false
	}
	bp := packBuffers.Get().(*[]byte)
	defer packBuffers.Put(bp)
	m := maskLen(n)
	out := append((*bp)[:0], make([]byte, 2*m)...)
	out = appendShared(out, 0, span{c, cs}, span{b.bc, b.bcs}, span{})
	out = appendShared(out, m, span{p, ps}, span{b.bp, b.bps}, span{c, cs})
	// Made again, the two tuples are pk's: so is the Packed Unshare makes
	// of them (packAttrValues, as PackValues made pk, of the same type).
	again, cut, ok := b.unshare(out[len(out):], out)
	*bp = out[:0]
	if !ok || !bytes.Equal(again[:cut], c) || !bytes.Equal(again[cut:], p) {
		return nil, false
	}
	return bytes.Clone(out), true
}

// Unshare is the create whose Share is d.
func (b *PackBase) Unshare(d []byte) (*Packed, bool) {
	buf, cut, ok := b.unshare(make([]byte, 0, len(b.bc)+len(b.bp)+len(d)+8), d)
	if !ok {
		return nil, false
	}
	// Kept as PackValues keeps it: the planned value without what it
	// repeats of the configuration when it repeats anything.
	return packAttrValues(b.pk.ty, &buf, cut), true
}

// unshare appends to buf the configuration's tuple whose Share is d,
// then the planned value's, which starts at cut.
func (b *PackBase) unshare(buf, d []byte) (_ []byte, cut int, ok bool) {
	n := len(b.bcs)
	m := maskLen(n)
	if len(d) < 2*m {
		return buf, 0, false
	}
	rest, at := d[2*m:], len(buf)
	if buf, ok = appendUnshared(buf, d[:m], &rest, span{b.bc, b.bcs}, span{}); !ok {
		return buf, 0, false
	}
	var spans [32][2]int
	cs, ok := appendTupleSpans(spans[:0], buf[at:])
	if !ok {
		return buf, 0, false
	}
	cut = len(buf)
	if buf, ok = appendUnshared(buf, d[m:2*m], &rest, span{b.bp, b.bps}, span{buf[at:cut], cs}); !ok || len(rest) != 0 {
		return buf, 0, false
	}
	return buf[at:], cut - at, true
}

// TupleBase is the tuple of attribute values (codec.LazyMsgpackAttrs)
// a block's others are kept against (Share): a block's refreshed no-ops'.
type TupleBase struct{ base span }

// NewTupleBase is the base t; false when it cannot be read.
func NewTupleBase(t []byte) (*TupleBase, bool) {
	ts, ok := tupleSpans(t)
	if !ok {
		return nil, false
	}
	return &TupleBase{span{t, ts}}, true
}

// Share is t, a tuple of as many attribute values as the base's, without
// what it repeats of the base or of own (appendShared): own is another
// tuple of the same attributes, the value t was refreshed from (nil for
// none), which Unshare must be given again, the same bytes. Unshare makes
// t again from it, byte for byte (checked here). ok is false when it
// would not.
func (b *TupleBase) Share(t, own []byte) ([]byte, bool) {
	ts, ok := tupleSpans(t)
	n := len(b.base.spans)
	if !ok || len(ts) != n {
		return nil, false
	}
	o, ok := b.own(own)
	if !ok {
		return nil, false
	}
	m := maskLen(n)
	out := appendShared(make([]byte, m, m+len(t)), 0, span{t, ts}, b.base, o)
	if again, ok := b.unshare(out, o); !ok || !bytes.Equal(again, t) {
		return nil, false
	}
	return bytes.Clone(out), true
}

// Unshare is the tuple whose Share is d, shared with own.
func (b *TupleBase) Unshare(d, own []byte) ([]byte, bool) {
	o, ok := b.own(own)
	if !ok {
		return nil, false
	}
	return b.unshare(d, o)
}

func (b *TupleBase) unshare(d []byte, own span) ([]byte, bool) {
	m := maskLen(len(b.base.spans))
	if len(d) < m {
		return nil, false
	}
	rest := d[m:]
	out, ok := appendUnshared(make([]byte, 0, len(b.base.b)+len(d)), d[:m], &rest, b.base, own)
	return out, ok && len(rest) == 0
}

// own is the span of own, a tuple of as many values as the base's (the
// zero span for nil).
func (b *TupleBase) own(own []byte) (span, bool) {
	if own == nil {
		return span{}, true
	}
	os, ok := tupleSpans(own)
	if !ok || len(os) != len(b.base.spans) {
		return span{}, false
	}
	return span{own, os}, true
}

// span is a tuple and its elements' spans.
type span struct {
	b     []byte
	spans [][2]int
}

func (s span) at(i int) []byte { return s.b[s.spans[i][0]:s.spans[i][1]] }

// maskLen is the bytes of a mask of two bits for each of n elements.
func maskLen(n int) int { return (2*n + 7) / 8 }

// appendShared appends to out the elements of the tuple t that it keeps,
// and sets in the mask at out[at:] two bits for each element: 1 when it is the base's, 2 when it is own's (none when own is
// zero), 3 when it is a digest kept as its bytes (appendHexPacked), 0
// when it is appended as it is.
func appendShared(out []byte, at int, t, base, own span) []byte {
	for i := range t.spans {
		var code byte
		switch v := t.at(i); {
		case bytes.Equal(v, base.at(i)):
			code = 1
		case own.b != nil && bytes.Equal(v, own.at(i)):
			code = 2
		default:
			var ok bool
			if out, ok = appendHexPacked(out, v); ok {
				code = 3
			} else {
				out = append(out, v...)
			}
		}
		out[at+2*i/8] |= code << (2 * i % 8)
	}
	return out
}

// appendUnshared appends the tuple appendShared kept as mask and the
// elements it takes from *rest.
func appendUnshared(buf, mask []byte, rest *[]byte, base, own span) ([]byte, bool) {
	n := len(base.spans)
	buf = appendArrayLen(buf, n)
	for i := range n {
		switch code := mask[2*i/8] >> (2 * i % 8) & 3; {
		case code == 1:
			buf = append(buf, base.at(i)...)
		case code == 2 && own.b != nil:
			buf = append(buf, own.at(i)...)
		case code == 0 || code == 3:
			end, ok := msgpackSkip(*rest, 0)
			if !ok {
				return nil, false
			}
			v := (*rest)[:end]
			*rest = (*rest)[end:]
			if code == 0 {
				buf = append(buf, v...)
			} else if buf, ok = appendHexUnpacked(buf, v); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return buf, true
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

// sameType is a.Equals(b), at once for the type every create of a
// resource is packed with: an object type whose attributes are held by
// the same map (Equals compares them one by one, 0.3 s of CPU at 100,000
// creates).
func sameType(a, b cty.Type) bool {
	if a.IsObjectType() && b.IsObjectType() && len(a.OptionalAttributes())+len(b.OptionalAttributes()) == 0 &&
		reflect.ValueOf(a.AttributeTypes()).UnsafePointer() == reflect.ValueOf(b.AttributeTypes()).UnsafePointer() {
		return true
	}
	return a.Equals(b)
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
	n0 := len(dst)
	s, n, ok := msgpackString(v)
	if !ok || n != len(v) {
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
	if n = 1 + len(prefix) + h/2; n <= 0xff {
		dst = append(dst, 0xc4, byte(n))
	} else if n <= 0xffff {
		dst = append(dst, 0xc5, byte(n>>8), byte(n))
	} else {
		return dst, false
	}
	dst = append(append(dst, byte(len(prefix))), prefix...)
	out, err := hex.AppendDecode(dst, s[len(prefix):])
	if err != nil {
		return out[:n0], false
	}
	return out, true
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

func isLowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }
