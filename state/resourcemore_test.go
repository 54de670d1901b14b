package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"testing"
	"time"
)

// A record's seldom set fields are held in a block of their own, which a
// record copied by value shares: setting a field on the copy leaves the
// original as it was, and a record whose fields are all empty holds none.
func TestResourceMoreCopiedOnWrite(t *testing.T) {
	r := accountN(1, "")
	if r.more != nil || r.Module() != "" || r.SensitivePaths() != nil || r.Dependencies() != nil {
		t.Fatalf("a new record holds %+v", r.more)
	}
	r.SetDependencies([]string{"a.b"})
	c := *r
	c.SetDependencies([]string{"c.d"})
	c.SetModule(`module.m["x"]`)
	c.SetSensitivePaths([][]any{{"p"}})
	if got := r.Dependencies(); len(got) != 1 || got[0] != "a.b" || r.Module() != "" || r.SensitivePaths() != nil {
		t.Fatalf("the original record changed with its copy: %q %q %v", got, r.Module(), r.SensitivePaths())
	}
	if got := c.Dependencies(); len(got) != 1 || got[0] != "c.d" || c.Module() != `module.m["x"]` || len(c.SensitivePaths()) != 1 {
		t.Fatalf("the copy holds %q %q %v", got, c.Module(), c.SensitivePaths())
	}
	c.SetDependencies(nil)
	c.SetModule("")
	if c.more == nil || c.SensitivePaths() == nil {
		t.Fatal("the copy lost its sensitive paths")
	}
	c.SetSensitivePaths(nil)
	if c.more != nil {
		t.Fatalf("a record with none of the fields holds %+v", c.more)
	}
	// An empty list is kept as it was set (written as none: omitempty).
	c.SetDependencies([]string{})
	if d := c.Dependencies(); d == nil || len(d) != 0 {
		t.Fatalf("an empty list read back as %#v", d)
	}
	// That block is shared (apply records every resource that depends on
	// nothing so), and never changed.
	e := accountN(2, "")
	e.SetDependencies(make([]string, 0, 4))
	if e.more != c.more || e.more != noDependencies {
		t.Fatal("two records with an empty list of dependencies hold two blocks")
	}
	e.SetModule(`module.m["y"]`)
	if c.Module() != "" || e.Module() != `module.m["y"]` || len(e.Dependencies()) != 0 || e.Dependencies() == nil || len(noDependencies.Dependencies) != 0 {
		t.Fatalf("setting a field of a record that shared the block: %q %q", c.Module(), e.Module())
	}
}

// Records given the same dependencies, one after the other (apply's, of a
// resource's instances), share one block; other dependencies get their
// own, and a field set on a record that shared the block leaves the others
// as they were.
func TestResourceMoreSharedDependencies(t *testing.T) {
	a, b, c := accountN(1, ""), accountN(2, ""), accountN(3, "")
	a.SetDependencies([]string{"usapi_account.person"})
	b.SetDependencies([]string{"usapi_account.person"})
	if a.more != b.more {
		t.Fatal("two records with the same dependencies hold two blocks")
	}
	c.SetDependencies([]string{"usapi_account.other"})
	if c.more == a.more || c.Dependencies()[0] != "usapi_account.other" {
		t.Fatalf("other dependencies share the block: %q", c.Dependencies())
	}
	b.SetModule(`module.m["x"]`)
	b.SetDependencies([]string{"usapi_account.person", "x.y"})
	if a.Module() != "" || !slices.Equal(a.Dependencies(), []string{"usapi_account.person"}) || b.Module() != `module.m["x"]` || len(b.Dependencies()) != 2 {
		t.Fatalf("setting a field of a record that shared the block: %q %q / %q %q", a.Module(), a.Dependencies(), b.Module(), b.Dependencies())
	}
}

// Read by the fast decoder or by encoding/json, a record holds a block only
// for fields that are there, whatever the JSON spells ("module": "" or
// none): the two read the same record, and write the same bytes.
func TestResourceMoreDecoded(t *testing.T) {
	for _, c := range []struct {
		doc   string
		block bool
	}{
		{`{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","updated_at":"2026-12-06T00:00:00Z"}`, false},
		{`{"address":"a.b","module":"","mode":"managed","type":"a","name":"b","provider":"p","updated_at":"2026-12-06T00:00:00Z"}`, false},
		{`{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","dependencies":[],"updated_at":"2026-12-06T00:00:00Z"}`, true},
		{`{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","sensitive_paths":null,"updated_at":"2026-12-06T00:00:00Z"}`, false},
		{`{"address":"a.b","mode":"managed","type":"a","name":"b","provider":"p","sensitive_paths":[],"dependencies":null,"updated_at":"2026-12-06T00:00:00Z"}`, true},
		{`{"address":"module.m.a.b","module":"module.m","mode":"managed","type":"a","name":"b","provider":"p","attributes":{"x":1},"sensitive_paths":[["x"]],"dependencies":["a.c"],"updated_at":"2026-12-06T00:00:00Z"}`, true},
	} {
		var slow Resource
		if err := json.Unmarshal([]byte(c.doc), &slow); err != nil {
			t.Fatal(err)
		}
		doc := []byte(`{"version":1,"serial":1,"lineage":"x","resources":[` + c.doc + `],"outputs":{}}`)
		d, ok := decodeFast(doc)
		if !ok || len(d.Resources) != 1 {
			t.Fatalf("%s: decodeFast declined", c.doc)
		}
		fast := d.Resources[0]
		if !deepEqual(fast, &slow) {
			t.Fatalf("%s: decodeFast read %+v, encoding/json %+v", c.doc, fast.more, slow.more)
		}
		if (fast.more != nil) != c.block {
			t.Fatalf("%s: the record holds a block: %v, want %v", c.doc, fast.more != nil, c.block)
		}
		a, ok := resourceCodec.NewEncoder().AppendFast(nil, fast)
		if !ok {
			t.Fatalf("%s: the fast encoder declined", c.doc)
		}
		b, err := json.Marshal(&slow)
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: the codec writes\n%s\nencoding/json\n%s", c.doc, a, b)
		}
	}
}

// Records read from a snapshot whose one seldom set field is the same list
// of dependencies share a handful of blocks (one per decoder's list), not
// one each; a record with another list, or more set, keeps what it read.
func TestLoadSharesDependencyBlocks(t *testing.T) {
	s := New()
	want := map[string]*resourceMore{}
	for i := range 3000 {
		r := accountN(i, "")
		switch i % 10 {
		case 0:
			r.SetDependencies([]string{"a.x", "a.y"})
		case 1:
			r.SetModule(`module.m["k"]`)
			r.SetDependencies([]string{"usapi_account.admin"})
		case 2:
			r.SetDependencies([]string{"usapi_account.admin", "a.z"})
		case 3:
		case 4:
			// Only a pending intent: a block the decoder takes from
			// those let go of (newMore) must come without their list.
			r.SetPending(&Intent{ID: fmt.Sprintf("i%d", i), Operation: "create", Started: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), RunID: "r"})
		default:
			r.SetDependencies([]string{"usapi_account.admin"})
		}
		s.Resources[r.Address] = r
		want[r.Address] = r.more
	}
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer func(c int) { snapshotChunk = c }(snapshotChunk)
	snapshotChunk = 16 << 10 // many chunks, on every worker
	got, ok, _, err := decodeStream(bytes.NewReader(data), "test", 0)
	if err != nil || !ok {
		t.Fatalf("decodeStream: %v", err)
	}
	fast, ok := decodeFast(data)
	if !ok {
		t.Fatal("decodeFast declined")
	}
	for name, rs := range map[string][]*Resource{"decodeStream": slices.Collect(maps.Values(got.Resources)), "decodeFast": fast.Resources} {
		blocks := map[*resourceMore]int{}
		for _, r := range rs {
			w := want[r.Address]
			if (r.more == nil) != (w == nil) || w != nil && (r.more.Module != w.Module || !slices.Equal(r.more.Dependencies, w.Dependencies) ||
				(r.more.Pending == nil) != (w.Pending == nil) || w.Pending != nil && r.more.Pending.ID != w.Pending.ID) {
				t.Fatalf("%s: %s read %+v, want %+v", name, r.Address, r.more, w)
			}
			if r.more != nil {
				blocks[r.more]++
			}
		}
		// 2,100 records with a block that lists one dependency; 300 each
		// with two lists of two; 300 with a module and 300 with a pending
		// intent (a block each).
		if n := len(blocks); n < 600 || n > 600+3*2*runtime.GOMAXPROCS(0) {
			t.Fatalf("%s: %d blocks for %d records", name, n, len(rs))
		}
	}
}
