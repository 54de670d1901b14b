package marks

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestAsCtyAnswers: Unmarked gives what UnmarkDeep gives and Contains what
// ContainsMarked answers, wherever the mark is: on the whole, an
// attribute, a nested block's attribute, a collection's element, an
// unknown or null value.
func TestAsCtyAnswers(t *testing.T) {
	secret := cty.StringVal("3273014107950001").Mark("sensitive")
	profile := func(gender cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"gender": gender, "tags": cty.ListVal([]cty.Value{cty.StringVal("a")})})
	}
	account := func(password, prof cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "password": password,
			"phone_number": cty.NullVal(cty.String), "basic_profile": prof})
	}
	plain := account(cty.StringVal("s"), profile(cty.StringVal("F")))
	cases := map[string]cty.Value{
		"nothing marked":     plain,
		"whole":              plain.Mark("sensitive"),
		"attribute":          account(secret, profile(cty.StringVal("F"))),
		"nested attribute":   account(cty.StringVal("s"), profile(cty.StringVal("F").Mark("sensitive"))),
		"in a list":          account(cty.StringVal("s"), cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("F"), "tags": cty.ListVal([]cty.Value{cty.StringVal("a"), secret})})),
		"plain list":         cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{cty.StringVal("a")})}),
		"in a map":           cty.ObjectVal(map[string]cty.Value{"m": cty.MapVal(map[string]cty.Value{"k": secret})}),
		"null block marked":  account(cty.StringVal("s"), cty.NullVal(profile(cty.StringVal("F")).Type()).Mark("sensitive")),
		"unknown":            cty.UnknownVal(cty.String),
		"unknown marked":     account(cty.UnknownVal(cty.String).Mark("sensitive"), profile(cty.StringVal("F"))),
		"null object":        cty.NullVal(cty.Object(map[string]cty.Type{"a": cty.String})),
		"primitive marked":   cty.StringVal("x").Mark("sensitive"),
		"primitive unmarked": cty.StringVal("x"),
	}
	for name, v := range cases {
		want, _ := v.UnmarkDeep()
		if got := Unmarked(v); got.ContainsMarked() || !got.RawEquals(want) {
			t.Errorf("%s: Unmarked = %#v, want %#v", name, got, want)
		}
		if got, want := Contains(v), v.ContainsMarked(); got != want {
			t.Errorf("%s: Contains = %v, want %v", name, got, want)
		}
	}
}
