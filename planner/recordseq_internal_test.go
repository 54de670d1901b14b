package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/state"
)

// TestLookupInKeyOrderIsGet: a batch's records looked up in key order
// from the file's order (instRecords.lookup) are the records get finds,
// key by key: for the keys in order, with keys the state lacks, keys that
// left it, keys the file orders otherwise than the configuration (a space
// sorts before the address's closing quote), keys its addresses spell
// with an escape (held apart from the table), records whose attributes
// are not left in the file (too short: no place), keys in another order,
// a subset, and once a record was moved out of the index. It fails if a
// look-up gives a record of another key or misses one that get finds, or
// if the records are not looked up from the file's order at all.
func TestLookupInKeyOrderIsGet(t *testing.T) {
	st := state.New()
	res := addrs.Resource{Mode: addrs.Managed, Type: "fake_account", Name: "batch"}
	var stored []string
	add := func(k string, attrs string) {
		raw, _ := json.Marshal(k)
		addr := addrs.Instance{Resource: res, Key: addrs.StringKey(k)}.String()
		st.Resources[addr] = (&state.Resource{Address: addr}).
			WithKind(state.Kind{Mode: "managed", Type: res.Type, Name: res.Name, Provider: "fake"}).
			WithIndexKey(raw).WithAttributes(json.RawMessage(attrs))
		stored = append(stored, k)
	}
	for i := range 3 * seqMin {
		if i%7 == 3 {
			continue // a key that left the state
		}
		k := fmt.Sprintf("p%06d", i)
		if i%101 == 5 {
			add(k, `{"id":"x"}`) // kept in memory: no place in the file
			continue
		}
		add(k, `{"id":"`+k+`","email":"`+k+`@example.id","name":"a person of the batch"}`)
	}
	long := `{"id":"z","email":"z@example.id","name":"a person with an odd key"}`
	for _, k := range []string{"p000100 b", "p000100!", "p000100", `p000200"q`, `p000300\`, "p0003001", "zz"} {
		add(k, long)
	}
	b := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
	t.Cleanup(func() { b.Close() })
	if err := b.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	loaded, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	idx, diags := indexState(loaded)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	m := idx.byRes[res]
	if len(m.seq) < 2*seqMin {
		t.Fatalf("%d records in the file's order, want most of %d", len(m.seq), len(stored))
	}

	var all []string
	for i := range 3*seqMin + 50 {
		all = append(all, "p"+fmt.Sprintf("%06d", i))
	}
	all = append(all, stored...)
	slices.Sort(all)
	all = slices.Compact(all)
	shuffled := slices.Clone(all)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	check := func(name string, ks []string, need []bool) {
		t.Helper()
		keys := make([]instanceKey, len(ks))
		for i, k := range ks {
			keys[i] = instanceKey{key: addrs.StringKey(k)}
		}
		seen := 0
		for lo := 0; lo < len(keys); lo += 1000 {
			hi := min(lo+1000, len(keys))
			last := lo - 1
			m.lookup(keys, need, lo, hi, func(i int, r *state.Resource) {
				if i <= last || i >= hi || (need != nil && !need[i]) {
					t.Fatalf("%s: key %d of [%d, %d) found after %d", name, i, lo, hi, last)
				}
				last = i
				seen++
				if want := m.get(keys[i].key); r != want {
					t.Fatalf("%s: %q gave %v, get gives %v", name, ks[i], address(r), address(want))
				}
			})
		}
		if want := countWanted(len(keys), need); seen != want {
			t.Fatalf("%s: %d keys looked up, want %d", name, seen, want)
		}
	}
	check("in order", all, nil)
	// From the file's order alone (no table to fall back on), in key
	// order, every record is found but the one whose key the file orders
	// after the keys it begins.
	bare, found := &instRecords{seq: m.seq}, 0
	inOrder := make([]instanceKey, len(all))
	for i, k := range all {
		inOrder[i] = instanceKey{key: addrs.StringKey(k)}
	}
	for lo := 0; lo < len(inOrder); lo += 1000 {
		bare.lookup(inOrder, nil, lo, min(lo+1000, len(inOrder)), func(i int, r *state.Resource) {
			if r != nil {
				found++
				if r != m.get(inOrder[i].key) {
					t.Fatalf("%q gave %s from the file's order, get gives %s", all[i], address(r), address(m.get(inOrder[i].key)))
				}
			}
		})
	}
	if found < len(m.seq)-1 {
		t.Errorf("%d of %d records found from the file's order", found, len(m.seq))
	}
	check("another order", shuffled, nil)
	every3 := make([]bool, len(all))
	for i := range every3 {
		every3[i] = i%3 == 0
	}
	check("a subset", all, every3)
	var numbered []string
	for i := range 200 {
		numbered = append(numbered, strconv.Itoa(i))
	}
	check("none stored", numbered, nil)

	m.del(addrs.StringKey("p000001"))
	if m.seq != nil {
		t.Fatal("the file's order kept once a record was deleted")
	}
	check("after a delete", all, nil)
}

func address(r *state.Resource) string {
	if r == nil {
		return "none"
	}
	return r.Address
}

func countWanted(n int, need []bool) int {
	if need == nil {
		return n
	}
	k := 0
	for _, b := range need {
		if b {
			k++
		}
	}
	return k
}
