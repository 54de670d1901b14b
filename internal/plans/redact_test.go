package plans

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestRedactAttrsIsTheWalk: redacting paths of attribute names rebuilds
// only the objects along them and gives what the walk of the whole value
// gives.
func TestRedactAttrsIsTheWalk(t *testing.T) {
	inner := cty.ObjectVal(map[string]cty.Value{"nik": cty.StringVal("3171"), "note": cty.StringVal("n")})
	v := cty.ObjectVal(map[string]cty.Value{
		"password": cty.StringVal("p").Mark("sensitive"),
		"email":    cty.StringVal("a@b.id"),
		"gone":     cty.NullVal(cty.String),
		"later":    cty.UnknownVal(cty.Object(map[string]cty.Type{"x": cty.String})),
		"person":   inner,
		"tags":     cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
	})
	tests := map[string][]cty.Path{
		"one attribute":         {cty.GetAttrPath("password")},
		"null attribute":        {cty.GetAttrPath("gone")},
		"nested":                {cty.GetAttrPath("person").GetAttr("nik")},
		"nested twice":          {cty.GetAttrPath("person").GetAttr("nik"), cty.GetAttrPath("person").GetAttr("note"), cty.GetAttrPath("password")},
		"whole and nested":      {cty.GetAttrPath("person").GetAttr("nik"), cty.GetAttrPath("person")},
		"into an unknown":       {cty.GetAttrPath("later").GetAttr("x")},
		"missing attribute":     {cty.GetAttrPath("nothing")},
		"attribute of a string": {cty.GetAttrPath("email").GetAttr("x")},
		"attribute of a map":    {cty.GetAttrPath("tags").GetAttr("k")},
		"the whole value":       {cty.Path{}},
	}
	for name, paths := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := redact(v, paths)
			if err != nil {
				t.Fatal(err)
			}
			unmarked, _ := v.UnmarkDeep()
			want, err := redactWalk(unmarked, paths)
			if err != nil {
				t.Fatal(err)
			}
			if !got.RawEquals(want) {
				t.Fatalf("got %#v\nwant %#v", got, want)
			}
		})
	}
}
