package codec

import (
	"fmt"
	"slices"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// LazyMsgpackAttrs is the object of type ty (an object type without
// optional attributes) whose attribute values data holds, in the order of
// AttrNames(ty), as cty msgpack of the tuple of their types: an array of
// the values, without the attribute names cty msgpack writes in every
// object (a value of two dozen attributes is a few hundred bytes
// shorter). Decode reads the tuple and builds the object.
func LazyMsgpackAttrs(data []byte, ty cty.Type) Lazy {
	return Lazy{data: data, ty: ty, format: formatMsgpackAttrs}
}

// MsgpackAttrs answers l's bytes when they are an object's attribute
// values (LazyMsgpackAttrs); ok is false otherwise. The bytes are l's
// own: do not modify them.
func (l Lazy) MsgpackAttrs() (data []byte, ok bool) {
	if l.format != formatMsgpackAttrs {
		return nil, false
	}
	return l.data, true
}

// AttrNames are the attribute names of the object type ty, sorted: the
// order of LazyMsgpackAttrs's values.
func AttrNames(ty cty.Type) []string {
	atys := ty.AttributeTypes()
	names := make([]string, 0, len(atys))
	for name := range atys {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// AttrsTuple is the tuple type of the attribute values of the object type
// ty, in the order of AttrNames(ty).
func AttrsTuple(ty cty.Type) cty.Type {
	names := AttrNames(ty)
	types := make([]cty.Type, len(names))
	for i, name := range names {
		types[i] = ty.AttributeType(name)
	}
	return cty.Tuple(types)
}

func decodeMsgpackAttrs(data []byte, ty cty.Type) (cty.Value, error) {
	if !ty.IsObjectType() || len(ty.OptionalAttributes()) > 0 {
		return cty.NilVal, fmt.Errorf("attribute values of a %s", ty.FriendlyName())
	}
	if v, ok := decodePlainAttrs(data, ty); ok {
		return v, nil
	}
	tuple, err := ctymsgpack.Unmarshal(data, AttrsTuple(ty))
	if err != nil {
		return cty.NilVal, err
	}
	if !tuple.IsKnown() || tuple.IsNull() {
		return cty.NilVal, fmt.Errorf("attribute values of a %s: not a known tuple", ty.FriendlyName())
	}
	names := AttrNames(ty)
	attrs := make(map[string]cty.Value, len(names))
	for i, name := range names {
		attrs[name] = tuple.Index(cty.NumberIntVal(int64(i)))
	}
	return cty.ObjectVal(attrs), nil
}

// decodePlainAttrs is decodeMsgpackAttrs of attribute values that are
// each a string, a bool, a small integer, null or wholly unknown (without
// refinements), read straight from the bytes: cty's decoder's values
// (cty.StringVal normalises a string as it does), without its reader,
// tuple and index per attribute. A batch's packed create (an account) is
// such a value, read once as apply reaches it. ok is false for anything
// else (another form, another type, bytes left over, a malformed value):
// cty's decoder then reads it, and says what is wrong.
func decodePlainAttrs(data []byte, ty cty.Type) (cty.Value, bool) {
	n, data, ok := arrayLen(data)
	if !ok {
		return cty.NilVal, false
	}
	atys := ty.AttributeTypes()
	if n != len(atys) {
		return cty.NilVal, false
	}
	names := AttrNames(ty)
	attrs := make(map[string]cty.Value, len(names))
	for _, name := range names {
		aty := atys[name]
		if len(data) == 0 || aty == cty.DynamicPseudoType {
			return cty.NilVal, false
		}
		var v cty.Value
		switch b := data[0]; {
		case b == 0xc0:
			v, data = cty.NullVal(aty), data[1:]
		case b == 0xd4 && len(data) >= 3 && data[1] == 0 && data[2] == 0: // cty's unknown, no refinements
			v, data = cty.UnknownVal(aty), data[3:]
		case aty == cty.Bool && (b == 0xc2 || b == 0xc3):
			v, data = cty.BoolVal(b == 0xc3), data[1:]
		case aty == cty.Number && (b <= 0x7f || b >= 0xe0): // a fixint
			v, data = cty.NumberIntVal(int64(int8(b))), data[1:]
		case aty == cty.String:
			str, rest, ok := msgpackString(data)
			if !ok {
				return cty.NilVal, false
			}
			v, data = cty.StringVal(str), rest
		default:
			return cty.NilVal, false
		}
		attrs[name] = v
	}
	if len(data) != 0 {
		return cty.NilVal, false
	}
	return cty.ObjectVal(attrs), true
}

// arrayLen reads a msgpack array's header.
func arrayLen(b []byte) (n int, rest []byte, ok bool) {
	switch {
	case len(b) >= 1 && b[0]&0xf0 == 0x90:
		return int(b[0] & 0x0f), b[1:], true
	case len(b) >= 3 && b[0] == 0xdc:
		return int(b[1])<<8 | int(b[2]), b[3:], true
	case len(b) >= 5 && b[0] == 0xdd:
		return int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4]), b[5:], true
	}
	return 0, b, false
}

// msgpackString reads a msgpack string (fixstr, str 8, 16 or 32).
func msgpackString(b []byte) (s string, rest []byte, ok bool) {
	var n, head int
	switch {
	case len(b) >= 1 && b[0]&0xe0 == 0xa0:
		n, head = int(b[0]&0x1f), 1
	case len(b) >= 2 && b[0] == 0xd9:
		n, head = int(b[1]), 2
	case len(b) >= 3 && b[0] == 0xda:
		n, head = int(b[1])<<8|int(b[2]), 3
	case len(b) >= 5 && b[0] == 0xdb:
		n, head = int(b[1])<<24|int(b[2])<<16|int(b[3])<<8|int(b[4]), 5
	default:
		return "", b, false
	}
	if n < 0 || len(b)-head < n {
		return "", b, false
	}
	return string(b[head : head+n]), b[head+n:], true
}
