package executor

import (
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// recordMoves renames in the state, in one update and before any request,
// the instances the plan's moved blocks rename. It reports false when the
// state could not record them: then nothing else runs.
func (a *applier) recordMoves() bool {
	var u state.Update
	for _, c := range a.plan.Changes {
		prev := c.PrevAddr()
		if prev == nil {
			continue
		}
		rec := a.opts.State.Resources[prev.String()]
		if rec == nil {
			continue // already moved (a saved plan applied twice)
		}
		u.Set = append(u.Set, planner.MovedRecord(rec, c.Addr))
		u.Remove = append(u.Remove, prev.String())
	}
	if u.Empty() {
		return true
	}
	if err := a.persist(u); err != nil {
		a.addDiags(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Could not record the moves", Detail: "The renames of the moved blocks could not be recorded in the state, so nothing was applied: " + err.Error()}})
		return false
	}
	return true
}
