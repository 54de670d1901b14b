package codec

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// DecodeJSONProjected is DecodeJSON of buf narrowed to the attributes of
// an object keep holds: what DecodeJSON gives when that is null or not an
// object, else an object of the attributes of ty that keep holds (null
// when buf has none). It fails exactly when DecodeJSON does: the other
// attributes are checked against their types without being built. A
// no-change plan of a batch whose dependents read one attribute of each
// record decoded each whole record only to keep that one.
func DecodeJSONProjected(buf []byte, ty cty.Type, keep map[string]bool) (cty.Value, error) {
	if !ty.IsObjectType() {
		return DecodeJSON(buf, ty)
	}
	r := &jsonReader{buf: buf}
	if r.skipSpace(); r.pos < len(r.buf) && r.buf[r.pos] == 'n' {
		return DecodeJSON(buf, ty) // null, or an error
	}
	v, err := r.projectedObject(ty, keep)
	if err != nil {
		return cty.NilVal, err
	}
	if r.skipSpace(); r.pos < len(r.buf) {
		return cty.NilVal, r.errorf(nil, "extra data after the value")
	}
	return v, nil
}

// DecodeJSONProjectedEach is DecodeJSONProjected of buf when it is an
// object of ty, giving each of its attributes names (sorted, each one of
// ty's, and none twice) to set by its index in names rather than building
// their object: a batch's column of e-mails was decoded into an object per
// account, garbage at once. object is false when buf is null; err is
// DecodeJSONProjected's (set's values are then to be dropped). set is
// called with each attribute's null first, and again with each value buf
// holds (twice for a name written twice: the last is the value).
func DecodeJSONProjectedEach(buf []byte, ty cty.Type, names []string, set func(j int, v cty.Value)) (object bool, err error) {
	p, err := NewProjection(ty, names)
	if err != nil {
		return false, err
	}
	return p.Each(buf, set)
}

// Projection is DecodeJSONProjectedEach's type and names made ready once
// for the many records of a resource: ty's attributes in the order its
// JSON writes them (sorted), each with its type and its index in names.
// A record's members are then matched in turn against that order, one
// comparison each, where a look-up of each in ty's map of types was
// three tenths of the decode. It is safe for concurrent use.
type Projection struct {
	ty    cty.Type
	attrs []projected
	nulls []cty.Value // names' nulls
}

type projected struct {
	name string
	ty   cty.Type
	j    int // in names; -1: not kept
}

// NewProjection makes DecodeJSONProjectedEach of ty and names ready; it
// fails when ty is not an object type.
func NewProjection(ty cty.Type, names []string) (*Projection, error) {
	if !ty.IsObjectType() {
		return nil, errors.New("codec: DecodeJSONProjectedEach: not an object type")
	}
	types := ty.AttributeTypes()
	p := &Projection{ty: ty, attrs: make([]projected, 0, len(types)), nulls: make([]cty.Value, len(names))}
	for name, aty := range types {
		p.attrs = append(p.attrs, projected{name, aty, slices.Index(names, name)})
	}
	slices.SortFunc(p.attrs, func(a, b projected) int { return strings.Compare(a.name, b.name) })
	for j, name := range names {
		p.nulls[j] = cty.NullVal(types[name])
	}
	return p, nil
}

// Each is DecodeJSONProjectedEach of buf.
func (p *Projection) Each(buf []byte, set func(j int, v cty.Value)) (object bool, err error) {
	r := &jsonReader{buf: buf}
	if r.skipSpace(); r.pos < len(r.buf) && r.buf[r.pos] == 'n' {
		_, err := DecodeJSON(buf, p.ty) // null, or an error
		return false, err
	}
	for j, null := range p.nulls {
		set(j, null) // a kept attribute buf lacks
	}
	next := 0 // the attribute expected next
	err = r.projectedMembers(func(name []byte) (cty.Type, int, bool) {
		k := next
		if k >= len(p.attrs) || p.attrs[k].name != string(name) {
			var found bool
			k, found = slices.BinarySearchFunc(p.attrs, name, func(a projected, n []byte) int { return strings.Compare(a.name, string(n)) })
			if !found {
				return cty.NilType, -1, false
			}
		}
		next = k + 1
		return p.attrs[k].ty, p.attrs[k].j, true
	}, set)
	if err == nil {
		if r.skipSpace(); r.pos < len(r.buf) {
			err = r.errorf(nil, "extra data after the value")
		}
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// projectedObject is object narrowed to the attributes keep holds.
func (r *jsonReader) projectedObject(ty cty.Type, keep map[string]bool) (cty.Value, error) {
	types := ty.AttributeTypes()
	var kept []string
	attrs := make(map[string]cty.Value, len(keep))
	err := r.projectedMembers(func(name []byte) (cty.Type, int, bool) {
		aty, ok := types[string(name)]
		if !ok || !keep[string(name)] {
			return aty, -1, ok
		}
		kept = append(kept, string(name))
		return aty, len(kept) - 1, true
	}, func(j int, v cty.Value) { attrs[kept[j]] = v })
	if err != nil {
		return cty.NilVal, err
	}
	for name := range keep {
		if aty, ok := types[name]; ok {
			if _, ok := attrs[name]; !ok {
				attrs[name] = cty.NullVal(aty)
			}
		}
	}
	return cty.ObjectVal(attrs), nil
}

// projectedMembers reads an object whose attributes attr knows, giving
// set the value of each attribute attr numbers: attr gives a name's type,
// its number (-1 to skip it) and whether it is an attribute at all, and
// must not keep name, which may be buf's bytes. The names of the
// attributes it skips are looked up without being copied, and their paths
// built only to report an error (the check is run again with it, and
// fails the same way).
func (r *jsonReader) projectedMembers(attr func(name []byte) (aty cty.Type, j int, ok bool), set func(j int, v cty.Value)) error {
	return r.rawMembers(func(raw []byte, decoded string) error {
		var aty cty.Type
		var ok bool
		var j int
		if raw != nil {
			aty, j, ok = attr(raw)
		} else {
			aty, j, ok = attr([]byte(decoded)) // a name with an escape: rare
		}
		name := decoded
		if raw != nil && (!ok || j >= 0) {
			name = string(raw)
		}
		if !ok {
			return cty.Path(nil).NewErrorf("unsupported attribute %q", name)
		}
		if j < 0 {
			start := r.pos
			if err := r.check(aty, nil); err == nil {
				return nil
			}
			r.pos = start
			return r.check(aty, cty.Path{cty.GetAttrStep{Name: string(raw) + decoded}})
		}
		v, err := r.value(aty, cty.Path{cty.GetAttrStep{Name: name}})
		set(j, v)
		return err
	})
}

// rawMembers is members (of the top-level object: no path) giving each
// name as the bytes it is written with when it has no escape (raw, not to
// be kept), or else decoded.
func (r *jsonReader) rawMembers(each func(raw []byte, decoded string) error) error {
	if err := r.expect('{', nil); err != nil {
		return err
	}
	if r.skipSpace(); r.peek() == '}' {
		r.pos++
		return nil
	}
	for {
		r.skipSpace()
		raw, decoded, err := r.rawStr()
		if err != nil {
			return err
		}
		if err := r.expect(':', nil); err != nil {
			return err
		}
		if err := each(raw, decoded); err != nil {
			return err
		}
		if done, err := r.next('}', nil); done || err != nil {
			return err
		}
	}
}

// rawStr is str, giving a string with no escape as its bytes in buf.
func (r *jsonReader) rawStr() (raw []byte, decoded string, err error) {
	start := r.pos
	if r.peek() == '"' {
		plain, err := r.checkPlainStr(nil)
		if err != nil {
			return nil, "", err
		}
		if plain {
			return r.buf[start+1 : r.pos-1], "", nil
		}
		r.pos = start
	}
	decoded, err = r.str(nil)
	return nil, decoded, err
}

// check moves past a value of type ty, failing where value would, without
// building it.
func (r *jsonReader) check(ty cty.Type, path cty.Path) error {
	r.skipSpace()
	if r.pos >= len(r.buf) {
		return r.errorf(path, "unexpected end of the value")
	}
	if r.buf[r.pos] == 'n' {
		return r.literal("null", path)
	}
	switch {
	case ty.IsPrimitiveType():
		return r.checkPrimitive(ty, path)
	case ty.IsObjectType():
		types := ty.AttributeTypes()
		return r.members(path, func(name string) error {
			aty, ok := types[name]
			if !ok {
				return path.NewErrorf("unsupported attribute %q", name)
			}
			return r.check(aty, append(path, cty.GetAttrStep{Name: name}))
		})
	case (ty.IsListType() || ty.IsSetType() || ty.IsMapType()) && !ty.HasDynamicTypes():
		ety := ty.ElementType()
		if ty.IsMapType() {
			return r.members(path, func(string) error { return r.check(ety, path) })
		}
		if err := r.expect('[', path); err != nil {
			return err
		}
		if r.skipSpace(); r.peek() == ']' {
			r.pos++
			return nil
		}
		for {
			if err := r.check(ety, path); err != nil {
				return err
			}
			if done, err := r.next(']', path); done || err != nil {
				return err
			}
		}
	}
	_, err := r.value(ty, path) // what value hands to ctyjson
	return err
}

// checkPrimitive is primitive without its value.
func (r *jsonReader) checkPrimitive(ty cty.Type, path cty.Path) error {
	switch c := r.buf[r.pos]; {
	case c == '"':
		if ty == cty.String {
			return r.checkStr(path)
		}
		s, err := r.str(path) // a number or a bool written as a string: rare
		if err != nil {
			return err
		}
		return checkText(ty, s, 's', path)
	case c == 't' || c == 'f':
		word := "false"
		if c == 't' {
			word = "true"
		}
		if err := r.literal(word, path); err != nil {
			return err
		}
		return checkText(ty, word, 'b', path)
	case c == '-' || (c >= '0' && c <= '9'):
		text, ok := r.number()
		if !ok {
			return r.errorf(path, "invalid number")
		}
		return checkText(ty, text, 'n', path)
	default:
		return r.errorf(path, "unexpected character %q", c)
	}
}

// checkText is primitive's conversion of a token's text to ty, without
// its value.
func checkText(ty cty.Type, text string, kind byte, path cty.Path) error {
	switch {
	case ty == cty.String:
		return nil
	case ty == cty.Number && kind != 'b':
		if _, err := cty.ParseNumberVal(text); err != nil {
			return path.NewError(err)
		}
		return nil
	case ty == cty.Bool && kind != 'n':
		switch text {
		case "true", "1", "false", "0":
			return nil
		}
		return path.NewErrorf("a bool is required")
	}
	return path.NewErrorf("%s is required", ty.FriendlyName())
}

// checkStr is str without its string: most strings are checked with no
// allocation.
func (r *jsonReader) checkStr(path cty.Path) error {
	_, err := r.checkPlainStr(path)
	return err
}

// checkPlainStr is checkStr, telling whether the string is plain: valid
// UTF-8 with no escape and no control character, its bytes its text.
func (r *jsonReader) checkPlainStr(path cty.Path) (plain bool, err error) {
	if r.peek() != '"' {
		return false, r.errorf(path, "expected a string")
	}
	start := r.pos
	plain, ascii := true, true
	for r.pos++; r.pos < len(r.buf); r.pos++ {
		// Eight bytes at a time to the next quote, backslash, control
		// character or byte past ASCII: most of a string.
		if r.pos += plainASCIIRun(r.buf[r.pos:]); r.pos >= len(r.buf) {
			break
		}
		switch c := r.buf[r.pos]; {
		case c == '"':
			r.pos++
			if plain && (ascii || utf8.Valid(r.buf[start+1:r.pos-1])) {
				return true, nil
			}
			var s string
			if err := json.Unmarshal(r.buf[start:r.pos], &s); err != nil {
				return false, path.NewError(err)
			}
			return false, nil
		case c == '\\':
			plain = false
			r.pos++
		case c < 0x20:
			plain = false
		case c >= 0x80:
			ascii = false
		}
	}
	return false, r.errorf(path, "unterminated string")
}
