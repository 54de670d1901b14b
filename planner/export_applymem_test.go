package planner

import (
	"sort"
	"weak"

	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// DroppedLocals names the locals whose values apply let go of
// (releaseForApply), sorted.
func DroppedLocals(r *Result) []string {
	r.p.vals.mu.RLock()
	defer r.p.vals.mu.RUnlock()
	var out []string
	for name := range r.p.vals.dropped {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// LocalAtApply is the value expressions evaluated during apply read for
// local.NAME.
func LocalAtApply(r *Result, name string) (cty.Value, bool) { return r.p.vals.Local(name) }

// KeysHeld is a weak pointer to the first of the keys (with each
// instance's count and each) the resource addr's lazy block or compact
// holds, and whether it holds any.
func KeysHeld(r *Result, addr string) (weak.Pointer[instanceKey], bool) {
	for _, res := range r.p.res {
		if res.addr.String() != addr {
			continue
		}
		switch {
		case res.lazy != nil && len(res.lazy.keys) > 0:
			return weak.Make(&res.lazy.keys[0]), true
		case res.compact != nil && len(res.compact.keys) > 0:
			return weak.Make(&res.compact.keys[0]), true
		}
	}
	return weak.Pointer[instanceKey]{}, false
}

// ValueIsColumns reports whether the resource addr's value is held as
// columns (schema.ColumnsVal).
func ValueIsColumns(r *Result, addr string) bool {
	for _, res := range r.p.res {
		if res.addr.String() == addr {
			_, ok := schema.ColumnsOf(res.value)
			return ok
		}
	}
	return false
}

// PackingTable sets packingTable (nil: unset).
func PackingTable(fn func(addr string, t *schema.CSVTable)) { packingTable = fn }
