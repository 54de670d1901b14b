package plans

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
)

// batchPlan is a plan of n creates of accounts, shaped as usapi plans
// them (a password digest, unknown computed attributes, the
// configuration), and every seventh a no-op of another resource type.
func batchPlan(n int) *Plan {
	p := &Plan{Lineage: "l", Serial: 1}
	sens := []cty.Path{cty.GetAttrPath("password")}
	for i := range n {
		name := fmt.Sprintf("p%07d", i)
		cfg := cty.ObjectVal(map[string]cty.Value{
			"username":     cty.StringVal(name),
			"password":     cty.StringVal("hmac-sha256:0123456789abcdef").Mark("sensitive"),
			"first_name":   cty.StringVal("Nama"),
			"last_name":    cty.StringVal("Keluarga"),
			"email":        cty.StringVal(name + "@example.id"),
			"phone_number": cty.StringVal("62810000000"),
			"registration": cty.StringVal("internal"),
		})
		attrs := cfg.AsValueMap()
		attrs["id"] = cty.UnknownVal(cty.String)
		attrs["registered_at"] = cty.UnknownVal(cty.String)
		after := cty.ObjectVal(attrs)
		c := &Change{Addr: addrs.Instance{Resource: addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "person"}, Key: addrs.StringKey(name)},
			Provider: "usapi", Action: Create, Before: cty.NullVal(after.Type()), After: after, Config: cfg,
			Sensitive: sens, ConfigDigest: "hmac-sha256:feedface"}
		if i%7 == 3 {
			v := cty.ObjectVal(map[string]cty.Value{"reference_code": cty.StringVal("EMP-" + name), "status": cty.StringVal("completed")})
			c = &Change{Addr: addrs.Instance{Resource: addrs.Resource{Mode: addrs.Managed, Type: "proofylink_verification", Name: "person"}, Key: addrs.StringKey(name)},
				Provider: "proofylink", Action: NoOp, Before: v, After: v}
		}
		p.Changes = append(p.Changes, c)
	}
	return p
}

// TestSaveLoadManyChanges: a plan of several chunks, whose types
// alternate, reads back change by change as it was (sensitive values
// unknown).
func TestSaveLoadManyChanges(t *testing.T) {
	p := batchPlan(3*saveChunk + 17)
	var buf bytes.Buffer
	if err := SaveSealed(&buf, p, testDigester("k")); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("\n"+typeLinePrefix)); n != 3 {
		t.Errorf("%d type lines, want 3 (an account, its configuration, a verification)", n)
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()), testDigester("k"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range p.Changes {
		got, err := rd.Next()
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		if got.Addr != want.Addr || got.Action != want.Action {
			t.Fatalf("change %d: %s %s, want %s %s", i, got.Addr, got.Action, want.Addr, want.Action)
		}
		before, after, err := got.Values()
		if err != nil {
			t.Fatal(err)
		}
		wantAfter, _ := redact(want.After, want.Sensitive)
		if !before.RawEquals(want.Before) || !after.RawEquals(wantAfter) {
			t.Fatalf("change %d: values differ:\n%#v\nwant %#v", i, after, wantAfter)
		}
		if want.Config != cty.NilVal {
			wantConfig, _ := redact(want.Config, want.Sensitive)
			if !got.Config.RawEquals(wantConfig) {
				t.Fatalf("change %d: config %#v, want %#v", i, got.Config, wantConfig)
			}
		}
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("after the last change: %v, want io.EOF", err)
	}
}

// BenchmarkSavePlan writes a sealed plan file of 100,000 changes.
func BenchmarkSavePlan(b *testing.B) {
	p := batchPlan(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := SaveSealed(io.Discard, p, testDigester("k")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPlan checks the seal of a plan file of 100,000 changes,
// then reads them one at a time, as show PLANFILE does.
func BenchmarkReadPlan(b *testing.B) {
	var buf bytes.Buffer
	if err := SaveSealed(&buf, batchPlan(100_000), testDigester("k")); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckSeal(bytes.NewReader(buf.Bytes()), testDigester("k")); err != nil {
			b.Fatal(err)
		}
		rd, err := NewReader(bytes.NewReader(buf.Bytes()), testDigester("k"))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := rd.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSavePackedPlan writes a sealed plan file of 100,000 creates
// kept packed, as the planner keeps a batch's (Change.Pack): the plan
// -out of a batch from empty.
func BenchmarkSavePackedPlan(b *testing.B) {
	p := batchPlan(100_000)
	for _, c := range p.Changes {
		if c.Action != Create {
			continue
		}
		cfg, _ := c.Config.UnmarkDeep()
		attrs := cfg.AsValueMap()
		attrs["id"], attrs["registered_at"] = cty.NullVal(cty.String), cty.NullVal(cty.String)
		c.Config = cty.ObjectVal(attrs)
		after, _ := c.After.UnmarkDeep()
		c.After = after
		if c.Pack(after.Type()) == nil {
			b.Fatalf("%s not packed", c.Addr)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := SaveSealed(io.Discard, p, testDigester("k")); err != nil {
			b.Fatal(err)
		}
	}
}
