package command

import (
	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// forDisplay returns the plan as people should see it: only the outputs
// whose value would change from what the state records.
func forDisplay(p *plans.Plan, st *state.State, d providers.Digester) *plans.Plan {
	shown := *p
	shown.Outputs = nil
	declared := map[string]bool{}
	for _, o := range p.Outputs {
		declared[o.Name] = true
		if outputChanges(o, st.Outputs[o.Name], d) {
			shown.Outputs = append(shown.Outputs, o)
		}
	}
	shown.OutputsChange = len(shown.Outputs) > 0
	for name := range st.Outputs {
		shown.OutputsChange = shown.OutputsChange || !declared[name] // an output removed
	}
	return &shown
}

func outputChanges(o *plans.Output, stored *state.Output, d providers.Digester) bool {
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
	if o.Sensitive { // the state holds a digest of the value
		b, err := ctyjson.Marshal(v, v.Type())
		return err != nil || string(executor.SensitiveOutput(d, o.Name, b).Value) != string(stored.Value)
	}
	old := decodeOutput(stored)
	if old == cty.DynamicVal {
		return true
	}
	eq := executor.StoredOutput(v).Equals(old) // the state keeps NIKs masked
	return !eq.IsKnown() || eq.False()
}
