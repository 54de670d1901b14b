package plans

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestPackBaseShares: a batch's creates kept against a base (the first)
// are made again byte for byte and read back raw-equal to what was
// packed: attributes the same as the base's (a constant of the batch),
// planned ones the same as their own row's configuration, others kept,
// a digest's hexadecimal digits kept as their bytes (and strings that
// only look like one kept as they are), nine attributes and more (masks
// of two and three bytes), a row the
// same as the base whole, one sharing nothing, and the planned value
// kept whole (nothing of it repeats the configuration). The shared bytes
// are fewer than the packed ones. A create of another type or not packed
// from its attribute values is not shared; shared bytes cut short, with a
// byte more or with a mask of no meaning are read as an error, never as
// another value.
func TestPackBaseShares(t *testing.T) {
	attrs := map[string]cty.Type{"consent": cty.String, "email": cty.String, "name": cty.String, "kind": cty.Number,
		"file": cty.String, "file_sha": cty.String, "id": cty.String, "status": cty.String, "score": cty.Number, "tags": cty.List(cty.String),
		"nik_digest": cty.String}
	ty := cty.Object(attrs)
	digest := strings.Repeat("ab", 32)
	row := func(i int) (config, planned cty.Value) {
		config = cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("upload"), "email": cty.StringVal(fmt.Sprintf("p%d@example.id", i)),
			"name": cty.StringVal(fmt.Sprintf("Nama%d", i)), "kind": cty.NumberIntVal(1), "file": cty.StringVal("ktp/p1.jpg"),
			"file_sha": cty.NullVal(cty.String), "id": cty.NullVal(cty.String), "status": cty.NullVal(cty.String),
			"score": cty.NullVal(cty.Number), "tags": cty.ListVal([]cty.Value{cty.StringVal(fmt.Sprint(i % 3))}),
			"nik_digest": cty.NullVal(cty.String)})
		planned = withAttrs(config, map[string]cty.Value{"file_sha": cty.StringVal(digest), "id": cty.UnknownVal(cty.String),
			"status": cty.UnknownVal(cty.String), "score": cty.UnknownVal(cty.Number),
			"nik_digest": cty.StringVal(fmt.Sprintf("hmac-sha256:%x", sha256.Sum256([]byte(fmt.Sprint(i)))))})
		return config, planned
	}
	pack := func(config, planned cty.Value) *Packed {
		t.Helper()
		c := &Change{Action: Create, Before: cty.NullVal(ty), After: planned, Config: config}
		if !c.PackValues(ty, nil, nil) {
			t.Fatal("not packed")
		}
		return c.TakePacked()
	}
	b0c, b0p := row(0)
	base, ok := NewPackBase(pack(b0c, b0p))
	if !ok {
		t.Fatal("no base")
	}
	type tc struct {
		name            string
		config, planned cty.Value
	}
	var cases []tc
	for i := range 5 {
		c, p := row(i)
		cases = append(cases, tc{fmt.Sprint("row ", i), c, p})
	}
	// Digests of other forms: kept as they are, or as their bytes.
	for i, d := range []string{strings.Repeat("a", 31), strings.Repeat("0f", 16), "x" + strings.Repeat("9", 33), strings.Repeat("AB", 40),
		strings.Repeat("p", 255) + strings.Repeat("e", 64), strings.Repeat("p", 256) + strings.Repeat("e", 64), strings.Repeat("c", 600),
		"hmac-sha256:" + strings.Repeat("d", 63) + "G", ""} {
		c, p := row(10 + i)
		cases = append(cases, tc{fmt.Sprint("digest ", i), c, withAttrs(p, map[string]cty.Value{"nik_digest": cty.StringVal(d)})})
	}
	c7, _ := row(7)
	cases = append(cases,
		tc{"nothing planned as configured", c7, cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("own"), "email": cty.StringVal("x"),
			"name": cty.StringVal("y"), "kind": cty.NumberIntVal(2), "file": cty.StringVal("z"), "file_sha": cty.StringVal("d"),
			"id": cty.StringVal("i"), "status": cty.StringVal("s"), "score": cty.NumberIntVal(3), "tags": cty.ListValEmpty(cty.String),
			"nik_digest": cty.StringVal("n")})},
		tc{"nothing as the base", cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("own"), "email": cty.StringVal("x"),
			"name": cty.StringVal("y"), "kind": cty.NumberIntVal(2), "file": cty.StringVal(strings.Repeat("f", 300)), "file_sha": cty.StringVal("d"),
			"id": cty.StringVal("i"), "status": cty.StringVal("s"), "score": cty.NumberIntVal(3), "tags": cty.ListValEmpty(cty.String),
			"nik_digest": cty.NullVal(cty.String)}), b0p})
	for _, tc := range cases {
		pk := pack(tc.config, tc.planned)
		want := *pk
		want.buf = append([]byte(nil), pk.buf...)
		d, ok := base.Share(pk)
		if !ok {
			t.Fatalf("%s: not shared", tc.name)
		}
		// A row's own: its e-mail, name and tag, and its digest's 32 bytes
		// (its 64 digits would make it 106).
		if strings.HasPrefix(tc.name, "row") && len(d) > 80 {
			t.Errorf("%s: %d bytes shared, want at most 80 (of the %d packed)", tc.name, len(d), len(pk.buf))
		}
		again, ok := base.Unshare(d)
		if !ok || !again.equal(&want) {
			t.Fatalf("%s: made again as %v %+v, want %+v", tc.name, ok, again, want)
		}
		c := &Change{Action: Create}
		c.SetPacked(again)
		if err := c.ReadDeferred(); err != nil || !c.After.RawEquals(tc.planned) || !c.Config.RawEquals(tc.config) {
			t.Fatalf("%s: read back %#v / %#v, %v", tc.name, c.After, c.Config, err)
		}
		for _, bad := range []func([]byte) []byte{
			func(b []byte) []byte { return b[:len(b)-1] },
			func(b []byte) []byte { return append(append([]byte(nil), b...), 0xc0) },
			func(b []byte) []byte { return b[:1] },
			func(b []byte) []byte { // an attribute marked as both the base's and its configuration's
				b = append([]byte(nil), b...)
				b[2] |= 3
				return b
			},
		} {
			if pk, ok := base.Unshare(bad(d)); ok && pk.equal(&want) {
				t.Errorf("%s: damaged shared bytes read as the create", tc.name)
			} else if ok {
				c := &Change{Action: Create}
				c.SetPacked(pk)
				if err := c.ReadDeferred(); err == nil && c.After.RawEquals(tc.planned) && c.Config.RawEquals(tc.config) {
					t.Errorf("%s: damaged shared bytes read as its values", tc.name)
				}
			}
		}
	}
	// Another type: not shared.
	other := cty.Object(map[string]cty.Type{"email": cty.String})
	c := &Change{Action: Create, Before: cty.NullVal(other), After: cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("a")}),
		Config: cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("a")})}
	if !c.PackValues(other, nil, nil) {
		t.Fatal("not packed")
	}
	if _, ok := base.Share(c.TakePacked()); ok {
		t.Error("a create of another type shared")
	}
	// Packed as objects (Pack), not attribute values: no base, not shared.
	cfg, planned := row(1)
	c = &Change{Action: Create, Before: cty.NullVal(ty), After: planned, Config: cfg}
	c.Pack(ty)
	pk := c.TakePacked()
	if pk == nil || pk.attrs {
		t.Fatal("not packed as objects")
	}
	if _, ok := NewPackBase(pk); ok {
		t.Error("a base made of a create packed as objects")
	}
	if _, ok := base.Share(pk); ok {
		t.Error("a create packed as objects shared")
	}
}

// TestTupleBaseShares: a refreshed value's attribute values kept against
// a block's base are made again byte for byte: values the base's, a
// digest kept as its bytes, the others as they are, in fewer bytes than
// the tuple's; one of another length is not shared, and shared bytes cut
// short or with a byte more are read as an error.
func TestTupleBaseShares(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"consent": cty.String, "email": cty.String, "digest": cty.String, "status": cty.String,
		"score": cty.Number, "evidence": cty.Map(cty.String)})
	val := func(i int, status string) []byte {
		b, ok := appendAttrValues(nil, cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("upload"),
			"email": cty.StringVal(fmt.Sprintf("p%d@example.id", i)), "digest": cty.StringVal(fmt.Sprintf("hmac-sha256:%x", sha256.Sum256([]byte{byte(i)}))),
			"status": cty.StringVal(status), "score": cty.NullVal(cty.Number), "evidence": cty.NullVal(cty.Map(cty.String))}), ty)
		if !ok {
			t.Fatal("not encoded")
		}
		return b
	}
	base, ok := NewTupleBase(val(0, "completed"))
	if !ok {
		t.Fatal("no base")
	}
	for i, v := range [][]byte{val(0, "completed"), val(1, "completed"), val(2, "failed"), val(3, strings.Repeat("s", 300))} {
		d, ok := base.Share(v, nil)
		if !ok {
			t.Fatalf("%d: not shared", i)
		}
		// The mask (2), its e-mail (1+13), its digest as bytes (2+1+12+32).
		if i == 1 && len(d) > 2+14+47 {
			t.Errorf("%d: %d bytes shared of the %d", i, len(d), len(v))
		}
		if again, ok := base.Unshare(d, nil); !ok || !bytes.Equal(again, v) {
			t.Fatalf("%d: made again as %v %x, want %x", i, ok, again, v)
		}
		for _, bad := range [][]byte{d[:len(d)-1], append(append([]byte(nil), d...), 0xc0), d[:1]} {
			if again, ok := base.Unshare(bad, nil); ok && bytes.Equal(again, v) {
				t.Errorf("%d: damaged shared bytes read as the value", i)
			}
		}
	}
	short, _ := appendAttrValues(nil, cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal("x")}), cty.Object(map[string]cty.Type{"email": cty.String}))
	if _, ok := base.Share(short, nil); ok {
		t.Error("a tuple of another length shared")
	}
	if _, ok := base.Share(val(1, "completed"), short); ok {
		t.Error("a tuple shared with a record of another length")
	}

	// Shared with its own record too (the value it was refreshed from):
	// what differs from both is its status alone; made again only with the
	// same record.
	rec := func(status, email string) []byte {
		b, ok := AttrValues(cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("upload"),
			"email": cty.StringVal(email), "digest": cty.StringVal(fmt.Sprintf("hmac-sha256:%x", sha256.Sum256([]byte{7}))),
			"status": cty.StringVal(status), "score": cty.NullVal(cty.Number), "evidence": cty.NullVal(cty.Map(cty.String))}), ty)
		if !ok {
			t.Fatal("not encoded")
		}
		return b
	}
	own, v := rec("pending", "p7@example.id"), val(7, "completed")
	d, ok := base.Share(v, own)
	if !ok {
		t.Fatal("not shared with its record")
	}
	if len(d) > 2 { // the mask; the status is the base's, the rest the record's
		t.Errorf("%d bytes shared with its record, want the mask's 2", len(d))
	}
	if again, ok := base.Unshare(d, own); !ok || !bytes.Equal(again, v) {
		t.Fatalf("made again with its record as %v %x, want %x", ok, again, v)
	}
	if again, ok := base.Unshare(d, nil); ok && bytes.Equal(again, v) {
		t.Error("made again without its record")
	}
	if again, ok := base.Unshare(d, rec("pending", "p8@example.id")); ok && bytes.Equal(again, v) {
		t.Error("made again with another record")
	}
	// A value that differs from its record in an attribute the record
	// holds null, and from the base in its status: kept as they are.
	scored, _ := AttrValues(cty.ObjectVal(map[string]cty.Value{"consent": cty.StringVal("upload"),
		"email": cty.StringVal("p7@example.id"), "digest": cty.StringVal(fmt.Sprintf("hmac-sha256:%x", sha256.Sum256([]byte{7}))),
		"status": cty.StringVal("failed"), "score": cty.NumberIntVal(87), "evidence": cty.NullVal(cty.Map(cty.String))}), ty)
	if d, ok := base.Share(scored, own); !ok || len(d) > 2+7+2 {
		t.Errorf("shared as %v, %d bytes", ok, len(d))
	} else if again, ok := base.Unshare(d, own); !ok || !bytes.Equal(again, scored) {
		t.Errorf("made again as %v %x, want %x", ok, again, scored)
	}
	if _, ok := AttrValues(cty.NullVal(ty), ty); ok {
		t.Error("a null value's attributes")
	}
}

// equal reports whether pk and o are the same packed create, byte for byte.
func (pk *Packed) equal(o *Packed) bool {
	return pk.cut == o.cut && pk.attrs == o.attrs && pk.same == o.same && bytes.Equal(pk.buf, o.buf) && pk.ty.Equals(o.ty)
}
