package planner

import (
	"fmt"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/zclconf/go-cty/cty"
)

// TestColumnAttrAtIsAttr: the column looked up at an index gives what
// the look-up by key gives, for the right index, another instance's, one
// out of range, and a key it lacks; for sorted keys and unsorted.
func TestColumnAttrAtIsAttr(t *testing.T) {
	for _, order := range [][]string{{"ani", "budi", "citra", "dewi"}, {"dewi", "ani", "citra", "budi"}} {
		keys := make([]instanceKey, len(order))
		for i, k := range order {
			keys[i] = instanceKey{key: addrs.StringKey(k)}
		}
		col := emptyColumn(&compact{keys: keys}, []string{"email", "id"}, cty.Object(map[string]cty.Type{"email": cty.String, "id": cty.String}))
		for i, k := range order {
			col.set(i, cty.ObjectVal(map[string]cty.Value{"email": cty.StringVal(k + "@example.id"), "id": cty.StringVal(fmt.Sprint("id-", i))}))
		}
		for _, key := range append(order, "eka") {
			for _, name := range []string{"email", "id", "other"} {
				want, wantOK := col.Attr(key, name)
				for i := -1; i <= len(order); i++ {
					got, ok := col.AttrAt(i, key, name)
					if ok != wantOK || (ok && !got.RawEquals(want)) {
						t.Errorf("%v: AttrAt(%d, %s, %s) = %#v, %v; Attr %#v, %v", order, i, key, name, got, ok, want, wantOK)
					}
				}
			}
		}
	}
}
