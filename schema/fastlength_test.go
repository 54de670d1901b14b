package schema

import (
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestFastLengthIsHCL: length(TRAVERSAL) answered from the value's type
// (fastLength) is HCL's own answer, value and marks, for objects and
// tuples with marks inside, on top, or none, empty ones, and a resource's
// value of many instances; where fastLength declines (unknown, null,
// strings, collections, missing attributes, other calls and arguments, no
// length function), HCL decides (and explains). The common cases must be
// answered, or the comparison would be empty.
func TestFastLengthIsHCL(t *testing.T) {
	many := map[string]cty.Value{}
	for _, k := range []string{"ani", "budi", "citra", "dewi", "é", "e\u0301", "z", "0"} {
		many[k] = cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(k + "@example.id")})
	}
	many["budi"] = cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("budi@example.id").Mark(Sensitive)})
	many["citra"] = cty.UnknownVal(cty.Object(map[string]cty.Type{"email": cty.String}))
	person := cty.ObjectVal(many)
	vars := map[string]cty.Value{
		"person":        person,
		"marked":        person.Mark(Sensitive),
		"twice":         person.WithMarks(cty.NewValueMarks(Sensitive, "other")),
		"empty":         cty.EmptyObjectVal,
		"tuple":         cty.TupleVal([]cty.Value{cty.DynamicVal, cty.StringVal("a").Mark(Sensitive), cty.NullVal(cty.String)}),
		"marked_tuple":  cty.TupleVal([]cty.Value{cty.StringVal("a")}).Mark(Sensitive),
		"empty_tuple":   cty.EmptyTupleVal,
		"unknown":       cty.UnknownVal(person.Type()),
		"unknown_tuple": cty.UnknownVal(cty.Tuple([]cty.Type{cty.String})),
		"dynamic":       cty.DynamicVal,
		"null":          cty.NullVal(person.Type()),
		"null_tuple":    cty.NullVal(cty.Tuple([]cty.Type{cty.String})),
		"string":        cty.StringVal("e\u0301x"),
		"list":          cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"map":           cty.MapVal(map[string]cty.Value{"a": cty.True}),
		"set":           cty.SetVal([]cty.Value{cty.NumberIntVal(1)}).Mark(Sensitive),
		"number":        cty.NumberIntVal(3),
		"resource":      cty.ObjectVal(map[string]cty.Value{"person": person, "nested": cty.ObjectVal(map[string]cty.Value{"t": vars3()})}),
	}
	var exprs []string
	for name := range vars {
		exprs = append(exprs, "length("+name+")")
	}
	exprs = append(exprs,
		`length(resource.person)`, `length(resource.person.ani)`, `length(resource.person["budi"])`,
		`length(resource.nested.t)`, `length(resource.nested.t[1])`, `length(resource.person.nobody)`,
		`length(tuple[1])`, `length(tuple[5])`, `length(nowhere)`, `length(person.ani.email)`,
		`length(person, tuple)`, `length(tuple...)`, `length([person])`, `length({a = 1})`, `keys(person)`, `length("abc")`,
	)
	withFns := &hcl.EvalContext{Variables: vars, Functions: FunctionsAt(t.TempDir(), time.Unix(0, 0))}
	noFns := &hcl.EvalContext{Variables: vars}
	var answered int
	for _, src := range exprs {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags)
		}
		for _, ctx := range []*hcl.EvalContext{withFns, noFns} {
			got, ok := fastLength(expr, ctx)
			if !ok {
				continue
			}
			answered++
			want, diags := expr.Value(ctx)
			if len(diags) > 0 || !got.RawEquals(want) {
				t.Errorf("%s: fastLength %#v; HCL %#v (%s)", src, got, want, diags)
			}
		}
	}
	if answered < 10 {
		t.Errorf("fastLength answered %d times: the comparison is mostly of declines", answered)
	}
	for _, src := range []string{`length(unknown)`, `length(null)`, `length(string)`, `length(list)`, `length(dynamic)`, `length(nowhere)`, `length(person, tuple)`, `length(tuple...)`, `keys(person)`} {
		expr, _ := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
		if _, ok := fastLength(expr, withFns); ok {
			t.Errorf("%s: answered", src)
		}
	}
	expr, _ := hclsyntax.ParseExpression([]byte(`length(person)`), "test.hcl", hcl.InitialPos)
	if _, ok := fastLength(expr, noFns); ok {
		t.Error("length(person) answered without a length function")
	}
	// é and e\u0301 are one key once normalised, as cty.ObjectVal does.
	if v, ok := fastLength(expr, withFns); !ok || !v.RawEquals(cty.NumberIntVal(7)) {
		t.Errorf("length(person) = %#v, %v; want 7", v, ok)
	}
}

func vars3() cty.Value {
	return cty.TupleVal([]cty.Value{cty.EmptyObjectVal, cty.ObjectVal(map[string]cty.Value{"a": cty.True, "b": cty.StringVal("x").Mark(Sensitive)})})
}
