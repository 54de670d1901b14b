package planner

import (
	"sort"

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
