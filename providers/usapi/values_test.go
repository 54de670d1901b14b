package usapi

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// unmarkedDeep gives what UnmarkDeep gives, wherever the mark is: on the
// whole, an attribute, a nested block's attribute, a collection's element.
func TestUnmarkedDeep(t *testing.T) {
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
		"attribute":          account(cty.StringVal("s").Mark("sensitive"), profile(cty.StringVal("F"))),
		"nested attribute":   account(cty.StringVal("s"), profile(cty.StringVal("F").Mark("sensitive"))),
		"in a list":          account(cty.StringVal("s"), cty.ObjectVal(map[string]cty.Value{"gender": cty.StringVal("F"), "tags": cty.ListVal([]cty.Value{cty.StringVal("a").Mark("sensitive")})})),
		"null block marked":  account(cty.StringVal("s"), cty.NullVal(profile(cty.StringVal("F")).Type()).Mark("sensitive")),
		"unknown marked":     account(cty.UnknownVal(cty.String).Mark("sensitive"), profile(cty.StringVal("F"))),
		"primitive marked":   cty.StringVal("x").Mark("sensitive"),
		"primitive unmarked": cty.StringVal("x"),
	}
	for name, v := range cases {
		want, _ := v.UnmarkDeep()
		got := unmarkedDeep(v)
		if got.ContainsMarked() || !got.RawEquals(want) {
			t.Errorf("%s: unmarkedDeep = %#v, want %#v", name, got, want)
		}
		if wantMarked := v.ContainsMarked(); marked(v) != wantMarked {
			t.Errorf("%s: marked = %v, want %v", name, !wantMarked, wantMarked)
		}
	}
}
