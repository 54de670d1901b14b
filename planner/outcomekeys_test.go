package planner_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// TestLazyOutcomesValueIsTheirKeysCount: the apply that records a batch's
// outcomes holds the value of its verifications, read by their keys alone
// (length(R), keys(R)), as their count (lazyKeys), as the apply that
// creates them does, and not as the object of one empty object a row
// (buildWithCompact: its type's map and its values', and each key a slice
// of the CSV's text); the same when some of them are settled and kept
// compactly beside the block. The outputs after apply, the length and the
// keys themselves, are what the configuration gives, every key once, and
// the block's keys with their rows are let go of once apply starts. It
// fails if the outcomes' value is built whole at plan time, or if the
// value built from the keys kept misses or repeats one.
func TestLazyOutcomesValueIsTheirKeysCount(t *testing.T) {
	for _, every := range []int{0, 3} { // every 3rd settled (0: none)
		t.Run(fmt.Sprintf("settled every %d", every), func(t *testing.T) { testLazyOutcomesValueIsTheirKeysCount(t, every) })
	}
}

func testLazyOutcomesValueIsTheirKeysCount(t *testing.T, every int) {
	const n = 150
	var csv strings.Builder
	csv.WriteString("name,email\n")
	var keys []string
	for i := range n {
		k := fmt.Sprintf("p%03d", (i*7919)%n) // rows not in key order
		fmt.Fprintf(&csv, "%s,%s@example.id\n", k, k)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	src := applyKeysAccounts + `
resource "fake_account" "dep" {
  for_each = local.people
  name     = "d-${each.key}"
  email    = other_account.person[each.key].email
}
output "verified" {
  value = length(fake_account.dep)
}
output "dependents" {
  value = join(",", keys(fake_account.dep))
}
`
	ba, fake := newBatchApplier(csv.String(), true)
	first := ba.plan(t, src)
	if rep, _ := ba.apply(t, first, first.Evaluator()); rep.Failed != 0 {
		t.Fatalf("failed %d: %s", rep.Failed, rep.Diagnostics.Error())
	}
	fake.SettledAccounts, fake.Finishes = false, true
	ty := fake.Schema().Resources["fake_account"].ImpliedType()
	refreshed := 0
	for i := range n {
		addr := fmt.Sprintf(`fake_account.dep["p%03d"]`, i)
		rec := ba.backend.Resource(addr)
		rec.Settled = every > 0 && i%every == 0
		if rec.Settled {
			continue
		}
		refreshed++
		v, err := ctyjson.Unmarshal(backendtest.AttrsOf(rec), ty)
		if err != nil {
			t.Fatal(err)
		}
		m := v.AsValueMap()
		m["id"] = cty.StringVal(fmt.Sprintf("completed-%d", i))
		fake.Remote[addr] = cty.ObjectVal(m)
	}
	res := ba.plan(t, src)
	if got := res.Plan.Len() - len(res.Plan.Changes); got != refreshed {
		t.Fatalf("%d outcomes kept lazily, want %d", got, refreshed)
	}
	if !planner.ValueIsColumns(res, "fake_account.dep") {
		t.Errorf("the outcomes' value is built whole, not held as their keys' count")
	}
	w, ok := planner.KeysHeld(res, "fake_account.dep")
	if !ok {
		t.Fatal("the outcomes hold no keys when planned")
	}
	eval := res.Evaluator()
	eval.Start() // as apply does before its first change
	runtime.GC()
	if w.Value() != nil {
		t.Errorf("the outcomes' keys, with their rows, held once apply started")
	}
	rep, outs := ba.apply(t, res, eval)
	if rep.Failed != 0 {
		t.Fatalf("failed %d: %s", rep.Failed, rep.Diagnostics.Error())
	}
	var got strings.Builder
	for _, o := range outs {
		fmt.Fprintf(&got, "%s = %#v\n", o.Name, o.Value)
	}
	want := fmt.Sprintf("dependents = cty.StringVal(%q)\nverified = cty.NumberIntVal(%d)\n", strings.Join(keys, ","), n)
	if got.String() != want {
		t.Errorf("outputs after apply:\n%s\nwant\n%s", got.String(), want)
	}
	runtime.KeepAlive(res)
}
