package proofylink

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// attrsOf is a configuration given by its attributes, as the engine gives
// an unchanged batch instance's: an attribute the object lacks is
// cty.NilVal.
type attrsOf struct{ v cty.Value }

func (a attrsOf) Attr(name string) cty.Value {
	if !a.v.Type().HasAttribute(name) {
		return cty.NilVal
	}
	return a.v.GetAttr(name)
}
func (a attrsOf) Object() cty.Value { return a.v }

// TestSubjectCheckAttrsAsObject: the check for a subject verified twice
// notes from a configuration's attributes (AddAttrs, as the engine adds an
// unchanged verification of a batch) what it notes from its object (Add):
// two of the same configuration warn once, on the second, whichever way
// each was added, when the subject is known (marked or not), and not at
// all when it is unknown, null, missing, of another type or with a type
// that is not a whole number, or when the resource is of another type.
func TestSubjectCheckAttrsAsObject(t *testing.T) {
	p := New()
	s := cty.StringVal
	sensitive := func(v cty.Value) cty.Value { return v.Mark("sensitive") }
	without := func(name string) cty.Value {
		m := config(nil).AsValueMap()
		delete(m, name)
		return cty.ObjectVal(m)
	}
	tests := map[string]struct {
		typ  string
		cfg  cty.Value
		warn bool
	}{
		"plain":                 {verificationType, config(nil), true},
		"NIK marked":            {verificationType, config(map[string]cty.Value{"id_number": sensitive(s(testNIK))}), true},
		"type marked":           {verificationType, config(map[string]cty.Value{"verification_type_id": sensitive(cty.NumberIntVal(2))}), true},
		"type 3.0":              {verificationType, config(map[string]cty.Value{"verification_type_id": cty.NumberFloatVal(3.0)}), true},
		"NIK unknown":           {verificationType, config(map[string]cty.Value{"id_number": cty.UnknownVal(cty.String)}), false},
		"NIK unknown, marked":   {verificationType, config(map[string]cty.Value{"id_number": sensitive(cty.UnknownVal(cty.String))}), false},
		"NIK null":              {verificationType, config(map[string]cty.Value{"id_number": cty.NullVal(cty.String)}), false},
		"NIK a number":          {verificationType, config(map[string]cty.Value{"id_number": cty.NumberIntVal(3171011805960053)}), false},
		"NIK missing":           {verificationType, without("id_number"), false},
		"type 1.5":              {verificationType, config(map[string]cty.Value{"verification_type_id": cty.NumberFloatVal(1.5)}), false},
		"type unknown":          {verificationType, config(map[string]cty.Value{"verification_type_id": cty.UnknownVal(cty.Number)}), false},
		"type null":             {verificationType, config(map[string]cty.Value{"verification_type_id": cty.NullVal(cty.Number)}), false},
		"type a string":         {verificationType, config(map[string]cty.Value{"verification_type_id": s("1")}), false},
		"type missing":          {verificationType, without("verification_type_id"), false},
		"another resource type": {"proofylink_other", config(nil), false},
		"dynamic NIK, known":    {verificationType, config(map[string]cty.Value{"id_number": cty.DynamicVal}), false},
		"type beyond int64":     {verificationType, config(map[string]cty.Value{"verification_type_id": cty.MustParseNumberVal("1e30")}), false},
	}
	for name, tt := range tests {
		var got [4]providers.Diagnostics
		for way := range got {
			c := p.CheckConfigs()
			for order, addr := range []string{`proofylink_verification.a["x"]`, "proofylink_verification.b"} {
				if byAttrs := way>>order&1 == 1; byAttrs {
					providers.AddConfig(c, int64(order), tt.typ, addr, attrsOf{tt.cfg})
				} else {
					c.Add(int64(order), providers.ValidateRequest{Type: tt.typ, Addr: addr, Config: tt.cfg})
				}
			}
			got[way] = c.Diagnostics()
		}
		for way, diags := range got {
			if !tt.warn {
				if len(diags) != 0 {
					t.Errorf("%s, way %d: %v, want no warning", name, way, diags)
				}
				continue
			}
			if len(diags) != 1 || diags[0].Resource != "proofylink_verification.b" || diags[0].Summary != "Same subject verified twice" {
				t.Errorf("%s, way %d: %v, want one warning on proofylink_verification.b", name, way, diags)
				continue
			}
			if diags[0].Detail != got[0][0].Detail {
				t.Errorf("%s, way %d: %q, by objects %q", name, way, diags[0].Detail, got[0][0].Detail)
			}
		}
	}
	if _, ok := p.CheckConfigs().(providers.AttrsCheck); !ok {
		t.Error("the check is not a providers.AttrsCheck: the engine builds each verification's object for it")
	}
}

// TestSubjectCheckTypesInTurn: the check reads each verification's type
// as its own, whichever type the verification before had (it keeps the
// last one read, shared by a batch's verifications): a NIK screened with
// types 1, 2, 1 again (another literal of the same number), 1.5, 2 again
// and the first literal again warns on the third, the fifth and the
// sixth, each naming the first of its type.
func TestSubjectCheckTypesInTurn(t *testing.T) {
	one := cty.NumberIntVal(1)
	types := []cty.Value{one, cty.NumberIntVal(2), cty.NumberIntVal(1), cty.NumberFloatVal(1.5), cty.NumberIntVal(2), one}
	c := New().CheckConfigs()
	for i, ty := range types {
		addr := fmt.Sprintf("proofylink_verification.v[%d]", i)
		providers.AddConfig(c, int64(i), verificationType, addr, attrsOf{config(map[string]cty.Value{"verification_type_id": ty})})
	}
	var got []string
	for _, d := range c.Diagnostics() {
		first := d.Detail[strings.Index(d.Detail, "as proofylink_verification.")+3:]
		got = append(got, d.Resource+" after "+first[:strings.Index(first, " ")])
	}
	want := []string{
		"proofylink_verification.v[2] after proofylink_verification.v[0]",
		"proofylink_verification.v[4] after proofylink_verification.v[1]",
		"proofylink_verification.v[5] after proofylink_verification.v[0]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
