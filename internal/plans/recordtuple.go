package plans

import (
	"slices"
	"strconv"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// RecordTuples reads a stored record's attributes, cty JSON of an object
// type, as the tuple of its attribute values AttrValues writes, without
// building the object: a lazy block of refreshed outcomes reads each
// record twice (TupleBase.Share's own, when it keeps the outcome and when
// it makes it again), a million times in an apply of a million
// verifications, where decoding the object and encoding it again took
// about 35 µs a record.
type RecordTuples struct {
	ty    cty.Type
	names []string
	types []cty.Type
}

// NewRecordTuples reads the records of ty, an object type without
// optional attributes; false for any other type.
func NewRecordTuples(ty cty.Type) (*RecordTuples, bool) {
	if !ty.IsObjectType() || len(ty.OptionalAttributes()) > 0 {
		return nil, false
	}
	names := codec.AttrNames(ty)
	types := make([]cty.Type, len(names))
	for i, n := range names {
		types[i] = ty.AttributeType(n)
	}
	return &RecordTuples{ty: ty, names: names, types: types}, true
}

// Of is AttrValues of the value raw holds, the same bytes for the same raw
// at every call: an attribute raw lacks is null; a string of ASCII
// without escapes, an integer, a boolean and a null are written from
// their JSON, any other value decoded as its attribute's type
// (codec.DecodeJSON) and written as AttrValues writes it. false when raw
// is not an object of the type's attributes, each once (or an attribute's
// value cannot be read): the caller decodes it whole, or does without.
func (rt *RecordTuples) Of(raw []byte) ([]byte, bool) {
	n := len(rt.names)
	var arr [40][2]int
	spans := arr[:0]
	if n > len(arr) {
		spans = make([][2]int, 0, n)
	}
	spans = spans[:n]
	clear(spans)
	i := codec.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i = codec.SkipSpace(raw, i+1)
	for first := true; ; first = false {
		if i < len(raw) && raw[i] == '}' && first {
			i++
			break
		}
		if i >= len(raw) || raw[i] != '"' {
			return nil, false
		}
		end := codec.SkipString(raw, i)
		if end < 0 {
			return nil, false
		}
		key := raw[i+1 : end-1]
		j, found := slices.BinarySearchFunc(rt.names, key, func(name string, k []byte) int {
			return compareBytes(name, k)
		})
		if !found || spans[j][1] != 0 {
			return nil, false // another attribute (or an escaped name), or one twice
		}
		if i = codec.SkipSpace(raw, end); i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = codec.SkipSpace(raw, i+1)
		end = codec.SkipValue(raw, i)
		if end <= i {
			return nil, false
		}
		spans[j] = [2]int{i, end}
		if i = codec.SkipSpace(raw, end); i < len(raw) && raw[i] == ',' {
			i = codec.SkipSpace(raw, i+1)
			continue
		}
		if i >= len(raw) || raw[i] != '}' {
			return nil, false
		}
		i++
		break
	}
	if codec.SkipSpace(raw, i) != len(raw) {
		return nil, false
	}
	b := appendArrayLen(make([]byte, 0, len(raw)), n)
	for j, s := range spans {
		var ok bool
		if b, ok = appendJSONAttr(b, raw[s[0]:s[1]], rt.types[j]); !ok {
			return nil, false
		}
	}
	return b, true
}

// appendJSONAttr appends v, the JSON of a value of type ty (empty: none,
// null), as appendAttrValues writes the value.
func appendJSONAttr(b, v []byte, ty cty.Type) ([]byte, bool) {
	switch {
	case len(v) == 0 || string(v) == "null":
		return append(b, 0xc0), true
	case ty == cty.Bool && string(v) == "true":
		return append(b, 0xc3), true
	case ty == cty.Bool && string(v) == "false":
		return append(b, 0xc2), true
	case ty == cty.String && v[0] == '"' && plainASCII(v[1:len(v)-1]):
		return appendString(b, string(v[1:len(v)-1])), true
	case ty == cty.Number && len(v) <= 18 && plainInt(v):
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return appendInt(b, n), true
		}
	}
	val, err := codec.DecodeJSON(v, ty)
	if err != nil {
		return b, false
	}
	if ty == cty.String || ty == cty.Bool || ty == cty.Number {
		if out, ok := appendMsgpackUnmarked(b, val); ok {
			return out, true
		}
	}
	data, err := ctymsgpack.Marshal(val, ty)
	if err != nil {
		return b, false
	}
	return append(b, data...), true
}

// plainASCII reports whether s is printable ASCII without a backslash or
// a quote: a JSON string's text that is its value as it is.
func plainASCII(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// plainInt reports whether v is an integer's JSON: an optional minus and
// digits, without leading zeros.
func plainInt(v []byte) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 1 && v[0] == '0' {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func compareBytes(s string, b []byte) int {
	switch {
	case s < string(b):
		return -1
	case s > string(b):
		return 1
	}
	return 0
}
