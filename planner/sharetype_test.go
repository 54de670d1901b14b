package planner

import (
	"testing"

	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestShareTypeKeepsValues: shareType gives each step the value it had
// (the same attributes, nulls and type), and marks applied after it mark
// what they marked before; a set of values not all known, unmarked, not
// null and of one type is left as it was.
func TestShareTypeKeepsValues(t *testing.T) {
	email := func(s string) cty.Value { return cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(s)}) }
	twoAttrs := func(s string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(s), "id": cty.NullVal(cty.String)})
	}
	sens := []cty.PathValueMarks{{Path: cty.GetAttrPath("email"), Marks: cty.NewValueMarks(schema.Sensitive)}}
	for name, tc := range map[string]struct {
		vals   []cty.Value
		shared bool
	}{
		"one type":          {[]cty.Value{email("a"), email("b"), email(""), email("é")}, true},
		"with nulls inside": {[]cty.Value{twoAttrs("a"), twoAttrs("b"), cty.ObjectVal(map[string]cty.Value{"email": cty.NullVal(cty.String), "id": cty.StringVal("x")})}, true},
		"empty objects":     {[]cty.Value{cty.EmptyObjectVal, cty.EmptyObjectVal}, true},
		"two types":         {[]cty.Value{email("a"), twoAttrs("b")}, false},
		"a null":            {[]cty.Value{email("a"), cty.NullVal(email("").Type())}, false},
		"an unknown":        {[]cty.Value{email("a"), cty.UnknownVal(email("").Type())}, false},
		"an unknown inside": {[]cty.Value{email("a"), cty.ObjectVal(map[string]cty.Value{"email": cty.UnknownVal(cty.String)})}, true},
		"a marked one":      {[]cty.Value{email("a"), email("b").Mark(schema.Sensitive)}, false},
		"one step":          {[]cty.Value{email("a")}, false},
	} {
		vals := append([]cty.Value(nil), tc.vals...)
		shareType(vals)
		for i, v := range vals {
			if !v.RawEquals(tc.vals[i]) {
				t.Errorf("%s: value %d is %#v, want %#v", name, i, v, tc.vals[i])
			}
			if tc.shared && !v.Type().Equals(vals[0].Type()) {
				t.Errorf("%s: value %d of type %#v", name, i, v.Type())
			}
			if tc.shared && v.Type().HasAttribute("email") {
				if got, want := v.MarkWithPaths(sens), tc.vals[i].MarkWithPaths(sens); !got.RawEquals(want) {
					t.Errorf("%s: value %d marked %#v, want %#v", name, i, got, want)
				}
			}
		}
	}
}
