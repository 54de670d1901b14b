package schema

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// testColumns are the columns of a whole value (an object of objects),
// counting how often the whole value is asked for.
type testColumns struct {
	whole cty.Value
	built atomic.Int32
}

func (c *testColumns) Attr(key, name string) (cty.Value, bool) {
	if !c.whole.Type().HasAttribute(key) {
		return cty.NilVal, false
	}
	return objectAttr(c.whole.GetAttr(key), name)
}

func (c *testColumns) Len() int { return len(c.whole.Type().AttributeTypes()) }

func (c *testColumns) Value() cty.Value {
	c.built.Add(1)
	return c.whole
}

// TestColumnsReadAsWholeValue: a resource a Data holds as columns
// (ColumnsVal) gives every expression what its whole value gives, values
// and diagnostics alike, for keys present, missing, unknown and marked:
// R[each.key].NAME and length(R) are read from the columns without
// building the whole value; any other reader (length(R) in a body, R
// read whole, an output's R["ani"].email) is given the whole value.
func TestColumnsReadAsWholeValue(t *testing.T) {
	hire := addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "hire"}
	whole := cty.ObjectVal(map[string]cty.Value{
		"ani":  cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("ani@example.id"), "id": cty.StringVal("a-1")}),
		"budi": cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("budi@example.id").Mark("sensitive"), "id": cty.NullVal(cty.String)}),
	})
	scopes := func() (*Scope, *Scope, *testColumns) {
		ws, cs := newTestScope(t), newTestScope(t)
		ws.Data.(*fakeData).resources[hire] = whole
		cols := &testColumns{whole: whole}
		cs.Data.(*fakeData).resources[hire] = ColumnsVal(cols)
		return ws, cs, cols
	}
	reps := map[string]Repetition{
		"ani":         EachRepetition(cty.StringVal("ani"), cty.EmptyObjectVal, nil),
		"budi":        EachRepetition(cty.StringVal("budi"), cty.EmptyObjectVal, nil),
		"missing":     EachRepetition(cty.StringVal("dewi"), cty.EmptyObjectVal, nil),
		"unknown key": EachRepetition(cty.UnknownVal(cty.String), cty.EmptyObjectVal, nil),
		"marked key":  EachRepetition(cty.StringVal("ani").Mark("sensitive"), cty.EmptyObjectVal, nil),
	}
	spec := hcldec.ObjectSpec{
		"email": &hcldec.AttrSpec{Name: "email", Type: cty.String},
		"n":     &hcldec.AttrSpec{Name: "n", Type: cty.Number},
		"all":   &hcldec.AttrSpec{Name: "all", Type: cty.DynamicPseudoType},
	}
	for _, tc := range []struct {
		body  string
		built bool // whether the whole value is built for the keys present
	}{
		{"email = usapi_account.hire[each.key].email\n", false},
		{"email = usapi_account.hire[each.key].id\n", false},
		{"email = usapi_account.hire[each.key].email\nn = length(usapi_account.hire)\n", true},
		{"email = usapi_account.hire[each.key].email\nall = usapi_account.hire\n", true},
		{"all = usapi_account.hire[each.key]\n", true},
		{"email = \"${usapi_account.hire[each.key].email}!\"\n", true},
	} {
		file, diags := hclsyntax.ParseConfig([]byte(tc.body), "main.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		ws, cs, cols := scopes()
		we, ce := ws.BodyEvaluator(file.Body, spec), cs.BodyEvaluator(file.Body, spec)
		for _, name := range []string{"ani", "budi", "missing", "unknown key", "marked key"} {
			rep := reps[name]
			want, wantDiags := we.Eval(rep)
			got, gotDiags := ce.Eval(rep)
			if !got.RawEquals(want) || fmt.Sprint(gotDiags) != fmt.Sprint(wantDiags) {
				t.Errorf("%q, %s: %#v %v; the whole value gives %#v %v", tc.body, name, got, gotDiags, want, wantDiags)
			}
			if name == "budi" && (cols.built.Load() > 0) != tc.built {
				t.Errorf("%q: the whole value built %d times for the keys present", tc.body, cols.built.Load())
			}
		}
	}

	ws, cs, cols := scopes()
	for _, src := range []string{`length(usapi_account.hire)`, `usapi_account.hire["ani"].email`, `keys(usapi_account.hire)`, `length(usapi_account.hire) + 1`} {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "main.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		want, wantDiags := ws.EvalExpr(expr, cty.DynamicPseudoType, Repetition{})
		got, gotDiags := cs.EvalExpr(expr, cty.DynamicPseudoType, Repetition{})
		if !got.RawEquals(want) || fmt.Sprint(gotDiags) != fmt.Sprint(wantDiags) {
			t.Errorf("%s: %#v %v; the whole value gives %#v %v", src, got, gotDiags, want, wantDiags)
		}
		if src == `length(usapi_account.hire)` && cols.built.Load() != 0 {
			t.Errorf("length(R): the whole value built")
		}
	}
	if cols.built.Load() == 0 {
		t.Errorf("the whole value never built for the expressions that read it whole")
	}
}
