package plans_test

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// TestDeferValueReadsBackExactly: a no-op's value kept as its attribute
// values alone (DeferValue) reads back raw-equal to the value kept, for
// every kind of attribute a resource's type holds (strings with
// non-ASCII text, whole and fractional and large numbers, bools, nulls,
// unknowns, lists, maps, sets, nested objects, dynamic ones null or unknown), in Before
// and After, with Persist and the address kept, and again from its bytes
// alone (DeferredAttrs); values it cannot hold, and other changes, are
// left as they were, with no bytes to give.
func TestDeferValueReadsBackExactly(t *testing.T) {
	nested := cty.Object(map[string]cty.Type{"name": cty.String, "n": cty.Number})
	ty := cty.Object(map[string]cty.Type{
		"id": cty.String, "note": cty.String, "count": cty.Number, "score": cty.Number, "big": cty.Number,
		"ok": cty.Bool, "missing": cty.String, "later": cty.String, "tags": cty.List(cty.String),
		"labels": cty.Map(cty.String), "set": cty.Set(cty.Number), "inner": nested, "none": nested,
		"anything": cty.DynamicPseudoType, "neg": cty.Number,
	})
	huge := cty.MustParseNumberVal("123456789012345678901234567890.5")
	values := []cty.Value{
		cty.ObjectVal(map[string]cty.Value{
			"id": cty.StringVal("EMP-261206-0001"), "note": cty.StringVal("Perubahan café — 16 digit 3273********0001"),
			"count": cty.NumberIntVal(7), "score": cty.NumberFloatVal(0.875), "big": huge,
			"ok": cty.True, "missing": cty.NullVal(cty.String), "later": cty.UnknownVal(cty.String),
			"tags":   cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
			"labels": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
			"set":    cty.SetVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)}),
			"inner":  cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("x"), "n": cty.NumberIntVal(-3)}),
			"none":   cty.NullVal(nested), "anything": cty.DynamicVal, "neg": cty.NumberIntVal(-2147483649),
		}),
		cty.ObjectVal(map[string]cty.Value{
			"id": cty.StringVal(""), "note": cty.NullVal(cty.String), "count": cty.NumberIntVal(0), "score": cty.NullVal(cty.Number),
			"big": cty.UnknownVal(cty.Number), "ok": cty.False, "missing": cty.StringVal("now here"), "later": cty.StringVal("known"),
			"tags": cty.ListValEmpty(cty.String), "labels": cty.NullVal(cty.Map(cty.String)), "set": cty.UnknownVal(cty.Set(cty.Number)),
			"inner": cty.UnknownVal(nested), "none": cty.ObjectVal(map[string]cty.Value{"name": cty.NullVal(cty.String), "n": cty.NumberIntVal(255)}),
			"anything": cty.NullVal(cty.DynamicPseudoType), "neg": cty.NumberIntVal(-1),
		}),
	}
	addr := addrs.Resource{Mode: addrs.Managed, Type: "proofylink_verification", Name: "p"}.Instance(addrs.StringKey("ani"))
	for i, v := range values {
		c := &plans.Change{Addr: addr, Action: plans.NoOp, Before: v, After: v, Persist: true, Provider: "proofylink"}
		if !c.DeferValue(ty) {
			t.Fatalf("value %d not deferred", i)
		}
		if !c.Deferred() || c.Before != cty.NilVal || c.After != cty.NilVal || !c.Persist || c.Action != plans.NoOp || c.Addr != addr {
			t.Fatalf("value %d: change after DeferValue: %+v", i, c)
		}
		before, after, err := c.Values()
		if err != nil {
			t.Fatal(err)
		}
		if !before.RawEquals(v) || !after.RawEquals(v) {
			t.Errorf("value %d read back as\n%#v\n%#v, want\n%#v", i, before, after, v)
		}
		// Its bytes alone (DeferredAttrs), deferred again in another
		// change (a lazy block's refreshed no-op), read back the same.
		again := &plans.Change{Addr: addr, Persist: true}
		again.Defer(codec.LazyMsgpackAttrs(c.DeferredAttrs(), ty))
		if before, after, err := again.Values(); err != nil || !before.RawEquals(v) || !after.RawEquals(v) {
			t.Errorf("value %d deferred again from its bytes read back as\n%#v\n%#v (%v), want\n%#v", i, before, after, err, v)
		}
		if err := c.ReadDeferred(); err != nil {
			t.Fatal(err)
		}
		if !c.Before.RawEquals(v) || !c.After.RawEquals(v) || c.Deferred() {
			t.Errorf("value %d: ReadDeferred gave %#v, %#v", i, c.Before, c.After)
		}
	}

	v := values[0]
	other := values[1]
	for name, c := range map[string]*plans.Change{
		"an update":               {Addr: addr, Action: plans.Update, Before: v, After: other},
		"a no-op of two values":   {Addr: addr, Action: plans.NoOp, Before: v, After: other},
		"a marked value":          {Addr: addr, Action: plans.NoOp, Before: v.Mark("sensitive"), After: v.Mark("sensitive")},
		"a null value":            {Addr: addr, Action: plans.NoOp, Before: cty.NullVal(ty), After: cty.NullVal(ty)},
		"a value of another type": {Addr: addr, Action: plans.NoOp, Before: cty.EmptyObjectVal, After: cty.EmptyObjectVal},
	} {
		before, after := c.Before, c.After
		if c.DeferValue(ty) || c.Deferred() || !c.Before.RawEquals(before) || !c.After.RawEquals(after) || c.DeferredAttrs() != nil {
			t.Errorf("%s: deferred, or changed: %+v", name, c)
		}
	}
	stored := &plans.Change{Addr: addr}
	stored.Defer(codec.LazyJSON([]byte(`{}`), ty)) // a stored record's value, not attribute values
	if stored.DeferredAttrs() != nil {
		t.Errorf("a stored record's deferred value gave attribute bytes")
	}
}
