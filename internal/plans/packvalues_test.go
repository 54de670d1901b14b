package plans

import (
	"fmt"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestPackValuesReadsBackExactly: a create packed as its attribute values
// (PackValues), from its configuration's object or from its attributes,
// reads back its own configuration and planned value raw-equal (unknowns,
// nulls, numbers, nested collections), in fewer bytes than Pack's; a
// marked attribute or an object with optional attributes leaves the
// change as it was.
func TestPackValuesReadsBackExactly(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{
		"full_name": cty.String, "email": cty.String, "id_number": cty.String, "score": cty.Number,
		"tags": cty.List(cty.String), "done": cty.Bool, "reference_code": cty.String,
	})
	mk := func(i int) (config, after cty.Value) {
		attrs := map[string]cty.Value{
			"full_name": cty.StringVal(fmt.Sprintf("Nama %d", i)), "email": cty.StringVal(fmt.Sprintf("p%d@example.id", i)),
			"id_number": cty.StringVal(fmt.Sprintf("327301010190%04d", i)), "score": cty.NumberFloatVal(float64(i) + 0.5),
			"tags": cty.ListVal([]cty.Value{cty.StringVal(fmt.Sprint(i)), cty.UnknownVal(cty.String)}), "done": cty.False,
			"reference_code": cty.NullVal(cty.String),
		}
		config = cty.ObjectVal(attrs)
		attrs["reference_code"], attrs["done"] = cty.UnknownVal(cty.String), cty.UnknownVal(cty.Bool)
		return config, cty.ObjectVal(attrs)
	}
	for i := 0; i < 50; i++ {
		config, after := mk(i)
		ref := &Change{Action: Create, Before: cty.NullVal(ty), After: after, Config: config}
		full := ref.Pack(ty)
		c := &Change{Action: Create, Before: cty.NullVal(ty), After: after, Config: config}
		if i%2 == 1 { // from its attributes, the object never built
			names := []string{"done", "email", "full_name", "id_number", "reference_code", "score", "tags"}
			vals := make([]cty.Value, len(names))
			for j, n := range names {
				vals[j] = config.GetAttr(n)
			}
			c.Config = cty.NilVal
			if !c.PackValues(ty, names, vals) {
				t.Fatalf("%d: not packed from its attributes", i)
			}
		} else if !c.PackValues(ty, nil, nil) {
			t.Fatalf("%d: not packed", i)
		}
		if !c.Deferred() || c.After != cty.NilVal || c.Config != cty.NilVal {
			t.Fatalf("%d: values still held", i)
		}
		if got, want := len(c.packed.buf), len(ref.packed.buf); got >= want || full == nil {
			t.Errorf("%d: %d bytes packed as values, %d as objects", i, got, want)
		}
		_, planned, err := c.Values()
		if err != nil || !planned.RawEquals(after) {
			t.Fatalf("%d: Values %#v, %v", i, planned, err)
		}
		if err := c.ReadDeferred(); err != nil || !c.After.RawEquals(after) || !c.Config.RawEquals(config) || !c.Before.RawEquals(cty.NullVal(ty)) {
			t.Fatalf("%d: read back %#v / %#v, %v", i, c.After, c.Config, err)
		}
	}
	config, after := mk(1)
	marked := &Change{Action: Create, Before: cty.NullVal(ty), After: after,
		Config: config.Mark("sensitive")}
	if marked.PackValues(ty, nil, nil) || marked.Deferred() || marked.After == cty.NilVal {
		t.Error("a marked configuration must stay as it is")
	}
	inner := cty.ObjectVal(map[string]cty.Value{"id_number": cty.StringVal("3273010101900001").Mark("sensitive"), "email": cty.StringVal("e")})
	ity := inner.Type()
	m2 := &Change{Action: Create, Before: cty.NullVal(ity), After: inner, Config: inner}
	if m2.PackValues(ity, nil, nil) || m2.Deferred() {
		t.Error("a marked attribute must stay as it is")
	}
	oty := cty.ObjectWithOptionalAttrs(map[string]cty.Type{"a": cty.String}, []string{"a"})
	o := &Change{Action: Create, Before: cty.NullVal(oty), After: cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}), Config: cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")})}
	if o.PackValues(oty, nil, nil) || o.Deferred() {
		t.Error("an object with optional attributes must stay as it is")
	}
}
