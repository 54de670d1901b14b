package codec

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// reference is what MarshalJSON replaces.
func reference(v cty.Value, ty cty.Type) ([]byte, error) {
	v, _ = v.UnmarkDeep()
	return ctyjson.Marshal(v, ty)
}

func checkMarshalJSON(t *testing.T, name string, v cty.Value, ty cty.Type) {
	t.Helper()
	want, wantErr := reference(v, ty)
	got, err := MarshalJSON(v, ty)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("%s: error %v, ctyjson's %v", name, err, wantErr)
	}
	if string(got) != string(want) {
		t.Fatalf("%s:\n got %s\nwant %s", name, got, want)
	}
}

// The values a create encodes (an account's request and record) and the
// cases MarshalJSON hands to ctyjson give ctyjson's bytes and errors.
func TestMarshalJSONMatchesCtyJSON(t *testing.T) {
	account := cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("p0000001"), "password": cty.StringVal("secret").Mark("sensitive"),
		"email": cty.StringVal("p0000001@example.id"), "phone_number": cty.NullVal(cty.String),
		"registered": cty.True, "score": cty.NumberFloatVal(87.5),
		"basic_profile": cty.NullVal(cty.Object(map[string]cty.Type{"gender": cty.String})),
	})
	tests := map[string]struct {
		v  cty.Value
		ty cty.Type
	}{
		"account":            {account, account.Type()},
		"marked whole":       {account.Mark("x"), account.Type()},
		"html and escapes":   {cty.StringVal(`<a href="x">&'\` + "\n\t\u2028é😀"), cty.String},
		"invalid utf-8":      {cty.StringVal("a\xffb"), cty.String},
		"unicode name":       {cty.ObjectVal(map[string]cty.Value{"é": cty.True, "a<b": cty.False}), cty.Object(map[string]cty.Type{"é": cty.Bool, "a<b": cty.Bool})},
		"unknown nested":     {cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String)}), cty.Object(map[string]cty.Type{"a": cty.String})},
		"unknown whole":      {cty.UnknownVal(cty.String), cty.String},
		"infinity":           {cty.PositiveInfinity, cty.Number},
		"negative zero":      {cty.NumberVal(new(big.Float).Neg(big.NewFloat(0))), cty.Number},
		"big number":         {cty.MustParseNumberVal("123456789012345678901234567890.125"), cty.Number},
		"dynamic attribute":  {cty.ObjectVal(map[string]cty.Value{"d": cty.StringVal("x")}), cty.Object(map[string]cty.Type{"d": cty.DynamicPseudoType})},
		"dynamic null":       {cty.NullVal(cty.DynamicPseudoType), cty.DynamicPseudoType},
		"type differs":       {cty.StringVal("1"), cty.Number},
		"not conformant":     {cty.True, cty.String},
		"null object":        {cty.NullVal(account.Type()), account.Type()},
		"empty object":       {cty.EmptyObjectVal, cty.EmptyObject},
		"collections":        {cty.TupleVal([]cty.Value{cty.ListVal([]cty.Value{cty.StringVal("b"), cty.StringVal("a").Mark(1)}), cty.SetVal([]cty.Value{cty.NumberIntVal(3), cty.NumberIntVal(-1)}), cty.MapVal(map[string]cty.Value{"z<": cty.True, "a": cty.False}), cty.ListValEmpty(cty.String)}), cty.Tuple([]cty.Type{cty.List(cty.String), cty.Set(cty.Number), cty.Map(cty.Bool), cty.List(cty.String)})},
		"null in collection": {cty.ListVal([]cty.Value{cty.NullVal(cty.String), cty.StringVal("x")}), cty.List(cty.String)},
		"many attributes":    {manyAttrs(40), manyAttrs(40).Type()},
	}
	for name, tc := range tests {
		checkMarshalJSON(t, name, tc.v, tc.ty)
	}
}

func manyAttrs(n int) cty.Value {
	m := map[string]cty.Value{}
	for i := range n {
		m[fmt.Sprintf("attr%02d", n-i)] = cty.NumberIntVal(int64(i))
	}
	return cty.ObjectVal(m)
}

// Random values of random types, with marks, nulls and unknowns here and
// there, encode as ctyjson encodes them.
func TestMarshalJSONRandomValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		ty := randomType(r, 3)
		v := randomValue(r, ty, 3)
		checkMarshalJSON(t, fmt.Sprintf("value %d: %#v", i, v), v, ty)
	}
}

var sampleStrings = []string{"", "ani", "p0000001@example.id", `q"uote`, `back\slash`, "<b>&amp;</b>", "tab\there", "é", "e\u0301", "\u2028", "\xff", "😀 emoji", "Dewi Anggraini"}

func randomType(r *rand.Rand, depth int) cty.Type {
	k := r.IntN(8)
	if depth == 0 {
		k = r.IntN(3)
	}
	switch k {
	case 0:
		return cty.String
	case 1:
		return cty.Number
	case 2:
		return cty.Bool
	case 3:
		return cty.List(randomType(r, depth-1))
	case 4:
		return cty.Set(randomType(r, 0))
	case 5:
		return cty.Map(randomType(r, depth-1))
	case 6:
		ets := make([]cty.Type, r.IntN(3))
		for i := range ets {
			ets[i] = randomType(r, depth-1)
		}
		return cty.Tuple(ets)
	default:
		atys := map[string]cty.Type{}
		for range r.IntN(5) {
			name := fmt.Sprintf("a%d", r.IntN(20))
			if r.IntN(10) == 0 {
				name = cty.NormalizeString(sampleStrings[r.IntN(len(sampleStrings))])
			}
			atys[name] = randomType(r, depth-1)
		}
		return cty.Object(atys)
	}
}

func randomValue(r *rand.Rand, ty cty.Type, depth int) cty.Value {
	switch r.IntN(40) {
	case 0:
		return cty.NullVal(ty)
	case 1:
		return cty.UnknownVal(ty)
	case 2, 3:
		return randomValue(r, ty, depth).Mark("m")
	}
	switch {
	case ty == cty.String:
		return cty.StringVal(sampleStrings[r.IntN(len(sampleStrings))])
	case ty == cty.Number:
		return []cty.Value{cty.NumberIntVal(0), cty.NumberIntVal(-7), cty.NumberFloatVal(0.1), cty.MustParseNumberVal("1e40"), cty.NumberIntVal(r.Int64())}[r.IntN(5)]
	case ty == cty.Bool:
		return cty.BoolVal(r.IntN(2) == 0)
	case ty.IsListType(), ty.IsSetType():
		n := r.IntN(4)
		if n == 0 {
			if ty.IsListType() {
				return cty.ListValEmpty(ty.ElementType())
			}
			return cty.SetValEmpty(ty.ElementType())
		}
		vs := make([]cty.Value, n)
		for i := range vs {
			vs[i] = randomValue(r, ty.ElementType(), depth-1)
			if ty.IsSetType() {
				vs[i], _ = vs[i].Unmark() // a set's elements carry no marks of their own
			}
		}
		if ty.IsListType() {
			return cty.ListVal(vs)
		}
		return cty.SetVal(vs)
	case ty.IsMapType():
		n := r.IntN(4)
		if n == 0 {
			return cty.MapValEmpty(ty.ElementType())
		}
		m := map[string]cty.Value{}
		for range n {
			m[cty.NormalizeString(sampleStrings[r.IntN(len(sampleStrings))])] = randomValue(r, ty.ElementType(), depth-1)
		}
		return cty.MapVal(m)
	case ty.IsTupleType():
		ets := ty.TupleElementTypes()
		vs := make([]cty.Value, len(ets))
		for i, et := range ets {
			vs[i] = randomValue(r, et, depth-1)
		}
		return cty.TupleVal(vs)
	default:
		m := map[string]cty.Value{}
		for name, aty := range ty.AttributeTypes() {
			m[name] = randomValue(r, aty, depth-1)
		}
		return cty.ObjectVal(m)
	}
}
