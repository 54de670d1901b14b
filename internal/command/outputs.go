package command

import (
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// forDisplay returns the plan as people should see it: only the outputs
// whose value would change from what the state records.
func forDisplay(p *plans.Plan, st *state.State) *plans.Plan {
	shown := *p
	shown.Outputs = nil
	for _, o := range p.Outputs {
		if outputChanges(o, st.Outputs[o.Name]) {
			shown.Outputs = append(shown.Outputs, o)
		}
	}
	return &shown
}

func outputChanges(o *plans.Output, stored *state.Output) bool {
	if stored == nil {
		return true
	}
	if o.Sensitive != stored.Sensitive {
		return true
	}
	v, _ := o.Value.UnmarkDeep()
	if !v.IsWhollyKnown() {
		return true
	}
	old := decodeOutput(stored)
	if old == cty.DynamicVal {
		return true
	}
	eq := v.Equals(old)
	return !eq.IsKnown() || eq.False()
}
