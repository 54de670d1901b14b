package planner

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

func TestUnmarkDeepPathsMatchesCty(t *testing.T) {
	secret := cty.StringVal("s").Mark(schema.Sensitive)
	tests := map[string]cty.Value{
		"plain object":       cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "n": cty.NullVal(cty.Number)}),
		"marked attribute":   cty.ObjectVal(map[string]cty.Value{"a": secret, "b": cty.StringVal("y")}),
		"marked nested":      cty.ObjectVal(map[string]cty.Value{"p": cty.ObjectVal(map[string]cty.Value{"pw": secret})}),
		"marked in a list":   cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{cty.StringVal("a"), secret})}),
		"marked whole":       cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}).Mark(schema.Sensitive),
		"unknown attribute":  cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String)}),
		"plain list of maps": cty.ListVal([]cty.Value{cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")})}),
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			got, gotMarks := unmarkDeepPaths(v)
			want, wantMarks := v.UnmarkDeepWithPaths()
			if !got.RawEquals(want) || len(gotMarks) != len(wantMarks) {
				t.Fatalf("got %#v %v, want %#v %v", got, gotMarks, want, wantMarks)
			}
			for i := range gotMarks {
				if !gotMarks[i].Path.Equals(wantMarks[i].Path) {
					t.Errorf("mark %d at %#v, want %#v", i, gotMarks[i].Path, wantMarks[i].Path)
				}
			}
		})
	}
}

func TestKnownAndEqual(t *testing.T) {
	obj := func(a, n cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"a": a, "n": n, "p": cty.ObjectVal(map[string]cty.Value{"q": a}), "l": cty.ListVal([]cty.Value{a})})
	}
	x, one := cty.StringVal("x"), cty.NumberIntVal(1)
	tests := map[string]struct {
		a, b cty.Value
		want bool
	}{
		"same":                 {obj(x, one), obj(x, one), true},
		"string differs":       {obj(x, one), obj(cty.StringVal("y"), one), false},
		"null and value":       {obj(x, cty.NullVal(cty.Number)), obj(x, one), false},
		"both null":            {obj(x, cty.NullVal(cty.Number)), obj(x, cty.NullVal(cty.Number)), true},
		"unknown planned":      {obj(x, cty.UnknownVal(cty.Number)), obj(x, one), false},
		"unknown in a list":    {obj(cty.UnknownVal(cty.String), one), obj(x, one), false},
		"other type":           {cty.ObjectVal(map[string]cty.Value{"a": x}), cty.ObjectVal(map[string]cty.Value{"b": x}), false},
		"whole nulls":          {cty.NullVal(cty.EmptyObject), cty.NullVal(cty.EmptyObject), true},
		"number from a string": {cty.MustParseNumberVal("1.0"), one, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := knownAndEqual(tc.a, tc.b); got != tc.want {
				t.Fatalf("knownAndEqual = %v, want %v", got, tc.want)
			}
			if ref := tc.a.IsWhollyKnown() && tc.a.RawEquals(tc.b); ref != tc.want {
				t.Fatalf("the test disagrees with cty: IsWhollyKnown && RawEquals = %v", ref)
			}
		})
	}
}

func TestAppendCanonicalDistinguishes(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	values := []cty.Value{
		cty.StringVal(""), cty.StringVal("a"), cty.StringVal("ab"), cty.NullVal(cty.String), cty.NullVal(cty.Number),
		cty.NumberIntVal(1), cty.NumberIntVal(10), cty.True, cty.False, cty.NullVal(cty.Bool),
		obj(map[string]cty.Value{"a": cty.StringVal("b")}), obj(map[string]cty.Value{"ab": cty.StringVal("")}),
		obj(map[string]cty.Value{"a": cty.StringVal("b"), "c": cty.NullVal(cty.String)}),
		obj(map[string]cty.Value{"a": cty.NullVal(cty.EmptyObject)}), obj(map[string]cty.Value{"a": cty.NullVal(cty.List(cty.String))}),
		obj(map[string]cty.Value{"a": cty.ListVal([]cty.Value{cty.StringVal("b")})}),
		obj(map[string]cty.Value{"a": cty.SetVal([]cty.Value{cty.StringVal("b")})}),
		obj(map[string]cty.Value{"a": cty.MapVal(map[string]cty.Value{"b": cty.StringVal("c")})}),
	}
	seen := map[string]int{}
	for i, v := range values {
		b, err := codec.AppendCanonical(nil, v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if j, ok := seen[string(b)]; ok {
			t.Errorf("%#v and %#v encode alike", values[j], v)
		}
		seen[string(b)] = i
	}
	a, _ := codec.AppendCanonical(nil, cty.MustParseNumberVal("1.0"))
	b, _ := codec.AppendCanonical(nil, cty.NumberIntVal(1))
	if string(a) != string(b) {
		t.Errorf("1.0 and 1 encode differently: %q, %q", a, b)
	}
}
