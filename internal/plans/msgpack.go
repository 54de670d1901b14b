package plans

import (
	"encoding/binary"
	"math"
	"math/big"
	"slices"

	"github.com/zclconf/go-cty/cty"
)

// appendMsgpack appends the msgpack encoding of v with the value at every
// sensitive path unknown, each of sens's paths a list of attribute names:
// the bytes ctymsgpack.Marshal gives for redact(v, sens) (marks ignored),
// in one walk and without building the redacted value. It is written for
// the values providers plan (objects of strings, whole numbers, bools,
// nulls and plain unknowns); for anything else (a list, a map, a
// fraction, a refined unknown, a dynamic type) ok is false, and the
// caller encodes with cty's encoder.
func appendMsgpack(b []byte, v cty.Value, sens []cty.Path, depth int) (_ []byte, ok bool) {
	return appendMsgpackOf(b, v, sens, depth, false)
}

// appendMsgpackUnmarked is appendMsgpack of a value without marks or
// sensitive paths: ctymsgpack.Marshal's bytes for it. A mark anywhere in
// v gives ok false, as Marshal refuses marked values.
func appendMsgpackUnmarked(b []byte, v cty.Value) ([]byte, bool) {
	return appendMsgpackOf(b, v, nil, 0, true)
}

func appendMsgpackOf(b []byte, v cty.Value, sens []cty.Path, depth int, unmarked bool) (_ []byte, ok bool) {
	if unmarked && v.IsMarked() {
		return b, false
	}
	v, _ = v.Unmark()
	ty := v.Type()
	for _, p := range sens {
		if len(p) == depth {
			return appendUnknown(b, cty.UnknownVal(ty))
		}
	}
	if !v.IsKnown() {
		return appendUnknown(b, v)
	}
	if v.IsNull() {
		return append(b, 0xc0), ty != cty.DynamicPseudoType
	}
	switch {
	case ty == cty.String:
		return appendString(b, v.AsString()), true
	case ty == cty.Bool:
		if v.True() {
			return append(b, 0xc3), true
		}
		return append(b, 0xc2), true
	case ty == cty.Number:
		n, acc := v.AsBigFloat().Int64()
		if acc != big.Exact {
			return b, false
		}
		return appendInt(b, n), true
	case ty.IsObjectType():
		return appendObject(b, v, sens, depth, unmarked)
	}
	return b, false
}

func appendObject(b []byte, v cty.Value, sens []cty.Path, depth int, unmarked bool) ([]byte, bool) {
	atys := v.Type().AttributeTypes()
	var room [32]string
	names := room[:0]
	for name, aty := range atys {
		if aty == cty.DynamicPseudoType || !plainKey(name) {
			return b, false
		}
		names = append(names, name)
	}
	slices.Sort(names)
	b = appendMapLen(b, len(names))
	for _, name := range names {
		var under []cty.Path
		for i, p := range sens {
			if len(p) > depth && p[depth].(cty.GetAttrStep).Name == name {
				if under == nil {
					under = sens[i : i+1 : i+1] // the common case, one path: no copy
				} else {
					under = append(under, p)
				}
			}
		}
		b = appendString(b, name)
		var ok bool
		if b, ok = appendMsgpackOf(b, v.GetAttr(name), under, depth+1, unmarked); !ok {
			return b, false
		}
	}
	return b, true
}

// appendMsgpackAttrs is appendMsgpackUnmarked of the object whose
// attributes are names (sorted) and vals: the same bytes, from the
// attributes at hand rather than read back from the object. ok is false
// where appendMsgpackUnmarked would decline, or names are not sorted.
func appendMsgpackAttrs(b []byte, names []string, vals []cty.Value) ([]byte, bool) {
	if len(names) != len(vals) || !slices.IsSorted(names) {
		return b, false
	}
	b = appendMapLen(b, len(names))
	for i, name := range names {
		if !plainKey(name) || vals[i].Type() == cty.DynamicPseudoType {
			return b, false
		}
		b = appendString(b, name)
		var ok bool
		if b, ok = appendMsgpackOf(b, vals[i], nil, 1, true); !ok {
			return b, false
		}
	}
	return b, true
}

// plainKey reports whether an attribute name is printable ASCII, which
// cty.StringVal leaves as it is.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// appendUnknown appends an unknown value without refinements (cty's
// fixext1 of type 0); ok is false for a refined one (cty's encoder writes
// its refinements: not null, a string's prefix, a number's bounds, a
// collection's length bounds) and for the dynamic type.
func appendUnknown(b []byte, v cty.Value) ([]byte, bool) {
	ty := v.Type()
	if ty == cty.DynamicPseudoType {
		return b, false
	}
	rng := v.Range()
	if rng.DefinitelyNotNull() {
		return b, false
	}
	switch {
	case ty == cty.String:
		if rng.StringPrefix() != "" {
			return b, false
		}
	case ty == cty.Number:
		lower, _ := rng.NumberLowerBound()
		upper, _ := rng.NumberUpperBound()
		if lower.IsKnown() && lower != cty.NegativeInfinity || upper.IsKnown() && upper != cty.PositiveInfinity {
			return b, false
		}
	case ty.IsCollectionType():
		// An unknown map of a verification's evidence, say.
		if rng.LengthLowerBound() != 0 || rng.LengthUpperBound() != math.MaxInt {
			return b, false
		}
	}
	return append(b, 0xd4, 0, 0), true
}

func appendString(b []byte, s string) []byte {
	switch n := len(s); {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 256:
		b = append(b, 0xd9, byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

func appendMapLen(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x80|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0xde), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdf), uint32(n))
}

// appendInt encodes n as the msgpack encoder cty uses does: in the
// fewest bytes.
func appendInt(b []byte, n int64) []byte {
	switch {
	case n >= 0 && n <= 127, n < 0 && n >= -32:
		return append(b, byte(n))
	case n >= 0 && n <= 0xff:
		return append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n >= 0 && n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -128:
		return append(b, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

// redactMsgpack appends data, cty msgpack of a value of type ty (as
// ctymsgpack.Marshal writes it, unmarked), with the value at every
// sensitive path unknown, each of sens's paths a list of attribute names
// whose first depth steps lead to it: the bytes encodeRedacted gives for
// the decoded value, without decoding it. A packed create (Change.Pack)
// is written to a plan file so, not decoded and encoded again. It answers
// the rest of data after the value; ok is false where it cannot tell
// (a path into a dynamic type, an unknown at a path of a type appendUnknown
// does not write, malformed data), and the caller decodes.
func redactMsgpack(b, data []byte, ty cty.Type, sens []cty.Path, depth int) (out, rest []byte, ok bool) {
	if len(sens) == 0 {
		n, ok := msgpackLen(data)
		if !ok {
			return b, nil, false
		}
		return append(b, data[:n]...), data[n:], true
	}
	for _, p := range sens {
		if len(p) == depth {
			n, ok := msgpackLen(data)
			if !ok || (ty != cty.String && ty != cty.Bool && ty != cty.Number && !ty.IsObjectType()) {
				return b, nil, false
			}
			return append(b, 0xd4, 0, 0), data[n:], true
		}
	}
	if !ty.IsObjectType() || len(data) == 0 || !isMap(data[0]) {
		// redact leaves all but a known, non-null object as it is: a
		// null, an unknown, a value of another type.
		if ty == cty.DynamicPseudoType {
			return b, nil, false
		}
		return redactMsgpack(b, data, ty, nil, depth)
	}
	count, head, ok := mapLen(data)
	if !ok {
		return b, nil, false
	}
	b, data = append(b, data[:head]...), data[head:]
	for range count {
		name, n, ok := msgpackString(data)
		if !ok {
			return b, nil, false
		}
		b, data = append(b, data[:n]...), data[n:]
		var under []cty.Path
		for _, p := range sens {
			if len(p) > depth && p[depth].(cty.GetAttrStep).Name == string(name) {
				under = append(under, p)
			}
		}
		aty := cty.DynamicPseudoType // not looked up for a value copied as it is
		if under != nil {
			if !ty.HasAttribute(string(name)) {
				return b, nil, false
			}
			aty = ty.AttributeType(string(name))
		}
		if b, data, ok = redactMsgpack(b, data, aty, under, depth+1); !ok {
			return b, nil, false
		}
	}
	return b, data, true
}

func isMap(c byte) bool { return c&0xf0 == 0x80 || c == 0xde || c == 0xdf }

// mapLen reads a map's header: its number of entries and the header's
// length.
func mapLen(data []byte) (count, head int, ok bool) {
	switch c := data[0]; {
	case c&0xf0 == 0x80:
		return int(c & 0x0f), 1, true
	case c == 0xde && len(data) >= 3:
		return int(binary.BigEndian.Uint16(data[1:])), 3, true
	case c == 0xdf && len(data) >= 5:
		return int(binary.BigEndian.Uint32(data[1:])), 5, true
	}
	return 0, 0, false
}

// msgpackString reads a string: its bytes and its encoding's length.
func msgpackString(data []byte) (s []byte, n int, ok bool) {
	if len(data) == 0 {
		return nil, 0, false
	}
	var size, head int
	switch c := data[0]; {
	case c&0xe0 == 0xa0:
		size, head = int(c&0x1f), 1
	case c == 0xd9 && len(data) >= 2:
		size, head = int(data[1]), 2
	case c == 0xda && len(data) >= 3:
		size, head = int(binary.BigEndian.Uint16(data[1:])), 3
	case c == 0xdb && len(data) >= 5:
		size, head = int(binary.BigEndian.Uint32(data[1:])), 5
	default:
		return nil, 0, false
	}
	if len(data) < head+size {
		return nil, 0, false
	}
	return data[head : head+size], head + size, true
}

// msgpackLen is the length of the encoding of the value data starts with.
func msgpackLen(data []byte) (int, bool) {
	if len(data) == 0 {
		return 0, false
	}
	be := func(i, w int) (int, bool) { // a big-endian length of w bytes at i
		if len(data) < i+w {
			return 0, false
		}
		switch w {
		case 1:
			return int(data[i]), true
		case 2:
			return int(binary.BigEndian.Uint16(data[i:])), true
		}
		return int(binary.BigEndian.Uint32(data[i:])), true
	}
	sized := func(head, size int) (int, bool) {
		if size < 0 || len(data) < head+size {
			return 0, false
		}
		return head + size, true
	}
	items := func(head, count int) (int, bool) {
		n := head
		for range count {
			if n > len(data) {
				return 0, false
			}
			m, ok := msgpackLen(data[n:])
			if !ok {
				return 0, false
			}
			n += m
		}
		return n, n <= len(data)
	}
	switch c := data[0]; {
	case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		return 1, true
	case c&0xf0 == 0x80:
		return items(1, 2*int(c&0x0f))
	case c&0xf0 == 0x90:
		return items(1, int(c&0x0f))
	case c&0xe0 == 0xa0:
		return sized(1, int(c&0x1f))
	// A length that cannot be read reads 0, and the header alone is then
	// longer than data: sized refuses it.
	case c == 0xc4, c == 0xd9: // bin8, str8
		s, _ := be(1, 1)
		return sized(2, s)
	case c == 0xc5, c == 0xda:
		s, _ := be(1, 2)
		return sized(3, s)
	case c == 0xc6, c == 0xdb:
		s, _ := be(1, 4)
		return sized(5, s)
	case c == 0xc7: // ext8
		s, _ := be(1, 1)
		return sized(3, s)
	case c == 0xc8:
		s, _ := be(1, 2)
		return sized(4, s)
	case c == 0xc9:
		s, _ := be(1, 4)
		return sized(6, s)
	case c == 0xca, c == 0xd2, c == 0xce:
		return sized(1, 4)
	case c == 0xcb, c == 0xd3, c == 0xcf:
		return sized(1, 8)
	case c == 0xcc, c == 0xd0:
		return sized(1, 1)
	case c == 0xcd, c == 0xd1:
		return sized(1, 2)
	case c >= 0xd4 && c <= 0xd8: // fixext 1, 2, 4, 8, 16
		return sized(2, 1<<(c-0xd4))
	case c == 0xdc:
		s, ok := be(1, 2)
		if !ok {
			return 0, false
		}
		return items(3, s)
	case c == 0xdd:
		s, ok := be(1, 4)
		if !ok {
			return 0, false
		}
		return items(5, s)
	case c == 0xde:
		s, ok := be(1, 2)
		if !ok {
			return 0, false
		}
		return items(3, 2*s)
	case c == 0xdf:
		s, ok := be(1, 4)
		if !ok {
			return 0, false
		}
		return items(5, 2*s)
	}
	return 0, false // 0xc1, never used
}
