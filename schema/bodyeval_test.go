package schema

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

// TestBodyEvaluatorIsHCLDecode: a BodyEvaluator's value and diagnostics
// are hcldec.Decode's with the full context, whether each.value.NAME is read
// directly (a known object with the attribute) or left to HCL (a missing
// attribute, a null, an unknown, a marked or a map value).
func TestBodyEvaluatorIsHCLDecode(t *testing.T) {
	spec := DecoderSpec(usapiAccountSchema())
	row := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	values := map[string]cty.Value{
		"plain":           row(map[string]cty.Value{"u": cty.StringVal("ani"), "g": cty.StringVal("Perempuan")}),
		"missing attr":    row(map[string]cty.Value{"g": cty.StringVal("Perempuan")}),
		"null attr":       row(map[string]cty.Value{"u": cty.NullVal(cty.String), "g": cty.StringVal("x")}),
		"null row":        cty.NullVal(cty.Object(map[string]cty.Type{"u": cty.String, "g": cty.String})),
		"unknown row":     cty.UnknownVal(cty.Object(map[string]cty.Type{"u": cty.String, "g": cty.String})),
		"unknown attr":    row(map[string]cty.Value{"u": cty.UnknownVal(cty.String), "g": cty.StringVal("x")}),
		"marked row":      row(map[string]cty.Value{"u": cty.StringVal("ani"), "g": cty.StringVal("x")}).Mark(Sensitive),
		"marked attr":     row(map[string]cty.Value{"u": cty.StringVal("ani").Mark(Sensitive), "g": cty.StringVal("x")}),
		"map":             cty.MapVal(map[string]cty.Value{"u": cty.StringVal("ani"), "g": cty.StringVal("x")}),
		"map without u":   cty.MapVal(map[string]cty.Value{"g": cty.StringVal("x")}),
		"string":          cty.StringVal("ani"),
		"wrong attr type": row(map[string]cty.Value{"u": cty.ListValEmpty(cty.String), "g": cty.StringVal("x")}),
	}
	bodies := map[string]string{
		"direct":                    "username = each.value.u\nemail = each.key\nbasic_profile {\n gender = each.value.g\n}",
		"literals":                  "username = \"ani\"\nemail = 6281\nbasic_profile {\n gender = \"a${\"b\"}c\"\n}",
		"literal of the wrong type": "username = [\"not a string\"]\nemail = null\nbasic_profile {\n gender = true\n}",
		"template":                  "username = \"${each.value.u}\"\nbasic_profile {\n gender = each.value.g\n}",
		"index":                     "username = each.value[\"u\"]",
	}
	for bname, body := range bodies {
		c := loadSrc(t, "variable \"x\" {\n default = \"v\"\n}\nresource \"usapi_account\" \"a\" {\n for_each = {}\n"+body+"\n}\n")
		r := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}]
		s := &Scope{Config: c, Vars: map[string]cty.Value{"x": cty.StringVal("v")}}
		e := s.BodyEvaluator(r.Config, spec)
		for vname, v := range values {
			rep := EachRepetition(cty.StringVal("k"), v, nil)
			got, gotDiags := e.Eval(rep)
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": rep.EachKey(), "value": rep.EachValue()})}}
			want, wantDiags := hcldec.Decode(r.Config, spec, ctx)
			if gotDiags.HasErrors() != wantDiags.HasErrors() || diagSummaries(gotDiags) != diagSummaries(wantDiags) {
				t.Errorf("%s, %s: diagnostics\n%s\nwant\n%s", bname, vname, diagSummaries(gotDiags), diagSummaries(wantDiags))
				continue
			}
			if !wantDiags.HasErrors() && !got.RawEquals(want) {
				t.Errorf("%s, %s: got %#v, want %#v", bname, vname, got, want)
			}
			// EvalFields gives Eval's object and diagnostics, as its
			// attributes.
			f, fDiags, ok := e.EvalFields(rep)
			if !ok {
				t.Errorf("%s, %s: EvalFields declined a compiled body", bname, vname)
				continue
			}
			if diagSummaries(fDiags) != diagSummaries(gotDiags) {
				t.Errorf("%s, %s: EvalFields diagnostics\n%s\nwant\n%s", bname, vname, diagSummaries(fDiags), diagSummaries(gotDiags))
			}
			if fv := f.Object(); !gotDiags.HasErrors() && !fv.RawEquals(got) {
				t.Errorf("%s, %s: EvalFields object %#v, want %#v", bname, vname, fv, got)
			}
			for name := range got.Type().AttributeTypes() {
				if !gotDiags.HasErrors() && !f.Attr(name).RawEquals(got.GetAttr(name)) {
					t.Errorf("%s, %s: Attr(%q) = %#v, want %#v", bname, vname, name, f.Attr(name), got.GetAttr(name))
				}
			}
			if f.Attr("no such attribute") != cty.NilVal {
				t.Errorf("%s, %s: Attr of an attribute the body has not", bname, vname)
			}
			// EvalFieldsIn gives the same in a used array that has the
			// capacity (its old values cleared), and in a new one otherwise.
			for _, size := range []int{0, 1, 64} {
				buf := make([]cty.Value, size)
				for i := range buf {
					buf[i] = cty.StringVal("left over")
				}
				fi, fiDiags, ok := e.EvalFieldsIn(rep, buf[:0])
				if !ok || diagSummaries(fiDiags) != diagSummaries(gotDiags) {
					t.Errorf("%s, %s: EvalFieldsIn in %d: ok %v, diagnostics %s", bname, vname, size, ok, diagSummaries(fiDiags))
					continue
				}
				if fv := fi.Object(); !gotDiags.HasErrors() && !fv.RawEquals(got) {
					t.Errorf("%s, %s: EvalFieldsIn in %d: object %#v, want %#v", bname, vname, size, fv, got)
				}
				if inBuf := size > 0 && len(fi.Vals) > 0 && &fi.Vals[0] == &buf[0]; inBuf != (size >= len(fi.Vals) && len(fi.Vals) > 0) {
					t.Errorf("%s, %s: EvalFieldsIn in %d: in the given array %v", bname, vname, size, inBuf)
				}
			}
		}
	}
}

// TestEvalFieldsDeclines: a body EvalFields cannot give as fields (one
// with a dynamic block, a module's instance) is declined, so the caller
// evaluates it with Eval.
func TestEvalFieldsDeclines(t *testing.T) {
	spec := DecoderSpec(usapiAccountSchema())
	c := loadSrc(t, "resource \"usapi_account\" \"a\" {\n for_each = {}\n username = each.key\n dynamic \"basic_profile\" {\n  for_each = [1]\n  content {\n   gender = \"x\"\n  }\n }\n}\n")
	r := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}]
	e := (&Scope{Config: c}).BodyEvaluator(r.Config, spec)
	rep := EachRepetition(cty.StringVal("k"), cty.StringVal("v"), nil)
	if _, _, ok := e.EvalFields(rep); ok {
		t.Fatal("EvalFields of a body with a dynamic block")
	}
	if v, diags := e.Eval(rep); diags.HasErrors() || v.GetAttr("username").AsString() != "k" {
		t.Fatalf("Eval: %#v, %s", v, diagsText(diags))
	}
	// Without each's value, EvalFields declines and Eval explains.
	if _, _, ok := e.EvalFields(Repetition{}); ok {
		t.Fatal("EvalFields without each")
	}
}

// TestBodyEvaluatorCountIndex: count.index is read directly too.
func TestBodyEvaluatorCountIndex(t *testing.T) {
	spec := DecoderSpec(usapiAccountSchema())
	c := loadSrc(t, "resource \"usapi_account\" \"a\" {\n count = 2\n username = count.index\n}\n")
	r := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}]
	got, diags := (&Scope{Config: c}).BodyEvaluator(r.Config, spec).Eval(CountRepetition(cty.NumberIntVal(1), nil))
	if diags.HasErrors() || got.GetAttr("username").AsString() != "1" {
		t.Fatalf("got %#v, %s", got, diagsText(diags))
	}
}

func diagSummaries(diags hcl.Diagnostics) string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return strings.Join(out, "\n")
}
