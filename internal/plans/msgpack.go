package plans

import (
	"encoding/binary"
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
		return appendObject(b, v, sens, depth)
	}
	return b, false
}

func appendObject(b []byte, v cty.Value, sens []cty.Path, depth int) ([]byte, bool) {
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
		if b, ok = appendMsgpack(b, v.GetAttr(name), under, depth+1); !ok {
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
// fixext1 of type 0); ok is false for a refined one.
func appendUnknown(b []byte, v cty.Value) ([]byte, bool) {
	ty := v.Type()
	if ty != cty.String && ty != cty.Bool && ty != cty.Number && !ty.IsObjectType() {
		return b, false
	}
	rng := v.Range()
	if rng.DefinitelyNotNull() {
		return b, false
	}
	switch ty {
	case cty.String:
		if rng.StringPrefix() != "" {
			return b, false
		}
	case cty.Number:
		lower, _ := rng.NumberLowerBound()
		upper, _ := rng.NumberUpperBound()
		if lower.IsKnown() && lower != cty.NegativeInfinity || upper.IsKnown() && upper != cty.PositiveInfinity {
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
