package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestCanonicalEncoderMatchesAppendCanonical checks that the encoder
// prepared per resource writes exactly AppendCanonical's bytes, for values
// of its type and of others, so that a fingerprint does not depend on which
// of the two computed it.
func TestCanonicalEncoderMatchesAppendCanonical(t *testing.T) {
	profile := cty.Object(map[string]cty.Type{"gender": cty.String, "age": cty.Number})
	ty := cty.Object(map[string]cty.Type{
		"username": cty.String, "active": cty.Bool, "tags": cty.List(cty.String),
		"profile": profile,
	})
	full := cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("ani"), "active": cty.True,
		"tags":    cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"profile": cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("F"), "age": cty.NumberIntVal(30)}),
	})
	nulls := cty.ObjectVal(map[string]cty.Value{
		"username": cty.NullVal(cty.String), "active": cty.NullVal(cty.Bool),
		"tags": cty.NullVal(cty.List(cty.String)), "profile": cty.NullVal(profile),
	})
	otherType := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "extra": cty.StringVal("x")})
	otherNull := cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("ani"), "active": cty.True, "tags": cty.ListValEmpty(cty.String),
		"profile": cty.NullVal(cty.Object(map[string]cty.Type{"gender": cty.String})),
	})
	e := NewCanonicalEncoder(ty)
	for name, v := range map[string]cty.Value{
		"full": full, "nulls": nulls, "null object": cty.NullVal(ty), "other type": otherType,
		"null of another type": otherNull, "string": cty.StringVal("x"),
	} {
		want, err := AppendCanonical(nil, v)
		if err != nil {
			t.Fatalf("%s: AppendCanonical: %v", name, err)
		}
		got, err := e.Append(nil, v)
		if err != nil {
			t.Fatalf("%s: encoder: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: encoder wrote %q, AppendCanonical %q", name, got, want)
		}
	}
	unknown := cty.ObjectVal(map[string]cty.Value{
		"username": cty.UnknownVal(cty.String), "active": cty.True, "tags": cty.ListValEmpty(cty.String),
		"profile": cty.NullVal(profile),
	})
	if _, err := e.Append(nil, unknown); !errors.Is(err, ErrNotKnown) {
		t.Errorf("an unknown attribute gave %v, want ErrNotKnown", err)
	}
	if _, err := e.Append(nil, cty.UnknownVal(ty)); !errors.Is(err, ErrNotKnown) {
		t.Errorf("an unknown object gave %v, want ErrNotKnown", err)
	}
}

// TestAppendAttrsIsAppend: the encoding of an object's attributes, given
// without the object, is Append's of the object, whether the attributes
// are the encoder's type's or another's; a marked value, at the top or
// within, is refused rather than encoded.
func TestAppendAttrsIsAppend(t *testing.T) {
	profile := cty.Object(map[string]cty.Type{"gender": cty.String, "age": cty.Number})
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "active": cty.Bool, "profile": profile})
	e := NewCanonicalEncoder(ty)
	for name, v := range map[string]cty.Value{
		"full": cty.ObjectVal(map[string]cty.Value{
			"username": cty.StringVal("ani"), "active": cty.True,
			"profile": cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("F"), "age": cty.NumberIntVal(30)}),
		}),
		"nulls": cty.ObjectVal(map[string]cty.Value{
			"username": cty.NullVal(cty.String), "active": cty.NullVal(cty.Bool), "profile": cty.NullVal(profile),
		}),
		"other type":  cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "extra": cty.StringVal("x")}),
		"fewer":       cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani")}),
		"empty":       cty.EmptyObjectVal,
		"wider value": cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "active": cty.True, "profile": cty.StringVal("x")}),
	} {
		want, err := e.Append(nil, v)
		if err != nil {
			t.Fatalf("%s: Append: %v", name, err)
		}
		names, vals := objectAttrs(v)
		got, err := e.AppendAttrs([]byte("prefix"), names, vals)
		if err != nil {
			t.Fatalf("%s: AppendAttrs: %v", name, err)
		}
		if !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Errorf("%s: AppendAttrs wrote %q, Append %q", name, got, want)
		}
	}
	unknown := []cty.Value{cty.UnknownVal(cty.Bool), cty.NullVal(profile), cty.StringVal("ani")}
	if _, err := e.AppendAttrs(nil, []string{"active", "profile", "username"}, unknown); !errors.Is(err, ErrNotKnown) {
		t.Errorf("an unknown attribute gave %v, want ErrNotKnown", err)
	}
	marked := []cty.Value{cty.True, cty.NullVal(profile), cty.StringVal("ani").Mark("sensitive")}
	if _, err := e.AppendAttrs(nil, []string{"active", "profile", "username"}, marked); !errors.Is(err, ErrMarked) {
		t.Errorf("a marked attribute gave %v, want ErrMarked", err)
	}
	within := []cty.Value{cty.True, cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("F").Mark("sensitive"), "age": cty.NumberIntVal(1)}), cty.StringVal("ani")}
	if _, err := e.AppendAttrs(nil, []string{"active", "profile", "username"}, within); !errors.Is(err, ErrMarked) {
		t.Errorf("a mark within an attribute gave %v, want ErrMarked", err)
	}
}

// objectAttrs is an object's attributes, sorted by name.
func objectAttrs(v cty.Value) ([]string, []cty.Value) {
	names := slices.Sorted(maps.Keys(v.Type().AttributeTypes()))
	vals := make([]cty.Value, len(names))
	for i, name := range names {
		vals[i] = v.GetAttr(name)
	}
	return names, vals
}

// TestAppendNumberSpelling: a number is spelled as big.Float's
// Text('g', -1) spells it, whole numbers of fewer than seven digits too
// (spelled without it), so that digests stored before stay the same.
func TestAppendNumberSpelling(t *testing.T) {
	check := func(f *big.Float) {
		t.Helper()
		want := f.Text('g', -1)
		got := appendNumber(nil, f)
		n, k := binary.Uvarint(got)
		if k <= 0 || int(n) != len(got)-k || string(got[k:]) != want {
			t.Fatalf("appendNumber(%s) = %q, want %q with its length", want, got, want)
		}
	}
	for i := int64(-1_100_000); i <= 1_100_000; i += 7 {
		check(new(big.Float).SetInt64(i))
	}
	for _, i := range []int64{0, 1, -1, 999_999, -999_999, 1_000_000, -1_000_000, 1 << 40, -(1 << 62)} {
		check(new(big.Float).SetInt64(i))
	}
	for _, f := range []float64{0.5, -0.25, 1e-7, 123456.5, 1e21, 3.14159} {
		check(big.NewFloat(f))
	}
	check(new(big.Float).Neg(new(big.Float))) // -0
}

// TestCanonicalEncoderStrings: a string encoder's own path for strings
// writes AppendCanonical's bytes (lengths of one and two bytes, empty,
// not ASCII, null) or refuses an unknown, and a value of another type
// or marked is still AppendCanonical's.
func TestCanonicalEncoderStrings(t *testing.T) {
	e := NewCanonicalEncoder(cty.String)
	for _, v := range []cty.Value{
		cty.StringVal(""), cty.StringVal("ani"), cty.StringVal("Zoë 🙂"), cty.StringVal(strings.Repeat("x", 127)),
		cty.StringVal(strings.Repeat("y", 128)), cty.StringVal(strings.Repeat("z", 70_000)),
		cty.NullVal(cty.String), cty.NumberIntVal(7), cty.True, cty.NullVal(cty.Number),
	} {
		want, err := AppendCanonical([]byte("p"), v)
		if err != nil {
			t.Fatalf("%#v: AppendCanonical: %v", v, err)
		}
		got, err := e.Append([]byte("p"), v)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%#v: encoder wrote %q (%v), AppendCanonical %q", v, got, err, want)
		}
	}
	if _, err := e.Append(nil, cty.UnknownVal(cty.String)); !errors.Is(err, ErrNotKnown) {
		t.Errorf("an unknown string gave %v, want ErrNotKnown", err)
	}
	marked := cty.StringVal("ani").Mark("sensitive")
	want, werr := func() (b []byte, err error) {
		defer func() {
			if recover() != nil {
				err = errors.New("panicked")
			}
		}()
		return AppendCanonical(nil, marked)
	}()
	got, gerr := func() (b []byte, err error) {
		defer func() {
			if recover() != nil {
				err = errors.New("panicked")
			}
		}()
		return e.Append(nil, marked)
	}()
	if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Errorf("a marked string: encoder %q (%v), AppendCanonical %q (%v)", got, gerr, want, werr)
	}
}

// TestAppendAttrsFixedIsAppendAttrs: with some attributes marked fixed,
// the encoding is AppendAttrs's of the same values: for the values a fixed
// slice was first given with and for others in the attributes not fixed,
// for another fixed slice whose fixed values differ (the encodings made
// for the first are not used for it), then for the first again; a fixed
// value that cannot be encoded (unknown) is refused as AppendAttrs refuses
// it, and the next call encodes its fixed values.
func TestAppendAttrsFixedIsAppendAttrs(t *testing.T) {
	profile := cty.Object(map[string]cty.Type{"gender": cty.String, "age": cty.Number})
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "active": cty.Bool, "profile": profile, "type_id": cty.Number})
	names := []string{"active", "profile", "type_id", "username"}
	e := NewCanonicalEncoder(ty)
	first := []bool{true, true, true, false}
	second := slices.Clone(first)
	vals := func(active cty.Value, typeID int64, username string) []cty.Value {
		return []cty.Value{active, cty.NullVal(profile), cty.NumberIntVal(typeID), cty.StringVal(username)}
	}
	for i, c := range []struct {
		fixed []bool
		vals  []cty.Value
	}{
		{first, vals(cty.True, 1, "ani")},
		{first, vals(cty.True, 1, "budi")},
		{second, vals(cty.False, 2, "ani")},
		{second, vals(cty.False, 2, "citra")},
		{first, vals(cty.True, 1, "dewi")},
		{nil, vals(cty.False, 3, "eka")},
		{[]bool{false, false, false, false}, vals(cty.False, 4, "fajar")},
	} {
		want, err := e.AppendAttrs([]byte("prefix"), names, c.vals)
		if err != nil {
			t.Fatalf("call %d: AppendAttrs: %v", i, err)
		}
		got, err := e.AppendAttrsFixed([]byte("prefix"), names, c.vals, c.fixed)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("call %d: AppendAttrsFixed wrote %q (%v), AppendAttrs %q", i, got, err, want)
		}
	}
	third := slices.Clone(first)
	unknown := []cty.Value{cty.UnknownVal(cty.Bool), cty.NullVal(profile), cty.NumberIntVal(1), cty.StringVal("ani")}
	if _, err := e.AppendAttrsFixed(nil, names, unknown, third); !errors.Is(err, ErrNotKnown) {
		t.Errorf("an unknown fixed attribute gave %v, want ErrNotKnown", err)
	}
	known := vals(cty.False, 5, "gita")
	want, _ := e.AppendAttrs(nil, names, known)
	if got, err := e.AppendAttrsFixed(nil, names, known, third); err != nil || !bytes.Equal(got, want) {
		t.Errorf("after an unknown fixed attribute: %q (%v), want %q", got, err, want)
	}
	// A mark, on a fixed attribute when they are first encoded or on
	// another after, is refused.
	fourth := slices.Clone(first)
	marked := vals(cty.True.Mark("sensitive"), 1, "hadi")
	if _, err := e.AppendAttrsFixed(nil, names, marked, fourth); !errors.Is(err, ErrMarked) {
		t.Errorf("a marked fixed attribute gave %v, want ErrMarked", err)
	}
	if _, err := e.AppendAttrsFixed(nil, names, vals(cty.True, 1, "ani"), fourth); err != nil {
		t.Fatal(err)
	}
	marked = vals(cty.True, 1, "")
	marked[3] = cty.StringVal("ani").Mark("sensitive")
	if _, err := e.AppendAttrsFixed(nil, names, marked, fourth); !errors.Is(err, ErrMarked) {
		t.Errorf("a marked attribute not fixed gave %v, want ErrMarked", err)
	}
	// Names of another type with a fixed slice: the object's encoding.
	other := []string{"active", "profile", "type_id", "user"}
	v := vals(cty.True, 1, "ani")
	want, _ = e.AppendAttrs(nil, other, v)
	if got, err := e.AppendAttrsFixed(nil, other, v, first); err != nil || !bytes.Equal(got, want) {
		t.Errorf("other names: %q (%v), want %q", got, err, want)
	}
}
