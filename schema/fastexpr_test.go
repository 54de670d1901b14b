package schema

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestFastExprIsHCL: a template of text and plain each/count traversals,
// and COLLECTION[each.key].ATTR, read without the instance's context
// (fastExpr), give HCL's own value, for instances of a table's rows and of
// an object's values, with values unknown, null, marked, of another type,
// missing, or a key the collection lacks; where fastExpr declines, HCL
// decides (and explains). The common cases must be answered, or the
// comparison would be empty.
func TestFastExprIsHCL(t *testing.T) {
	tab, ok := parseCSVTable("username,first_name,last_name,age\nani,Ani,Wijaya,30\nbudi,Budi,,41\ne\u0301,E\u0301,x,1\ndewi,\u0301a,e,2\n", "username", "")
	if !ok {
		t.Fatal("the table was not read")
	}
	person := cty.ObjectVal(map[string]cty.Value{
		"ani":   cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("ani@example.id"), "id": cty.UnknownVal(cty.String), "profile": cty.ObjectVal(map[string]cty.Value{"phone": cty.StringVal("62812")})}),
		"budi":  cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("budi@example.id").Mark("sensitive"), "id": cty.StringVal("b-1"), "profile": cty.NullVal(cty.Object(map[string]cty.Type{"phone": cty.String}))}),
		"citra": cty.ObjectVal(map[string]cty.Value{"email": cty.NullVal(cty.String), "id": cty.StringVal("c-1"), "profile": cty.UnknownVal(cty.Object(map[string]cty.Type{"phone": cty.String}))}),
		"é":     cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("e@example.id"), "id": cty.StringVal("e-1"), "profile": cty.NullVal(cty.Object(map[string]cty.Type{"phone": cty.String}))}),
	})
	base := &hcl.EvalContext{Variables: map[string]cty.Value{
		"acct":    cty.ObjectVal(map[string]cty.Value{"person": person, "unknown": cty.DynamicVal, "marked": person.Mark("sensitive"), "null": cty.NullVal(person.Type())}),
		"listing": cty.ListVal([]cty.Value{cty.StringVal("x")}),
	}}
	reps := map[string]Repetition{}
	for i := range tab.Len() {
		reps["row "+tab.Key(i)] = RowRepetition(tab.Row(i))
	}
	value := func(m map[string]cty.Value) cty.Value { return cty.ObjectVal(m) }
	reps["value citra"] = EachRepetition(cty.StringVal("citra"), value(map[string]cty.Value{"first_name": cty.StringVal("Citra"), "last_name": cty.NullVal(cty.String), "age": cty.NumberIntVal(7)}), nil)
	reps["value marked"] = EachRepetition(cty.StringVal("ani"), value(map[string]cty.Value{"first_name": cty.StringVal("Ani").Mark("sensitive"), "last_name": cty.StringVal("W"), "age": cty.UnknownVal(cty.Number)}), nil)
	reps["value unknown"] = EachRepetition(cty.StringVal("ani"), cty.UnknownVal(cty.Object(map[string]cty.Type{"first_name": cty.String})), nil)
	reps["key unknown"] = EachRepetition(cty.UnknownVal(cty.String), value(map[string]cty.Value{"first_name": cty.StringVal("A"), "last_name": cty.StringVal("B")}), nil)
	reps["key marked"] = EachRepetition(cty.StringVal("ani").Mark("sensitive"), value(map[string]cty.Value{"first_name": cty.StringVal("A"), "last_name": cty.StringVal("B")}), nil)
	reps["key missing"] = EachRepetition(cty.StringVal("dewi"), value(map[string]cty.Value{"first_name": cty.StringVal("D"), "last_name": cty.StringVal("E")}), nil)
	reps["count"] = CountRepetition(cty.NumberIntVal(2), nil)

	exprs := []string{
		`"${each.value.first_name} ${each.value.last_name}"`,
		`"${each.key}: ${each.value.first_name}"`,
		`"x${each.value.age}"`,
		`"${each.value.nothing}-"`,
		`"n${count.index}"`,
		`"plain ${each.key} \u00e9 e\u0301"`,
		`"${each.value.first_name}${each.value.first_name}"`,
		`"${each.value.last_name}${each.value.first_name}"`, // dewi's: "e" then a combining accent, composed
		`acct.person[each.key].email`,
		`acct.person[each.key].id`,
		`acct.person[each.key].profile.phone`,
		`acct.unknown[each.key].email`,
		`acct.marked[each.key].email`,
		`acct.null[each.key].email`,
		`acct.person[each.key].nothing`,
		`acct.person[each.value.first_name].email`,
		`listing[each.key].email`,
		`nowhere.person[each.key].email`,
	}
	var answered int
	fb := &fastBase{ctx: base}
	for _, src := range exprs {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", src, diags)
		}
		fast := fastExprOf(expr)
		if fast == nil {
			t.Fatalf("%s: not recognised", src)
		}
		for name, rep := range reps {
			got, ok := fast.value(fb, rep)
			if !ok {
				continue
			}
			answered++
			ctx := base.NewChild()
			each := map[string]cty.Value{}
			if rep.EachKey() != cty.NilVal {
				each["key"] = rep.EachKey()
			}
			if v := rep.Each(); v != cty.NilVal {
				each["value"] = v
			}
			ctx.Variables = map[string]cty.Value{"each": cty.ObjectVal(each)}
			if rep.CountIndex() != cty.NilVal {
				ctx.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": rep.CountIndex()})
			}
			want, diags := expr.Value(ctx)
			if diags.HasErrors() || !got.RawEquals(want) {
				t.Errorf("%s, %s: fastExpr %#v; HCL %#v (%s)", src, name, got, want, diags)
			}
		}
	}
	if answered < 15 {
		t.Errorf("fastExpr answered %d times: the comparison is mostly of declines", answered)
	}
	for _, src := range []string{`"${upper(each.key)}"`, `acct.person[each.key]`, `acct.person["ani"].email`, `acct.person[each.key][0]`, `"a${acct.person}"`} {
		expr, _ := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
		if fastExprOf(expr) != nil {
			t.Errorf("%s: recognised", src)
		}
	}
}

// TestFastIndexPerBase: a fastIndex reads its collection once per base
// context (a BodyEvaluator's), and two bases (the pre-pass's and the
// walk's, an apply's) each give their own collection's value, however the
// reads alternate; a base whose collection is missing declines.
func TestFastIndexPerBase(t *testing.T) {
	expr, diags := hclsyntax.ParseExpression([]byte(`acct.person[each.key].email`), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	fast := fastExprOf(expr)
	baseOf := func(email string) *fastBase {
		person := cty.ObjectVal(map[string]cty.Value{"ani": cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(email)})})
		return &fastBase{ctx: &hcl.EvalContext{Variables: map[string]cty.Value{"acct": cty.ObjectVal(map[string]cty.Value{"person": person})}}}
	}
	first, second := baseOf("first@example.id"), baseOf("second@example.id")
	none := &fastBase{ctx: &hcl.EvalContext{Variables: map[string]cty.Value{}}}
	rep := EachRepetition(cty.StringVal("ani"), cty.EmptyObjectVal, nil)
	for range 3 {
		for _, c := range []struct {
			base *fastBase
			want string
		}{{first, "first@example.id"}, {second, "second@example.id"}, {none, ""}} {
			got, ok := fast.value(c.base, rep)
			if c.want == "" {
				if ok {
					t.Errorf("answered %#v without the collection", got)
				}
				continue
			}
			if !ok || !got.RawEquals(cty.StringVal(c.want)) {
				t.Errorf("got %#v, %v; want %q", got, ok, c.want)
			}
		}
	}
}
