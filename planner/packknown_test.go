package planner

import (
	"testing"

	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestPackedWhollyKnown: a create planned from its attributes has no
// object (Config is cty.NilVal, which cty calls wholly known), so whether
// the configuration pack encoded is wholly known is its attributes'. Apply
// lets go of the row of a step whose packed configuration is wholly known
// (evaluatedAtApply); one with an unknown attribute is evaluated again at
// apply, with its row.
func TestPackedWhollyKnown(t *testing.T) {
	names := []string{"email", "name"}
	for _, tc := range []struct {
		name string
		st   *Step
		want bool
	}{
		{"object known", &Step{Config: cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("ani")})}, true},
		{"object unknown", &Step{Config: cty.ObjectVal(map[string]cty.Value{"name": cty.UnknownVal(cty.String)})}, false},
		{"attributes known", &Step{fields: &schema.Fields{Names: names, Vals: []cty.Value{cty.StringVal("a@example.id"), cty.StringVal("ani")}}}, true},
		{"attribute unknown", &Step{fields: &schema.Fields{Names: names, Vals: []cty.Value{cty.UnknownVal(cty.String), cty.StringVal("ani")}}}, false},
		{"attribute partly unknown", &Step{fields: &schema.Fields{Names: names, Vals: []cty.Value{cty.ListVal([]cty.Value{cty.UnknownVal(cty.String)}), cty.StringVal("ani")}}}, false},
	} {
		if got := packedWhollyKnown(tc.st); got != tc.want {
			t.Errorf("%s: packedWhollyKnown = %v, want %v", tc.name, got, tc.want)
		}
	}
}
