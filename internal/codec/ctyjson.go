package codec

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// DecodeJSON reads a state record's attributes into a value of the
// schema's type, giving what ctyjson.Unmarshal gives for the same bytes.
// It exists for speed: a no-change plan of a large batch decodes every
// stored instance, and ctyjson's token reader, which allocates a decoder
// and a buffer per nested value, was half of that plan's time. This one
// walks the bytes once; dynamic, tuple and capsule types, which no
// provider schema uses, are handed to ctyjson.
func DecodeJSON(buf []byte, ty cty.Type) (cty.Value, error) {
	r := &jsonReader{buf: buf}
	v, err := r.value(ty, nil)
	if err != nil {
		return cty.NilVal, err
	}
	if r.skipSpace(); r.pos < len(r.buf) {
		return cty.NilVal, r.errorf(nil, "extra data after the value")
	}
	return v, nil
}

// jsonReader is a cursor over one JSON document.
type jsonReader struct {
	buf []byte
	pos int
}

func (r *jsonReader) value(ty cty.Type, path cty.Path) (cty.Value, error) {
	r.skipSpace()
	if r.pos >= len(r.buf) {
		return cty.NilVal, r.errorf(path, "unexpected end of the value")
	}
	if r.buf[r.pos] == 'n' {
		if err := r.literal("null", path); err != nil {
			return cty.NilVal, err
		}
		return cty.NullVal(ty), nil
	}
	switch {
	case ty.IsPrimitiveType():
		return r.primitive(ty, path)
	case ty.IsObjectType():
		return r.object(ty, path)
	case ty.IsListType(), ty.IsSetType():
		return r.sequence(ty, path)
	case ty.IsMapType():
		return r.mapValue(ty, path)
	}
	return r.fallback(ty, path)
}

// fallback decodes a value of a type this reader does not handle with
// ctyjson.
func (r *jsonReader) fallback(ty cty.Type, path cty.Path) (cty.Value, error) {
	start := r.pos
	if err := r.skipValue(path); err != nil {
		return cty.NilVal, err
	}
	v, err := ctyjson.Unmarshal(r.buf[start:r.pos], ty)
	if err != nil {
		return cty.NilVal, path.NewError(err)
	}
	return v, nil
}

func (r *jsonReader) primitive(ty cty.Type, path cty.Path) (cty.Value, error) {
	var text string
	var kind byte // 's' string, 'n' number, 'b' bool
	switch c := r.buf[r.pos]; {
	case c == '"':
		s, err := r.str(path)
		if err != nil {
			return cty.NilVal, err
		}
		text, kind = s, 's'
	case c == 't' || c == 'f':
		word := map[byte]string{'t': "true", 'f': "false"}[c]
		if err := r.literal(word, path); err != nil {
			return cty.NilVal, err
		}
		text, kind = word, 'b'
	case c == '-' || (c >= '0' && c <= '9'):
		var ok bool
		if text, ok = r.number(); !ok {
			return cty.NilVal, r.errorf(path, "invalid number")
		}
		kind = 'n'
	default:
		return cty.NilVal, r.errorf(path, "unexpected character %q", c)
	}
	switch {
	case ty == cty.String:
		return cty.StringVal(text), nil
	case ty == cty.Number && kind != 'b':
		v, err := cty.ParseNumberVal(text)
		if err != nil {
			return cty.NilVal, path.NewError(err)
		}
		return v, nil
	case ty == cty.Bool && kind != 'n':
		switch text {
		case "true", "1":
			return cty.True, nil
		case "false", "0":
			return cty.False, nil
		}
		return cty.NilVal, path.NewErrorf("a bool is required")
	}
	return cty.NilVal, path.NewErrorf("%s is required", ty.FriendlyName())
}

func (r *jsonReader) object(ty cty.Type, path cty.Path) (cty.Value, error) {
	types := ty.AttributeTypes()
	attrs := make(map[string]cty.Value, len(types))
	err := r.members(path, func(name string) error {
		aty, ok := types[name]
		if !ok {
			return path.NewErrorf("unsupported attribute %q", name)
		}
		v, err := r.value(aty, append(path, cty.GetAttrStep{Name: name}))
		attrs[name] = v
		return err
	})
	if err != nil {
		return cty.NilVal, err
	}
	for name, aty := range types {
		if _, ok := attrs[name]; !ok {
			attrs[name] = cty.NullVal(aty)
		}
	}
	return cty.ObjectVal(attrs), nil
}

func (r *jsonReader) mapValue(ty cty.Type, path cty.Path) (cty.Value, error) {
	ety := ty.ElementType()
	elems := map[string]cty.Value{}
	err := r.members(path, func(key string) error {
		v, err := r.value(ety, append(path, cty.IndexStep{Key: cty.StringVal(key)}))
		elems[key] = v
		return err
	})
	switch {
	case err != nil:
		return cty.NilVal, err
	case len(elems) == 0:
		return cty.MapValEmpty(ety), nil
	}
	return cty.MapVal(elems), nil
}

// members reads a JSON object, calling each for every member with the
// reader at its value.
func (r *jsonReader) members(path cty.Path, each func(name string) error) error {
	if err := r.expect('{', path); err != nil {
		return err
	}
	if r.skipSpace(); r.peek() == '}' {
		r.pos++
		return nil
	}
	for {
		r.skipSpace()
		name, err := r.str(path)
		if err != nil {
			return err
		}
		if err := r.expect(':', path); err != nil {
			return err
		}
		if err := each(name); err != nil {
			return err
		}
		if done, err := r.next('}', path); done || err != nil {
			return err
		}
	}
}

func (r *jsonReader) sequence(ty cty.Type, path cty.Path) (cty.Value, error) {
	ety := ty.ElementType()
	if err := r.expect('[', path); err != nil {
		return cty.NilVal, err
	}
	var elems []cty.Value
	if r.skipSpace(); r.peek() == ']' {
		r.pos++
	} else {
		for {
			v, err := r.value(ety, append(path, cty.IndexStep{Key: cty.NumberIntVal(int64(len(elems)))}))
			if err != nil {
				return cty.NilVal, err
			}
			elems = append(elems, v)
			if done, err := r.next(']', path); err != nil {
				return cty.NilVal, err
			} else if done {
				break
			}
		}
	}
	switch {
	case ty.IsSetType() && len(elems) == 0:
		return cty.SetValEmpty(ety), nil
	case ty.IsSetType():
		return cty.SetVal(elems), nil
	case len(elems) == 0:
		return cty.ListValEmpty(ety), nil
	}
	return cty.ListVal(elems), nil
}

// next reads the comma between two elements, or the closing delimiter
// (then done).
func (r *jsonReader) next(closing byte, path cty.Path) (done bool, err error) {
	r.skipSpace()
	switch r.peek() {
	case ',':
		r.pos++
		return false, nil
	case closing:
		r.pos++
		return true, nil
	}
	return false, r.errorf(path, "expected ',' or %q", closing)
}

// str reads a JSON string. Most strings have no escape and are valid
// UTF-8: they cost one allocation.
func (r *jsonReader) str(path cty.Path) (string, error) {
	if r.peek() != '"' {
		return "", r.errorf(path, "expected a string")
	}
	start, plain, ascii := r.pos, true, true
	for r.pos++; r.pos < len(r.buf); r.pos++ {
		// Eight bytes at a time to the next quote, backslash, control
		// character or byte past ASCII: most of a string.
		if r.pos += plainASCIIRun(r.buf[r.pos:]); r.pos >= len(r.buf) {
			break
		}
		switch c := r.buf[r.pos]; {
		case c == '"':
			r.pos++
			body := r.buf[start+1 : r.pos-1]
			if plain && (ascii || utf8.Valid(body)) {
				return string(body), nil
			}
			var s string
			if err := json.Unmarshal(r.buf[start:r.pos], &s); err != nil {
				return "", path.NewError(err)
			}
			return s, nil
		case c == '\\':
			plain = false
			r.pos++ // the escaped character cannot end the string
		case c < 0x20:
			plain = false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", r.errorf(path, "unterminated string")
}

// number reads the text of a JSON number, as JSON's grammar has it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. It stops where the
// grammar does ("01" is the number 0, then a 1 that is not JSON), as
// encoding/json's scanner under ctyjson does; cty.ParseNumberVal checks
// the rest. ok is false for what is not a number: "-", "1.", "1e".
func (r *jsonReader) number() (text string, ok bool) {
	start := r.pos
	digits := func() int {
		n := r.pos
		for r.pos < len(r.buf) && '0' <= r.buf[r.pos] && r.buf[r.pos] <= '9' {
			r.pos++
		}
		return r.pos - n
	}
	if r.peek() == '-' {
		r.pos++
	}
	if r.peek() == '0' {
		r.pos++
	} else if digits() == 0 {
		return "", false
	}
	if r.peek() == '.' {
		r.pos++
		if digits() == 0 {
			return "", false
		}
	}
	if c := r.peek(); c == 'e' || c == 'E' {
		r.pos++
		if c := r.peek(); c == '+' || c == '-' {
			r.pos++
		}
		if digits() == 0 {
			return "", false
		}
	}
	return string(r.buf[start:r.pos]), true
}

// skipValue moves past one JSON value of any kind.
func (r *jsonReader) skipValue(path cty.Path) error {
	r.skipSpace()
	switch c := r.peek(); {
	case c == '"':
		_, err := r.str(path)
		return err
	case c == '{':
		return r.members(path, func(string) error { return r.skipValue(path) })
	case c == '[':
		r.pos++
		if r.skipSpace(); r.peek() == ']' {
			r.pos++
			return nil
		}
		for {
			if err := r.skipValue(path); err != nil {
				return err
			}
			if done, err := r.next(']', path); done || err != nil {
				return err
			}
		}
	case c == 't':
		return r.literal("true", path)
	case c == 'f':
		return r.literal("false", path)
	case c == 'n':
		return r.literal("null", path)
	case c == '-' || (c >= '0' && c <= '9'):
		if _, ok := r.number(); !ok {
			return r.errorf(path, "invalid number")
		}
		return nil
	}
	return r.errorf(path, "unexpected character %q", r.peek())
}

func (r *jsonReader) literal(word string, path cty.Path) error {
	if len(r.buf)-r.pos < len(word) || string(r.buf[r.pos:r.pos+len(word)]) != word {
		return r.errorf(path, "invalid literal, expected %s", word)
	}
	r.pos += len(word)
	return nil
}

func (r *jsonReader) expect(c byte, path cty.Path) error {
	r.skipSpace()
	if r.peek() != c {
		return r.errorf(path, "expected %q", c)
	}
	r.pos++
	return nil
}

func (r *jsonReader) peek() byte {
	if r.pos < len(r.buf) {
		return r.buf[r.pos]
	}
	return 0
}

func (r *jsonReader) skipSpace() {
	for r.pos < len(r.buf) {
		switch r.buf[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jsonReader) errorf(path cty.Path, format string, args ...any) error {
	return path.NewErrorf("invalid JSON at byte %d: %s", r.pos, fmt.Sprintf(format, args...))
}
