package proofylink

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestContainsMarked: containsMarked answers as cty's ContainsMarked, on
// objects, in nested collections, and on unknown and null values.
func TestContainsMarked(t *testing.T) {
	secret := cty.StringVal("3273014107950001").Mark("sensitive")
	for name, v := range map[string]cty.Value{
		"plain object":       config(nil),
		"marked attribute":   config(map[string]cty.Value{"id_number": secret}),
		"marked object":      config(nil).Mark("sensitive"),
		"in a nested object": config(map[string]cty.Value{"consent_metadata": cty.ObjectVal(map[string]cty.Value{"a": secret})}),
		"in a list":          cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{cty.StringVal("a"), secret})}),
		"plain list":         cty.ObjectVal(map[string]cty.Value{"l": cty.ListVal([]cty.Value{cty.StringVal("a")})}),
		"unknown":            cty.UnknownVal(cty.String),
		"marked unknown":     cty.ObjectVal(map[string]cty.Value{"u": cty.UnknownVal(cty.String).Mark("sensitive")}),
		"null object":        cty.NullVal(cty.Object(map[string]cty.Type{"a": cty.String})),
	} {
		if got, want := containsMarked(v), v.ContainsMarked(); got != want {
			t.Errorf("%s: containsMarked = %v, want %v", name, got, want)
		}
	}
}
