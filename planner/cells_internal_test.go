package planner

import (
	"fmt"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestCellsGiveBackWhatWasSet: a column's cells, set from several
// goroutines at once, each index by one, give back for each index the
// value set there (cty.Value.RawEquals: the same marks, refinements,
// nulls and unknowns), for an attribute of type string, kept as strings,
// and one of another type; an index never set gives cty.NilVal. It fails
// if a kind of value is made again as another (a null as "", a refined
// unknown as a plain one, a marked string unmarked).
func TestCellsGiveBackWhatWasSet(t *testing.T) {
	strs := []cty.Value{
		cty.StringVal("ani@example.id"),
		cty.StringVal(""),
		cty.StringVal("Dédé ✓"),
		cty.NullVal(cty.String),
		cty.UnknownVal(cty.String),
		cty.UnknownVal(cty.String).Refine().NotNull().StringPrefix("p0").NewValue(),
		cty.StringVal("secret").Mark("sensitive"),
		cty.NullVal(cty.String).Mark("sensitive"),
		cty.UnknownVal(cty.String).Mark("sensitive"),
		cty.DynamicVal, // not of the attribute's type: kept as it is
	}
	nums := []cty.Value{cty.NumberIntVal(7), cty.NullVal(cty.Number), cty.UnknownVal(cty.Number), cty.NumberIntVal(8).Mark("x")}
	for _, tc := range []struct {
		ty   cty.Type
		vals []cty.Value
	}{{cty.String, strs}, {cty.Number, nums}} {
		const n = 4000
		c := makeCells(n+1, tc.ty) // the last never set
		if (c.vals == nil) != tc.ty.Equals(cty.String) {
			t.Fatalf("%s: values kept as cty.Values: %v", tc.ty.FriendlyName(), c.vals != nil)
		}
		want := func(i int) cty.Value {
			v := tc.vals[i%len(tc.vals)]
			if v.Type().Equals(cty.String) && v.IsKnown() && !v.IsNull() && !v.IsMarked() {
				v = cty.StringVal(fmt.Sprint(v.AsString(), i))
			}
			return v
		}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < n; i += 4 {
					c.set(i, want(i))
				}
			})
		}
		wg.Wait()
		for i := range n {
			if got := c.at(i); !got.RawEquals(want(i)) {
				t.Errorf("%s: cell %d = %#v, want %#v", tc.ty.FriendlyName(), i, got, want(i))
			}
		}
		if got := c.at(n); got != cty.NilVal {
			t.Errorf("%s: the cell never set = %#v", tc.ty.FriendlyName(), got)
		}
		c.set(0, cty.NilVal)
		if got := c.at(0); got != cty.NilVal {
			t.Errorf("%s: a cell set to cty.NilVal = %#v", tc.ty.FriendlyName(), got)
		}
	}
}
