package codec

import (
	"encoding/json"
	"slices"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// MarshalJSON gives exactly what ctyjson.Marshal gives for v with its marks
// removed (v.UnmarkDeep()) as type ty, its error included. It writes the
// common values itself (known values of primitive, object, list, set, map
// and tuple types, marks skipped as it walks), without the deep copy
// UnmarkDeep makes nor the value ctyjson builds for every attribute name,
// and hands ctyjson anything else: an unknown value, a dynamic or capsule
// type, infinity, a value whose type is not ty, an attribute name that is
// not plain ASCII. A create's request digest and its state record are
// encoded this way once per create.
func MarshalJSON(v cty.Value, ty cty.Type) ([]byte, error) {
	if v.Type().Equals(ty) {
		if b, ok := appendJSON(make([]byte, 0, 256), v, ty); ok {
			return b, nil
		}
	}
	v, _ = v.UnmarkDeep()
	return ctyjson.Marshal(v, ty)
}

// appendJSON appends v as ctyjson writes it, or reports false where it
// leaves the value to ctyjson.
func appendJSON(b []byte, v cty.Value, ty cty.Type) ([]byte, bool) {
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	if ty == cty.DynamicPseudoType || !v.IsKnown() {
		return b, false
	}
	if v.IsNull() {
		return append(b, "null"...), true
	}
	switch {
	case ty == cty.String:
		return appendJSONString(b, v.AsString()), true
	case ty == cty.Number:
		f := v.AsBigFloat()
		if f.IsInf() {
			return b, false
		}
		return f.Append(b, 'f', -1), true
	case ty == cty.Bool:
		if v.True() {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	case ty.IsObjectType():
		atys := ty.AttributeTypes()
		var buf [32]string
		names := buf[:0]
		for name := range atys {
			if !jsonPlain(name) {
				return b, false
			}
			names = append(names, name)
		}
		slices.Sort(names)
		b = append(b, '{')
		for i, name := range names {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), name...), '"', ':')
			var ok bool
			if b, ok = appendJSON(b, v.GetAttr(name), atys[name]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case ty.IsListType(), ty.IsSetType():
		ety := ty.ElementType()
		b = append(b, '[')
		first := true
		for it := v.ElementIterator(); it.Next(); {
			if !first {
				b = append(b, ',')
			}
			first = false
			_, ev := it.Element()
			var ok bool
			if b, ok = appendJSON(b, ev, ety); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case ty.IsMapType():
		ety := ty.ElementType()
		b = append(b, '{')
		first := true
		for it := v.ElementIterator(); it.Next(); {
			if !first {
				b = append(b, ',')
			}
			first = false
			ek, ev := it.Element()
			b = append(appendJSONString(b, ek.AsString()), ':')
			var ok bool
			if b, ok = appendJSON(b, ev, ety); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	case ty.IsTupleType():
		etys := ty.TupleElementTypes()
		b = append(b, '[')
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			_, ev := it.Element()
			var ok bool
			if b, ok = appendJSON(b, ev, etys[i]); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	}
	return b, false
}

// appendJSONString appends s as json.Marshal writes it (HTML characters
// escaped, as ctyjson's strings are).
func appendJSONString(b []byte, s string) []byte {
	if jsonPlain(s) {
		return append(append(append(b, '"'), s...), '"')
	}
	enc, _ := json.Marshal(s) // a string always encodes
	return append(b, enc...)
}

// jsonPlain reports whether s is written as is between quotes by
// json.Marshal: printable ASCII, no quote, backslash or HTML character.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
