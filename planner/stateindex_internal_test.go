package planner

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
)

// TestIndexStateIsInstanceOf checks the state's index against instanceOf
// read record by record: a batch's plain string keys (kept in a table
// that reads them from the addresses), keys with escapes, keys not ASCII,
// an address that disagrees with its index key, count indexes, a resource
// with no key and a module's records, of several resources interleaved,
// every record found under its key and none under another, and the moves'
// set and del.
func TestIndexStateIsInstanceOf(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &state.State{Resources: map[string]*state.Resource{}}
	add := func(typ, name, address, indexKey string, module string) {
		r := (&state.Resource{Address: address}).WithKind(state.Kind{Mode: "managed", Type: typ, Name: name}).WithIndexKey(json.RawMessage(indexKey))
		if module != "" {
			r.SetModule(module)
		}
		s.Resources[address] = r
	}
	str := func(k string) string { b, _ := json.Marshal(k); return string(b) }
	for i := range 3*rangeMin + 100 {
		// Two batches of one type and a third of another, interleaved,
		// over more records than one range of inRanges.
		k := fmt.Sprintf("p%07d", rng.IntN(1_000_000_000))
		switch i % 3 {
		case 0:
			add("usapi_account", "person", fmt.Sprintf("usapi_account.person[%q]", k), str(k), "")
		case 1:
			add("usapi_account", "staff", fmt.Sprintf("usapi_account.staff[%q]", k), str(k), "")
		default:
			add("proofylink_verification", "person", fmt.Sprintf("proofylink_verification.person[%q]", k), str(k), "")
		}
	}
	for _, k := range []string{`a"b`, `back\slash`, "José", "tab\there", "", " spaced ", "🙂"} {
		add("usapi_account", "person", fmt.Sprintf("usapi_account.person[%q]", k), str(k), "")
	}
	add("usapi_account", "person", `usapi_account.person["budi"]`, `"disagrees"`, "")
	add("usapi_account", "person", `usapi_account.person["spaced"]`, ` "spaced" `, "")
	for i := range 10 {
		add("usapi_account", "counted", fmt.Sprintf("usapi_account.counted[%d]", i), fmt.Sprint(i), "")
	}
	add("usapi_account", "single", "usapi_account.single", "", "")
	add("usapi_account", "person", `module.team["x"].usapi_account.person["ani"]`, `"ani"`, `module.team["x"]`)
	add("usapi_account", "person", `module.team["y"].usapi_account.person["ani"]`, `"ani"`, `module.team["y"]`)

	want := map[addrs.Resource]map[addrs.Key]*state.Resource{}
	for _, r := range s.Resources {
		inst, err := instanceOf(r)
		if err != nil {
			t.Fatalf("%s: %v", r.Address, err)
		}
		if want[inst.Resource] == nil {
			want[inst.Resource] = map[addrs.Key]*state.Resource{}
		}
		if _, dup := want[inst.Resource][inst.Key]; dup {
			t.Fatalf("the test's records share %s", inst)
		}
		want[inst.Resource][inst.Key] = r
	}
	idx, diags := indexState(s)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(idx.byRes) != len(want) {
		t.Errorf("%d resources indexed, want %d", len(idx.byRes), len(want))
	}
	for res, recs := range want {
		m := idx.byRes[res]
		if m.len() != len(recs) {
			t.Errorf("%s: %d records, want %d", res, m.len(), len(recs))
		}
		for k, r := range recs {
			if got := m.get(k); got != r {
				t.Errorf("%s: get(%#v) = %v, want %s", res, k, got, r.Address)
			}
		}
		seen := 0
		for k, r := range m.all() {
			if recs[k] != r {
				t.Errorf("%s: all yields %#v with %v, want %v", res, k, r, recs[k])
			}
			seen++
		}
		if seen != len(recs) {
			t.Errorf("%s: all yields %d records, want %d", res, seen, len(recs))
		}
		for _, k := range []addrs.Key{addrs.StringKey("absent"), addrs.StringKey("budi"), addrs.IntKey(10), addrs.NoKey} {
			if _, ok := recs[k]; !ok && m.get(k) != nil {
				t.Errorf("%s: get(%#v) found %s", res, k, m.get(k).Address)
			}
		}
	}
	// A record daftar cannot read among them: reported, the others
	// indexed as before.
	add("usapi_account", "person", `usapi_account.person[-1]`, `-1`, "")
	again, diags := indexState(s)
	if len(diags) != 1 || again.byRes[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "staff"}].len() != len(want[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "staff"}]) {
		t.Errorf("with an unreadable record: %v", diags)
	}
	if empty, diags := indexState(&state.State{Resources: map[string]*state.Resource{}}); len(empty.byRes) != 0 || diags.HasErrors() {
		t.Errorf("an empty state indexed as %v, %v", empty.byRes, diags)
	}
	var none *instRecords
	if none.get(addrs.StringKey("a")) != nil || none.len() != 0 {
		t.Error("a nil index holds something")
	}
	for range none.all() {
		t.Error("a nil index yields something")
	}
	none.del(addrs.IntKey(1)) // nothing to delete: no panic

	// moveOne's use: a record moved to another key, a key of each kind.
	m := idx.byRes[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "counted"}]
	r3 := m.get(addrs.IntKey(3))
	m.del(addrs.IntKey(3))
	m.set(addrs.StringKey("three"), r3)
	if m.get(addrs.IntKey(3)) != nil || m.get(addrs.StringKey("three")) != r3 || m.len() != 10 {
		t.Errorf("after a move: %v, %v, %d records", m.get(addrs.IntKey(3)), m.get(addrs.StringKey("three")), m.len())
	}
	m.del(addrs.StringKey("three"))
	if m.get(addrs.StringKey("three")) != nil || m.len() != 9 {
		t.Errorf("after a delete: %v, %d records", m.get(addrs.StringKey("three")), m.len())
	}

	// A batch's record moved to another key, and another to the key of one
	// in the table: the map holds them, the table none under their keys.
	staff := idx.byRes[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "staff"}]
	var k1, k2 addrs.Key
	for k := range staff.all() {
		if k1 == nil {
			k1 = k
		} else if k2 == nil {
			k2 = k
		}
	}
	n, r1, r2 := staff.len(), staff.get(k1), staff.get(k2)
	staff.del(k1)
	staff.set(addrs.StringKey("moved"), r1)
	staff.set(k2, r1)
	if staff.get(k1) != nil || staff.get(addrs.StringKey("moved")) != r1 || staff.get(k2) != r1 || staff.len() != n || r2 == nil {
		t.Errorf("after moves within the table: %v, %v, %v, %d records, want %d", staff.get(k1), staff.get(addrs.StringKey("moved")), staff.get(k2), staff.len(), n)
	}
	yielded := 0
	for k, r := range staff.all() {
		if k == k1 || k == k2 && r != r1 {
			t.Errorf("after moves within the table: all yields %#v with %s", k, r.Address)
		}
		yielded++
	}
	if yielded != n {
		t.Errorf("after moves within the table: all yields %d records, want %d", yielded, n)
	}
}

// BenchmarkIndexState indexes a state of a batch of accounts and looks
// each record up by its key, as the pre-pass does.
func BenchmarkIndexState(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := &state.State{Resources: make(map[string]*state.Resource, n)}
			keys := make([]addrs.Key, n)
			for i := range n {
				k := fmt.Sprintf("p%07d", i)
				address := fmt.Sprintf("usapi_account.person[%q]", k)
				s.Resources[address] = (&state.Resource{Address: address}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "person"}).WithIndexKey(json.RawMessage(`"` + k + `"`))
				keys[i] = addrs.StringKey(fmt.Sprintf("p%07d", i)) // not the record's bytes, as a CSV's key
			}
			res := addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "person"}
			b.ResetTimer()
			for range b.N {
				idx, _ := indexState(s)
				m := idx.byRes[res]
				found := 0
				for _, k := range keys {
					if m.get(k) != nil {
						found++
					}
				}
				if found != n {
					b.Fatalf("%d found, want %d", found, n)
				}
			}
		})
	}
}

// TestCompactCurrentCountsEach checks compact.current, counted on every
// core in ranges: the instances kept compactly whose record is their
// key's in the index, none of the others (not kept compactly, another
// record, a key the index lacks), against a count on one goroutine.
func TestCompactCurrentCountsEach(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, rangeMin - 1, rangeMin + 1, 3*rangeMin + 17} {
		stored := &instRecords{}
		c := &compact{is: make([]bool, n), keys: make([]instanceKey, n), recs: make([]*state.Resource, n)}
		want := 0
		for i := range n {
			k := addrs.StringKey(fmt.Sprint("k", i))
			c.keys[i].key = k
			rec := &state.Resource{Address: string(k)}
			c.recs[i] = rec
			switch rng.IntN(5) {
			case 0: // kept with a step: not counted here
				stored.set(k, rec)
			case 1: // another record under its key
				c.is[i] = true
				stored.set(k, &state.Resource{Address: string(k)})
			case 2: // its key not in the index
				c.is[i] = true
			default:
				c.is[i] = true
				stored.set(k, rec)
				want++
			}
		}
		if got := c.current(stored); got != want {
			t.Errorf("%d instances: current = %d, want %d", n, got, want)
		}
	}
}

// TestStepAddrIsAddr: the address a check across instances is given is
// the step's, and the record's own string when the record holds the same
// address, whatever the key (escapes, count, none, a module's).
func TestStepAddrIsAddr(t *testing.T) {
	for _, a := range []string{
		`usapi_account.person["ani"]`, `usapi_account.person["a\"b\\c"]`, `usapi_account.person["José"]`,
		`usapi_account.person[3]`, `usapi_account.person`, `module.team["x"].usapi_account.person["ani"]`,
	} {
		inst, err := addrs.ParseInstance(a)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		st := &Step{Change: &plans.Change{Addr: inst}}
		want := st.Addr()
		own := &state.Resource{Address: strings.Clone(want)}
		if got := stepAddr(st, own); got != want || unsafe.StringData(got) != unsafe.StringData(own.Address) {
			t.Errorf("%s with its record: %q, want the record's %q", a, got, want)
		}
		other := &state.Resource{Address: `usapi_account.person["budi"]`}
		for _, rec := range []*state.Resource{nil, other} {
			if got := stepAddr(st, rec); got != want {
				t.Errorf("%s with %v: %q, want %q", a, rec, got, want)
			}
		}
	}
}
