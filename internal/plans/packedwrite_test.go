package plans

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// TestRedactMsgpackIsEncodeRedacted: the msgpack of a value, redacted
// without decoding it, is encodeRedacted's bytes for the value, for the
// shapes appendMsgpack writes and those it leaves to cty's encoder (a
// list, a fraction, a refined unknown, a dynamic attribute); where it
// declines, the caller decodes, as before.
func TestRedactMsgpackIsEncodeRedacted(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	profile := obj(map[string]cty.Value{"nik": cty.StringVal("3171"), "city": cty.StringVal("Bandung"), "img": cty.NullVal(cty.String)})
	account := obj(map[string]cty.Value{
		"username": cty.StringVal("ani"), "password": cty.StringVal(strings.Repeat("p", 40)),
		"id": cty.UnknownVal(cty.String), "registered": cty.UnknownVal(cty.Bool).RefineNotNull(),
		"age": cty.NumberIntVal(31), "ratio": cty.NumberFloatVal(0.25), "big": cty.MustParseNumberVal("123456789012345678901234567890"),
		"active": cty.True, "note": cty.NullVal(cty.String), "profile": profile,
		"tags":   cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal(strings.Repeat("é", 200))}),
		"labels": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
		"any":    cty.NullVal(cty.DynamicPseudoType),
		"long":   cty.StringVal(strings.Repeat("x", 70000)),
	})
	nullProfile := obj(map[string]cty.Value{"username": cty.StringVal("budi"), "profile": cty.NullVal(profile.Type())})
	unknownProfile := obj(map[string]cty.Value{"username": cty.StringVal("cici"), "profile": cty.UnknownVal(profile.Type())})
	path := cty.GetAttrPath
	tests := map[string]struct {
		v        cty.Value
		sens     []cty.Path
		declines bool
	}{
		"an account":                  {account, []cty.Path{path("password")}, false},
		"nested sensitive":            {account, []cty.Path{path("password"), path("profile").GetAttr("nik")}, false},
		"a whole object sensitive":    {account, []cty.Path{path("profile")}, false},
		"sensitive null":              {account, []cty.Path{path("note")}, false},
		"sensitive path missing":      {account, []cty.Path{path("nothing").GetAttr("deeper")}, false},
		"a path into a list":          {account, []cty.Path{path("tags").GetAttr("x")}, false},
		"no sensitive path":           {account, nil, false},
		"a path through a null":       {nullProfile, []cty.Path{path("profile").GetAttr("nik")}, false},
		"a path through an unknown":   {unknownProfile, []cty.Path{path("profile").GetAttr("nik")}, false},
		"the whole value":             {account, []cty.Path{{}}, false},
		"null object":                 {cty.NullVal(account.Type()), []cty.Path{path("password")}, false},
		"many attributes":             {manyAttrs(20), []cty.Path{path("b_attr")}, false},
		"a sensitive list":            {account, []cty.Path{path("tags")}, true},
		"a path into a dynamic value": {account, []cty.Path{path("any").GetAttr("x")}, true},
		"a sensitive dynamic value":   {account, []cty.Path{path("any")}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			data, err := ctymsgpack.Marshal(tc.v, tc.v.Type())
			if err != nil {
				t.Fatal(err)
			}
			got, rest, ok := redactMsgpack([]byte{0xee}, data, tc.v.Type(), tc.sens, 0)
			if ok == tc.declines {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			want, err := encodeRedacted(tc.v, tc.sens)
			if err != nil {
				t.Fatal(err)
			}
			if len(rest) != 0 || !bytes.Equal(got, append([]byte{0xee}, want...)) {
				t.Fatalf("got  %x (%d bytes left)\nwant   %x", got, len(rest), want)
			}
		})
	}
	// Malformed or truncated data is declined, not misread.
	small := obj(map[string]cty.Value{"username": cty.StringVal("ani"), "password": cty.StringVal("s3cret"), "n": cty.NumberIntVal(70000),
		"profile": profile, "tags": cty.ListVal([]cty.Value{cty.StringVal("a")}), "id": cty.UnknownVal(cty.String).RefineNotNull()})
	data, _ := ctymsgpack.Marshal(small, small.Type())
	for n := range len(data) - 1 {
		if _, rest, ok := redactMsgpack(nil, data[:n], small.Type(), []cty.Path{path("password")}, 0); ok && len(rest) == 0 {
			t.Fatalf("%d of %d bytes read as a whole value", n, len(data))
		}
	}
}

// TestSavePackedCreateAsDecoded: a plan file holds a packed create's line
// as it holds the same create decoded, byte for byte: the password
// unknown, the rest as it was.
func TestSavePackedCreateAsDecoded(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"username": cty.String, "password": cty.String, "id": cty.String, "n": cty.Number,
		"profile": cty.Object(map[string]cty.Type{"nik": cty.String, "city": cty.String})})
	after := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "password": cty.StringVal("s3cret"),
		"id": cty.UnknownVal(cty.String).RefineNotNull(), "n": cty.NumberIntVal(300),
		"profile": cty.ObjectVal(map[string]cty.Value{"nik": cty.StringVal("3171000000000001"), "city": cty.StringVal("Bandung")})})
	config := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("ani"), "password": cty.StringVal("s3cret"),
		"id": cty.NullVal(cty.String), "n": cty.NumberIntVal(300),
		"profile": cty.ObjectVal(map[string]cty.Value{"nik": cty.StringVal("3171000000000001"), "city": cty.StringVal("Bandung")})})
	sens := []cty.Path{cty.GetAttrPath("password"), cty.GetAttrPath("profile").GetAttr("nik")}
	change := func() *Change {
		return &Change{Addr: mustInstance(t, `usapi_account.hire["ani"]`), Action: Create, Provider: "usapi",
			Before: cty.NullVal(ty), After: after, Config: config, Sensitive: sens, ConfigDigest: "d"}
	}
	packed, plain := change(), change()
	if packed.Pack(ty) == nil {
		t.Fatal("not packed")
	}
	if _, ok := (&typeCache{table: &typeTable{byJSON: map[string]int{}}}).encodePacked(packed); !ok {
		t.Fatal("the packed create was decoded to be written")
	}
	lines := func(c *Change) string {
		var buf bytes.Buffer
		if err := Save(&buf, &Plan{Lineage: "l", Changes: []*Change{c}}); err != nil {
			t.Fatal(err)
		}
		// The seal differs with the time of writing, if at all: compare
		// the changes' lines.
		return strings.Join(strings.Split(buf.String(), "\n")[1:3], "\n")
	}
	got, want := lines(packed), lines(plain)
	if got != want {
		t.Fatalf("packed create written as\n%s\nwant\n%s", got, want)
	}
	for _, secret := range []string{"s3cret", "3171000000000001"} {
		if strings.Contains(got, secret) {
			t.Fatalf("%q in the plan file", secret)
		}
	}
}

// TestPackMsgpackIsMarshal: a create is packed as ctymsgpack.Marshal
// encodes it, whether by appendMsgpackUnmarked or, for the shapes it
// declines, by cty's encoder; a value with a mark anywhere is refused, as
// Marshal refuses it, and Pack leaves the change as it is.
func TestPackMsgpackIsMarshal(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	profile := obj(map[string]cty.Value{"nik": cty.StringVal("3171"), "age": cty.NumberIntVal(-40000)})
	for name, v := range map[string]cty.Value{
		"an account": obj(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.UnknownVal(cty.String),
			"ok": cty.False, "note": cty.NullVal(cty.String), "profile": profile, "gone": cty.NullVal(profile.Type())}),
		"refined unknown": obj(map[string]cty.Value{"id": cty.UnknownVal(cty.String).RefineNotNull()}),
		"a list":          obj(map[string]cty.Value{"tags": cty.ListVal([]cty.Value{cty.StringVal("a")})}),
		"a fraction":      obj(map[string]cty.Value{"n": cty.NumberFloatVal(2.5)}),
		"many attributes": manyAttrs(20),
		"a long string":   obj(map[string]cty.Value{"s": cty.StringVal(strings.Repeat("é", 1000))}),
	} {
		want, err := ctymsgpack.Marshal(v, v.Type())
		if err != nil {
			t.Fatal(err)
		}
		got, err := packMsgpack(v, v.Type())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: packed %x, %v; want %x", name, got, err, want)
		}
	}
	for name, v := range map[string]cty.Value{
		"marked":        cty.StringVal("x").Mark("sensitive"),
		"marked within": obj(map[string]cty.Value{"profile": obj(map[string]cty.Value{"nik": cty.StringVal("3171").Mark("sensitive")})}),
	} {
		if _, ok := appendMsgpackUnmarked(nil, v); ok {
			t.Errorf("%s: encoded", name)
		}
		if _, err := packMsgpack(v, v.Type()); err == nil {
			t.Errorf("%s: packed", name)
		}
	}
}

// TestPackAttrsIsPack: a create packed from its configuration's
// attributes (PackAttrs) holds the bytes Pack writes from the object, for
// the objects Pack writes itself and for those it leaves to cty's
// encoder (appendMsgpackAttrs declines); a marked attribute is refused
// either way.
func TestPackAttrsIsPack(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	profile := obj(map[string]cty.Value{"nik": cty.StringVal("3171"), "age": cty.NumberIntVal(-40000)})
	attrsOf := func(v cty.Value) ([]string, []cty.Value) {
		names := slices.Sorted(maps.Keys(v.Type().AttributeTypes()))
		vals := make([]cty.Value, len(names))
		for i, n := range names {
			vals[i] = v.GetAttr(n)
		}
		return names, vals
	}
	for name, v := range map[string]cty.Value{
		"an account": obj(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.UnknownVal(cty.String),
			"ok": cty.False, "note": cty.NullVal(cty.String), "profile": profile, "gone": cty.NullVal(profile.Type())}),
		"refined unknown": obj(map[string]cty.Value{"id": cty.UnknownVal(cty.String).RefineNotNull()}),
		"a list":          obj(map[string]cty.Value{"tags": cty.ListVal([]cty.Value{cty.StringVal("a")})}),
		"a fraction":      obj(map[string]cty.Value{"n": cty.NumberFloatVal(2.5)}),
		"dynamic":         obj(map[string]cty.Value{"d": cty.NullVal(cty.DynamicPseudoType)}),
		"many attributes": manyAttrs(40),
		"a long string":   obj(map[string]cty.Value{"s": cty.StringVal(strings.Repeat("é", 1000))}),
	} {
		names, vals := attrsOf(v)
		create := func() *Change {
			return &Change{Action: Create, Before: cty.NullVal(v.Type()), After: v, Config: v}
		}
		want := create().Pack(v.Type())
		if want == nil {
			t.Fatalf("%s: not packed", name)
		}
		c := create()
		got := c.PackAttrs(v.Type(), names, vals)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: packed from its attributes %x, want %x", name, got, want)
		}
		if config, err := c.ConfigValue(); err != nil || !config.RawEquals(v) {
			t.Errorf("%s: configuration read back %#v, %v", name, config, err)
		}
		if b, ok := appendMsgpackAttrs(nil, names, vals); ok && !bytes.Equal(b, want) {
			t.Errorf("%s: appendMsgpackAttrs %x, want %x", name, b, want)
		}
	}
	// Names out of order are declined, not written in that order.
	v := obj(map[string]cty.Value{"a": cty.StringVal("1"), "b": cty.StringVal("2")})
	if _, ok := appendMsgpackAttrs(nil, []string{"b", "a"}, []cty.Value{cty.StringVal("2"), cty.StringVal("1")}); ok {
		t.Error("attributes out of order written")
	}
	marked := obj(map[string]cty.Value{"a": cty.StringVal("1").Mark("sensitive")})
	c := &Change{Action: Create, Before: cty.NullVal(marked.Type()), After: v, Config: marked}
	if c.PackAttrs(marked.Type(), []string{"a"}, []cty.Value{cty.StringVal("1").Mark("sensitive")}) != nil {
		t.Error("a marked configuration packed")
	}
}

// TestUnknownCollectionsPacked: an unknown map, list, set or tuple
// without refinements (a verification's evidence before apply) is written
// by the plan file's own writer, as the bytes cty's encoder gives; one
// with a length bound, a non-null refinement or of the dynamic type is
// left to cty's encoder, and packed as it encodes it.
func TestUnknownCollectionsPacked(t *testing.T) {
	evidence := cty.Map(cty.Object(map[string]cty.Type{"file": cty.String, "size": cty.Number}))
	obj := func(v cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("v1"), "x": v})
	}
	for name, tc := range map[string]struct {
		v    cty.Value
		fast bool
	}{
		"unknown map":        {cty.UnknownVal(evidence), true},
		"unknown list":       {cty.UnknownVal(cty.List(cty.String)), true},
		"unknown set":        {cty.UnknownVal(cty.Set(cty.Number)), true},
		"unknown tuple":      {cty.UnknownVal(cty.Tuple([]cty.Type{cty.String, cty.Bool})), true},
		"null map":           {cty.NullVal(evidence), true},
		"map of length 1..":  {cty.UnknownVal(evidence).Refine().CollectionLengthLowerBound(1).NewValue(), false},
		"list of length ..3": {cty.UnknownVal(cty.List(cty.String)).Refine().CollectionLengthUpperBound(3).NewValue(), false},
		"map not null":       {cty.UnknownVal(evidence).RefineNotNull(), false},
		"known map":          {cty.MapVal(map[string]cty.Value{"a": cty.ObjectVal(map[string]cty.Value{"file": cty.StringVal("f"), "size": cty.NumberIntVal(1)})}), false},
	} {
		v := obj(tc.v)
		want, err := ctymsgpack.Marshal(v, v.Type())
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendMsgpackUnmarked(nil, v)
		if ok != tc.fast || ok && !bytes.Equal(got, want) {
			t.Errorf("%s: written %x, %v; want %x, %v", name, got, ok, want, tc.fast)
		}
		if packed, err := packMsgpack(v, v.Type()); err != nil || !bytes.Equal(packed, want) {
			t.Errorf("%s: packed %x, %v; want %x", name, packed, err, want)
		}
		if redacted, err := encodeRedacted(v, []cty.Path{cty.GetAttrPath("x")}); err != nil {
			t.Errorf("%s: redacted: %v", name, err)
		} else if want, _ := ctymsgpack.Marshal(obj(cty.UnknownVal(tc.v.Type())), v.Type()); !bytes.Equal(redacted, want) {
			t.Errorf("%s: redacted %x, want %x", name, redacted, want)
		}
	}
}

// TestPackedCreateInOneSlice: a packed create keeps its configuration and
// planned value in one slice (packedCreate); each reads back as it was,
// whether written by daftar's encoder or by cty's (a dynamic attribute),
// the configuration Pack answers is cty's encoding of it and cannot grow
// into the planned value's bytes, and a planned value that cannot be
// packed (marked) leaves the change as it was.
func TestPackedCreateInOneSlice(t *testing.T) {
	obj := func(attrs map[string]cty.Value) cty.Value { return cty.ObjectVal(attrs) }
	for name, tc := range map[string]struct{ config, after cty.Value }{
		"an account": {
			obj(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.NullVal(cty.String), "n": cty.NumberIntVal(7)}),
			obj(map[string]cty.Value{"username": cty.StringVal("ani"), "id": cty.UnknownVal(cty.String), "n": cty.NumberIntVal(7)}),
		},
		"dynamic, by cty's encoder": {
			obj(map[string]cty.Value{"d": cty.NullVal(cty.DynamicPseudoType), "s": cty.StringVal("x")}),
			obj(map[string]cty.Value{"d": cty.UnknownVal(cty.DynamicPseudoType), "s": cty.StringVal(strings.Repeat("é", 300))}),
		},
	} {
		ty := tc.config.Type()
		c := &Change{Action: Create, Before: cty.NullVal(ty), After: tc.after, Config: tc.config}
		config := c.Pack(ty)
		want, err := ctymsgpack.Marshal(tc.config, ty)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(config, want) || cap(config) != len(config) {
			t.Fatalf("%s: Pack answered %x (cap %d), want %x", name, config, cap(config), want)
		}
		if c.packed == nil || c.unread != nil || !c.Deferred() {
			t.Fatalf("%s: not packed in one slice", name)
		}
		if got, err := c.ConfigValue(); err != nil || !got.RawEquals(tc.config) {
			t.Errorf("%s: configuration read back %#v, %v", name, got, err)
		}
		if before, after, err := c.Values(); err != nil || !before.RawEquals(cty.NullVal(ty)) || !after.RawEquals(tc.after) {
			t.Errorf("%s: values read back %#v, %#v, %v", name, before, after, err)
		}
		if err := c.ReadDeferred(); err != nil || c.Deferred() || !c.Config.RawEquals(tc.config) || !c.After.RawEquals(tc.after) || !c.Before.RawEquals(cty.NullVal(ty)) {
			t.Errorf("%s: ReadDeferred: %v; config %#v, after %#v", name, err, c.Config, c.After)
		}
	}
	ty := cty.Object(map[string]cty.Type{"s": cty.String})
	config := obj(map[string]cty.Value{"s": cty.StringVal("x")})
	after := obj(map[string]cty.Value{"s": cty.StringVal("x").Mark("sensitive")})
	c := &Change{Action: Create, Before: cty.NullVal(ty), After: after, Config: config}
	if c.Pack(ty) != nil || c.Deferred() || !c.After.RawEquals(after) || !c.Config.RawEquals(config) {
		t.Error("a marked planned value packed, or the change changed")
	}
}
