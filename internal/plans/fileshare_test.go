package plans

import (
	"bytes"
	"reflect"
	"testing"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
)

// TestReaderSharesWhatChangesHoldAlike: the changes a Reader hands out
// hold what was written, each its own (its address, digest, sensitive
// paths, dependencies, reason, provider), while the parts equal from one
// change to the next are one copy; appending to a change's shared slice
// leaves the others' alone.
func TestReaderSharesWhatChangesHoldAlike(t *testing.T) {
	p := batchPlan(40)
	deps := []addrs.Resource{{Mode: addrs.Managed, Type: "usapi_account", Name: "lead"}}
	for i, c := range p.Changes {
		if c.Action == Create {
			c.Reason = "an account USAPI already has is refused"
			c.Deps = deps
			if i%5 == 0 { // others alike among themselves
				c.Deps = append(append([]addrs.Resource(nil), deps...), addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "other"})
				c.Sensitive = []cty.Path{cty.GetAttrPath("password"), cty.GetAttrPath("email")}
				c.Reason = "another reason"
			}
		}
	}
	var buf bytes.Buffer
	if err := SaveSealed(&buf, p, testDigester("k")); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()), testDigester("k"))
	if err != nil {
		t.Fatal(err)
	}
	rd.PackCreates = true
	got, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	firstOf := map[string]*Change{}
	for i, want := range p.Changes {
		c := got.Changes[i]
		if c.Addr != want.Addr || c.Provider != want.Provider || c.Reason != want.Reason || c.ConfigDigest != want.ConfigDigest ||
			!reflect.DeepEqual(c.Deps, want.Deps) || len(c.Sensitive) != len(want.Sensitive) {
			t.Fatalf("change %d read as %+v, want %+v", i, c, want)
		}
		for j := range c.Sensitive {
			if !c.Sensitive[j].Equals(want.Sensitive[j]) {
				t.Fatalf("change %d: sensitive %#v, want %#v", i, c.Sensitive, want.Sensitive)
			}
		}
		if c.Action != Create {
			continue
		}
		key := c.Reason
		first := firstOf[key]
		if first == nil {
			firstOf[key] = c
			continue
		}
		if &c.Deps[0] != &first.Deps[0] || &c.Sensitive[0] != &first.Sensitive[0] ||
			unsafe.StringData(c.Reason) != unsafe.StringData(first.Reason) || unsafe.StringData(c.Addr.Resource.Type) != unsafe.StringData(first.Addr.Resource.Type) {
			t.Errorf("change %d does not share what %s holds alike", i, first.Addr)
		}
	}
	if len(firstOf) != 2 {
		t.Fatalf("%d kinds of creates, want 2", len(firstOf))
	}
	a := firstOf["another reason"]
	_ = append(a.Deps, addrs.Resource{Type: "x", Name: "y"})
	_ = append(a.Sensitive, cty.GetAttrPath("x"))
	for _, c := range got.Changes {
		if c.Reason == a.Reason && (len(c.Deps) != 2 || c.Deps[1].Name != "other" || len(c.Sensitive) != 2) {
			t.Fatalf("%s changed by an append to another change's slices: %+v", c.Addr, c)
		}
	}
}
