package plans

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestPackCreateAttrsIsPackAttrs: a create packed from its configuration's
// and its planned value's attributes (PackCreateAttrs, PackCreateValues)
// holds the bytes PackAttrs and PackValues write with the planned object
// built, reads back the same values, and gives the same configuration
// encoding (the digest's input); what daftar's encoder does not write (a
// refined unknown, a dynamic value, a mark), a create that is not one or a
// value of another type is declined, the change left as it was.
func TestPackCreateAttrsIsPackAttrs(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	attrsOf := func(v cty.Value) ([]string, []cty.Value) {
		names := slices.Sorted(maps.Keys(v.Type().AttributeTypes()))
		vals := make([]cty.Value, len(names))
		for i, n := range names {
			vals[i] = v.GetAttr(n)
		}
		return names, vals
	}
	profile := obj(map[string]cty.Value{"nik": cty.StringVal("3171"), "age": cty.NumberIntVal(-40000)})
	account := func(id, pw cty.Value) cty.Value {
		return obj(map[string]cty.Value{"username": cty.StringVal("ani"), "id": id, "password": pw,
			"ok": cty.False, "note": cty.NullVal(cty.String), "profile": profile, "gone": cty.NullVal(profile.Type())})
	}
	many := manyAttrs(20)
	manyPlanned := obj(func() map[string]cty.Value {
		m := many.AsValueMap()
		m["a_attr"] = cty.UnknownVal(cty.Number)
		return m
	}())
	type pair struct{ config, planned cty.Value }
	for name, tc := range map[string]pair{
		"an account": {account(cty.NullVal(cty.String), cty.StringVal("s3cret")), account(cty.UnknownVal(cty.String), cty.StringVal("hmac:1f"))},
		"many":       {many, manyPlanned},
		"a long string": {obj(map[string]cty.Value{"s": cty.StringVal(strings.Repeat("é", 1000))}),
			obj(map[string]cty.Value{"s": cty.StringVal(strings.Repeat("é", 1000))})},
	} {
		ty := tc.config.Type()
		names, config := attrsOf(tc.config)
		_, planned := attrsOf(tc.planned)
		create := func(after cty.Value) *Change {
			return &Change{Action: Create, Before: cty.NullVal(ty), After: after}
		}
		want := create(tc.planned)
		wantConfig := want.PackAttrs(ty, names, config)
		if wantConfig == nil {
			t.Fatalf("%s: PackAttrs did not pack", name)
		}
		got := create(cty.NilVal)
		gotConfig := got.PackCreateAttrs(ty, names, config, planned)
		if !bytes.Equal(gotConfig, wantConfig) || got.packed == nil || !bytes.Equal(got.packed.buf, want.packed.buf) || got.packed.cut != want.packed.cut || got.packed.attrs {
			t.Fatalf("%s: packed %x, want %x", name, got.packed.buf, want.packed.buf)
		}
		before, after, err := got.Values()
		if err != nil || !before.RawEquals(cty.NullVal(ty)) || !after.RawEquals(tc.planned) {
			t.Errorf("%s: read back %#v, %#v, %v", name, before, after, err)
		}
		if c, err := got.ConfigValue(); err != nil || !c.RawEquals(tc.config) {
			t.Errorf("%s: configuration read back %#v, %v", name, c, err)
		}
		if got.Before != cty.NilVal || got.After != cty.NilVal || got.Config != cty.NilVal || !got.Deferred() {
			t.Errorf("%s: values kept decoded beside the packed create", name)
		}

		want = create(tc.planned)
		if !want.PackValues(ty, names, config) {
			t.Fatalf("%s: PackValues did not pack", name)
		}
		got = create(cty.NilVal)
		if !got.PackCreateValues(ty, names, config, planned) || !bytes.Equal(got.packed.buf, want.packed.buf) || got.packed.cut != want.packed.cut || !got.packed.attrs {
			t.Fatalf("%s: packed as values %x, want %x", name, got.packed.buf, want.packed.buf)
		}
		if _, after, err := got.Values(); err != nil || !after.RawEquals(tc.planned) {
			t.Errorf("%s: values read back %#v, %v", name, after, err)
		}
		if c, err := got.ConfigValue(); err != nil || !c.RawEquals(tc.config) {
			t.Errorf("%s: configuration values read back %#v, %v", name, c, err)
		}
	}

	// Declined, the change left as it was.
	ty := profile.Type()
	names, config := attrsOf(profile)
	for name, tc := range map[string]struct {
		c       *Change
		planned []cty.Value
	}{
		"a refined unknown": {&Change{Action: Create, Before: cty.NullVal(ty)}, []cty.Value{cty.UnknownVal(cty.Number).RefineNotNull(), cty.StringVal("3171")}},
		"a mark":            {&Change{Action: Create, Before: cty.NullVal(ty)}, []cty.Value{cty.NumberIntVal(1), cty.StringVal("3171").Mark("sensitive")}},
		"another type":      {&Change{Action: Create, Before: cty.NullVal(ty)}, []cty.Value{cty.StringVal("1"), cty.StringVal("3171")}},
		"one value short":   {&Change{Action: Create, Before: cty.NullVal(ty)}, []cty.Value{cty.NumberIntVal(1)}},
		"an update":         {&Change{Action: Update, Before: cty.NullVal(ty)}, config},
		"a planned object":  {&Change{Action: Create, Before: cty.NullVal(ty), After: profile}, config},
		"no before":         {&Change{Action: Create}, config},
	} {
		before := *tc.c
		if tc.c.PackCreateAttrs(ty, names, config, tc.planned) != nil || tc.c.packed != nil || !sameValue(tc.c.Before, before.Before) || !sameValue(tc.c.After, before.After) {
			t.Errorf("%s: packed from the attributes", name)
		}
		if name == "a refined unknown" {
			continue // PackValues leaves a non-primitive value to cty's encoder, which writes a refinement
		}
		if tc.c.PackCreateValues(ty, names, config, tc.planned) || tc.c.packed != nil || !sameValue(tc.c.Before, before.Before) || !sameValue(tc.c.After, before.After) {
			t.Errorf("%s: packed as values", name)
		}
	}
}

// sameValue reports whether a and b are both cty.NilVal or RawEquals.
func sameValue(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == cty.NilVal && b == cty.NilVal
	}
	return a.RawEquals(b)
}
