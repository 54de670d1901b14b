package planner

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// TestRecordTableIsMap checks recordTable against a map of the same keys:
// tables of every small size (probes that wrap around the end, runs of
// collisions), keys that end with one another ("a", "ba", "aba"), the
// empty key, records removed and looked up again (a probe goes past a
// removed record to the ones after it), and keys it never held.
func TestRecordTableIsMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"", "a", "ba", "aba", "b", "ab", "p0000001", "p0000010", " ", "x y"}
	for n := range 40 {
		keys := map[string]bool{}
		for len(keys) < n {
			if len(keys) < len(alphabet) && rng.IntN(2) == 0 {
				keys[alphabet[rng.IntN(len(alphabet))]] = true
			} else {
				keys[fmt.Sprint(rng.IntN(1000))] = true
			}
		}
		want := map[string]*state.Resource{}
		tab := newRecordTable(n)
		for k := range keys {
			r := &state.Resource{Address: fmt.Sprintf("usapi_account.person[%q]", k)}
			tab.insert(k, r)
			want[k] = r
		}
		check := func(when string) {
			t.Helper()
			if tab.len() != len(want) {
				t.Fatalf("%d keys, %s: len %d, want %d", n, when, tab.len(), len(want))
			}
			for _, k := range append(alphabet, "absent", "aa", `"a`, "1000") {
				if got := tab.get(k); got != want[k] {
					t.Fatalf("%d keys, %s: get(%q) = %v, want %v", n, when, k, got, want[k])
				}
			}
			for k, r := range want {
				if got := tab.get(k); got != r {
					t.Fatalf("%d keys, %s: get(%q) = %v, want %v", n, when, k, got, r)
				}
			}
			seen := map[string]bool{}
			tab.all(func(k string, r *state.Resource) bool {
				if want[k] != r || seen[k] {
					t.Fatalf("%d keys, %s: all yields %q with %v, want %v once", n, when, k, r, want[k])
				}
				seen[k] = true
				return true
			})
			if len(seen) != len(want) {
				t.Fatalf("%d keys, %s: all yields %d records, want %d", n, when, len(seen), len(want))
			}
		}
		check("filled")
		for k := range keys {
			if rng.IntN(3) == 0 {
				tab.remove(k)
				delete(want, k)
				check("after removing " + k)
			}
		}
		tab.remove("absent") // nothing to remove
		check("after removing a key it never held")
		if n > 0 {
			for k := range want { // a record put in place of another under its key
				r := &state.Resource{Address: fmt.Sprintf("usapi_account.person[%q]", k)}
				tab.insert(k, r)
				want[k] = r
				check("after replacing " + k)
				break
			}
		}
	}
	var none *recordTable
	if none.get("a") != nil || none.len() != 0 || none.find("a") != -1 || !none.all(func(string, *state.Resource) bool { return false }) {
		t.Error("a nil table holds something")
	}
	none.remove("a") // no panic
}
