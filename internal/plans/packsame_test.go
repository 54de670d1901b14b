package plans

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// TestPackValuesWithoutRepeats: a create packed from its attribute values
// keeps, of its planned value, only the attributes that differ from its
// configuration's (same), and reads both back raw-equal: every
// attribute shared but the computed ones, none shared (kept whole), all
// shared, long strings and collections (the msgpack codes with lengths
// of one, two and four bytes), numbers of each width, maps, unknowns and
// nulls. A packed value cut short or with bytes left over is read as an
// error, never as another value.
func TestPackValuesWithoutRepeats(t *testing.T) {
	long := strings.Repeat("x", 70000) // a str32 / bin-free string beyond 65535 bytes
	ty := cty.Object(map[string]cty.Type{
		"name": cty.String, "note": cty.String, "n": cty.Number, "tags": cty.List(cty.String), "meta": cty.Map(cty.String),
		"id": cty.String, "ok": cty.Bool,
	})
	nums := []cty.Value{cty.NumberIntVal(5), cty.NumberIntVal(-3), cty.NumberIntVal(200), cty.NumberIntVal(-200), cty.NumberIntVal(70000),
		cty.NumberIntVal(-70000), cty.NumberIntVal(1 << 40), cty.NumberIntVal(-(1 << 40)), cty.NumberFloatVal(2.5),
		cty.NumberVal(new(big.Float).SetPrec(512).SetInt(new(big.Int).Lsh(big.NewInt(1), 200)))}
	var tags []cty.Value
	for i := range 20 { // an array16
		tags = append(tags, cty.StringVal(fmt.Sprint(i)))
	}
	for i, n := range nums {
		meta := map[string]cty.Value{}
		for j := range 17 { // a map16
			meta[fmt.Sprintf("k%d", j)] = cty.StringVal(fmt.Sprint(i * j))
		}
		note := []string{"", "short", strings.Repeat("y", 40), strings.Repeat("z", 300), long}[i%5]
		config := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(fmt.Sprintf("p%d", i)), "note": cty.StringVal(note), "n": n,
			"tags": cty.ListVal(tags), "meta": cty.MapVal(meta), "id": cty.NullVal(cty.String), "ok": cty.NullVal(cty.Bool)})
		for _, tc := range []struct {
			name  string
			after cty.Value
			same  bool
		}{
			{"computed", withAttrs(config, map[string]cty.Value{"id": cty.UnknownVal(cty.String), "ok": cty.True}), true},
			{"all shared", config, true},
			{"none shared", cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("other"), "note": cty.StringVal(note + "!"), "n": cty.NumberIntVal(99999),
				"tags": cty.ListValEmpty(cty.String), "meta": cty.MapValEmpty(cty.String), "id": cty.StringVal("id"), "ok": cty.False}), false},
		} {
			c := &Change{Action: Create, Before: cty.NullVal(ty), After: tc.after, Config: config}
			if !c.PackValues(ty, nil, nil) {
				t.Fatalf("%d %s: not packed", i, tc.name)
			}
			if c.packed.same != tc.same {
				t.Errorf("%d %s: same %v, want %v", i, tc.name, c.packed.same, tc.same)
			}
			cb, _ := appendAttrValues(nil, config, ty)
			pb, _ := appendAttrValues(nil, tc.after, ty)
			if tc.same && len(c.packed.buf) >= len(cb)+len(pb) {
				t.Errorf("%d %s: %d bytes packed, no fewer than the two tuples' %d", i, tc.name, len(c.packed.buf), len(cb)+len(pb))
			}
			if err := c.ReadDeferred(); err != nil || !c.After.RawEquals(tc.after) || !c.Config.RawEquals(config) {
				t.Fatalf("%d %s: read back %#v / %#v, %v", i, tc.name, c.After, c.Config, err)
			}
		}
	}
	// Cut short, or with a byte more: an error, not a value.
	config := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("p"), "note": cty.StringVal("n"), "n": cty.NumberIntVal(1),
		"tags": cty.ListValEmpty(cty.String), "meta": cty.MapValEmpty(cty.String), "id": cty.NullVal(cty.String), "ok": cty.NullVal(cty.Bool)})
	for _, bad := range []func([]byte) []byte{
		func(b []byte) []byte { return b[:len(b)-1] },
		func(b []byte) []byte { return append(b, 0xc0) },
	} {
		c := &Change{Action: Create, Before: cty.NullVal(ty), After: withAttrs(config, map[string]cty.Value{"id": cty.StringVal("x")}), Config: config}
		if !c.PackValues(ty, nil, nil) || !c.packed.same {
			t.Fatal("not packed without repeats")
		}
		c.packed.buf = bad(c.packed.buf)
		if _, _, err := c.Values(); err == nil {
			t.Error("a damaged packed value read without error")
		}
	}
}

// TestMsgpackSkip: msgpackSkip finds the end of every value cty's msgpack
// writes, alone and followed by others, and not of one cut short.
func TestMsgpackSkip(t *testing.T) {
	vals := []cty.Value{cty.NullVal(cty.String), cty.UnknownVal(cty.String), cty.True, cty.StringVal(""), cty.StringVal(strings.Repeat("a", 31)),
		cty.StringVal(strings.Repeat("a", 32)), cty.StringVal(strings.Repeat("a", 256)), cty.StringVal(strings.Repeat("a", 65536)),
		cty.NumberIntVal(0), cty.NumberIntVal(-1), cty.NumberIntVal(-33), cty.NumberIntVal(128), cty.NumberIntVal(40000), cty.NumberIntVal(1 << 33),
		cty.NumberFloatVal(0.25), cty.ListVal([]cty.Value{cty.StringVal("a"), cty.UnknownVal(cty.String)}),
		cty.DynamicVal, cty.UnknownVal(cty.String).RefineNotNull()}
	for _, v := range vals {
		b, err := ctymsgpack.Marshal(v, v.Type())
		if err != nil {
			t.Fatal(err)
		}
		if end, ok := msgpackSkip(append(b, 0xc0, 0xc3), 0); !ok || end != len(b) {
			t.Errorf("%#v: end %d %v, want %d", v, end, ok, len(b))
		}
		if _, ok := msgpackSkip(b[:len(b)-1], 0); ok && len(b) > 1 {
			t.Errorf("%#v cut short: read as whole", v)
		}
	}
}

// withAttrs is v with the attributes set.
func withAttrs(v cty.Value, set map[string]cty.Value) cty.Value {
	m := v.AsValueMap()
	for k, a := range set {
		m[k] = a
	}
	return cty.ObjectVal(m)
}
