package codec

import (
	"encoding/binary"
	"errors"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// ErrNotKnown is AppendCanonical's answer for a value not wholly known.
var ErrNotKnown = errors.New("value not wholly known")

// AppendCanonical appends an encoding of v (unmarked) that differs
// between any two values: a tag per kind, lengths before contents, an
// object's attributes in name order. What is neither an object nor a
// primitive is encoded as cty's msgpack of its type. A value not wholly
// known gives ErrNotKnown.
func AppendCanonical(b []byte, v cty.Value) ([]byte, error) {
	ty := v.Type()
	switch {
	case !v.IsKnown():
		return nil, ErrNotKnown
	case v.IsNull() && ty.IsPrimitiveType():
		return append(b, 'n', ty.FriendlyName()[0]), nil // string, number, bool
	case v.IsNull():
		b = append(b, 'n')
		return appendCanonicalType(b, ty)
	case ty == cty.String:
		s := v.AsString()
		b = append(binary.AppendUvarint(append(b, 's'), uint64(len(s))), s...)
	case ty == cty.Bool:
		if v.True() {
			return append(b, 't'), nil
		}
		return append(b, 'f'), nil
	case ty == cty.Number:
		b = appendNumber(append(b, 'd'), v.AsBigFloat())
	case ty.IsObjectType():
		var buf [32]string
		names := buf[:0]
		for name := range ty.AttributeTypes() {
			names = append(names, name)
		}
		slices.Sort(names)
		b = binary.AppendUvarint(append(b, 'o'), uint64(len(names)))
		for _, name := range names {
			b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
			var err error
			if b, err = AppendCanonical(b, v.GetAttr(name)); err != nil {
				return nil, err
			}
		}
	default:
		if !v.IsWhollyKnown() {
			return nil, ErrNotKnown
		}
		m, err := ctymsgpack.Marshal(v, ty)
		if err != nil {
			return nil, err
		}
		if b, err = appendCanonicalType(append(b, 'm'), ty); err != nil {
			return nil, err
		}
		b = append(binary.AppendUvarint(b, uint64(len(m))), m...)
	}
	return b, nil
}

// appendNumber appends the length and the text of f as big.Float's
// Text('g', -1) spells it. A whole number of fewer than seven digits
// (verification_type_id = 1) is spelled as strconv does, which is the
// same text without the shortest-decimal search.
func appendNumber(b []byte, f *big.Float) []byte {
	if i, acc := f.Int64(); acc == big.Exact && i > -1e6 && i < 1e6 && (i != 0 || !f.Signbit()) {
		var digits [8]byte
		s := strconv.AppendInt(digits[:0], i, 10)
		return append(binary.AppendUvarint(b, uint64(len(s))), s...)
	}
	s := f.Text('g', -1)
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// CanonicalEncoder is AppendCanonical prepared for the values of one type:
// every configuration of a resource has the type its schema implies, so
// the sorted attribute names of its objects, and the encoding of a null
// object, are found once per resource rather than once per instance. The
// bytes are AppendCanonical's; a value of another type is handed to it.
type CanonicalEncoder struct {
	ty cty.Type
	// null is the encoding of a null of ty.
	null []byte
	// names are an object type's attribute names, sorted; attrs their
	// encoders.
	names []string
	attrs []*CanonicalEncoder
	// fixed holds the encodings of the attributes AppendAttrsFixed was
	// last told are fixed.
	fixed atomic.Pointer[fixedAttrs]
}

// fixedAttrs are the encodings of an object's fixed attributes (see
// AppendAttrsFixed): enc[i] is attribute i's, nil for one not fixed. of
// and names are the first elements of the fixed and names slices they
// were made for.
type fixedAttrs struct {
	of    *bool
	names *string
	enc   [][]byte
}

func NewCanonicalEncoder(ty cty.Type) *CanonicalEncoder {
	e := &CanonicalEncoder{ty: ty}
	e.null, _ = AppendCanonical(nil, cty.NullVal(ty))
	if ty.IsObjectType() {
		e.names = slices.Sorted(maps.Keys(ty.AttributeTypes()))
		for _, name := range e.names {
			e.attrs = append(e.attrs, NewCanonicalEncoder(ty.AttributeType(name)))
		}
	}
	return e
}

// Append appends AppendCanonical's encoding of v.
func (e *CanonicalEncoder) Append(b []byte, v cty.Value) ([]byte, error) {
	ty := v.Type()
	if ty == cty.String && e.ty == cty.String && !v.IsMarked() {
		// Most of a batch's attributes: the cases below and
		// AppendCanonical's for a string, each value asked once.
		switch {
		case !v.IsKnown():
			return nil, ErrNotKnown
		case v.IsNull():
			return append(b, e.null...), nil
		}
		s := v.AsString()
		return append(binary.AppendUvarint(append(b, 's'), uint64(len(s))), s...), nil
	}
	switch {
	case v.IsNull() && v.IsKnown() && ty.Equals(e.ty):
		// A null of another kind than a primitive's is spelled with its
		// type's JSON: a verification's evidence, a null map, was
		// spelled afresh for every instance.
		return append(b, e.null...), nil
	case e.names == nil || !ty.IsObjectType():
		return AppendCanonical(b, v)
	case !v.IsKnown():
		return nil, ErrNotKnown
	case v.IsNull() || len(ty.AttributeTypes()) != len(e.names):
		return AppendCanonical(b, v)
	}
	for _, name := range e.names {
		if !ty.HasAttribute(name) {
			return AppendCanonical(b, v)
		}
	}
	b = binary.AppendUvarint(append(b, 'o'), uint64(len(e.names)))
	for i, name := range e.names {
		b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
		var err error
		if b, err = e.attrs[i].Append(b, v.GetAttr(name)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// AppendAttrs appends Append's encoding of the object whose attributes,
// sorted by name, are names and vals, without building it: a batch's
// unchanged instance is fingerprinted from its evaluated attributes
// (schema.Fields). names must be sorted and without repeats. vals must be
// unmarked: a value with a mark, at its top or within, gives ErrMarked,
// as its object would need its marks removed first.
func (e *CanonicalEncoder) AppendAttrs(b []byte, names []string, vals []cty.Value) ([]byte, error) {
	return e.AppendAttrsFixed(b, names, vals, nil)
}

// AppendAttrsFixed is AppendAttrs of attributes some of which are fixed:
// fixed[i] (fixed nil, or as long as names) promises that vals[i] is the
// same value in every call with the same fixed slice (its first element
// at the same address), and names the same slice. schema.Fields gives such
// names and fixed slices, shared by every instance of a body (a literal,
// or an attribute the body does not set, is fixed). The fixed attributes
// are then checked and encoded once, and their bytes appended as they
// are: a batch's instances share most of their attributes (a password, a
// consent, a verification type, the nulls of what is computed).
func (e *CanonicalEncoder) AppendAttrsFixed(b []byte, names []string, vals []cty.Value, fixed []bool) ([]byte, error) {
	if len(names) != len(vals) {
		return nil, errors.New("codec: AppendAttrs: names and values differ in number")
	}
	f := e.fixedFor(names, fixed)
	if f == nil && !slices.Equal(names, e.names) {
		// Another type than the encoder's: AppendCanonical of the object.
		if err := checkUnmarked(vals, nil); err != nil {
			return nil, err
		}
		attrs := make(map[string]cty.Value, len(names))
		for i, name := range names {
			attrs[name] = vals[i]
		}
		return AppendCanonical(b, cty.ObjectVal(attrs))
	}
	var enc [][]byte
	if f == nil {
		f = e.encodeFixed(names, vals, fixed)
	}
	if f != nil {
		enc = f.enc
	}
	if err := checkUnmarked(vals, enc); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(append(b, 'o'), uint64(len(e.names)))
	for i, name := range e.names {
		b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
		if enc != nil && enc[i] != nil {
			b = append(b, enc[i]...)
			continue
		}
		var err error
		if b, err = e.attrs[i].Append(b, vals[i]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// checkUnmarked is ErrMarked when a value has a mark, at its top or
// within, but for those encoded holds (checked when they were encoded).
func checkUnmarked(vals []cty.Value, encoded [][]byte) error {
	for i, v := range vals {
		if encoded != nil && encoded[i] != nil {
			continue
		}
		if v.IsMarked() || (!v.Type().IsPrimitiveType() && v.ContainsMarked()) {
			return ErrMarked
		}
	}
	return nil
}

// fixedFor is the encodings made for fixed and names (encodeFixed), nil
// when none are.
func (e *CanonicalEncoder) fixedFor(names []string, fixed []bool) *fixedAttrs {
	if len(fixed) == 0 || len(names) == 0 {
		return nil
	}
	if f := e.fixed.Load(); f != nil && f.of == &fixed[0] && f.names == &names[0] {
		return f
	}
	return nil
}

// encodeFixed encodes the attributes fixed marks from vals, names being
// the encoder's type's, and keeps their encodings for the next calls with
// the same fixed and names; nil when fixed marks none, or one is marked
// or fails to encode (each is then checked and encoded per call).
func (e *CanonicalEncoder) encodeFixed(names []string, vals []cty.Value, fixed []bool) *fixedAttrs {
	if len(fixed) != len(e.names) || !slices.Contains(fixed, true) {
		return nil
	}
	enc := make([][]byte, len(fixed))
	for i, is := range fixed {
		if !is {
			continue
		}
		if checkUnmarked(vals[i:i+1], nil) != nil {
			return nil
		}
		var err error
		if enc[i], err = e.attrs[i].Append(nil, vals[i]); err != nil {
			return nil
		}
	}
	f := &fixedAttrs{of: &fixed[0], names: &names[0], enc: enc}
	e.fixed.Store(f)
	return f
}

// ErrMarked is AppendAttrs's answer for a marked attribute value.
var ErrMarked = errors.New("value marked")

// appendCanonicalType appends the JSON spelling of ty, length first.
func appendCanonicalType(b []byte, ty cty.Type) ([]byte, error) {
	j, err := ty.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(b, uint64(len(j))), j...), nil
}
