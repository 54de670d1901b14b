package executor

import (
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// recordOutputs evaluates the outputs with the values apply produced and
// records them. An output still unknown (what it depends on failed or was
// not started) keeps its previous value.
func (a *applier) recordOutputs() {
	outs, diags := a.res.Outputs()
	a.addDiags(diags)
	a.mu.Lock()
	prev := a.opts.State.Outputs
	a.mu.Unlock()
	recorded := make(map[string]*state.Output, len(outs))
	for _, o := range outs {
		if !o.Value.IsWhollyKnown() {
			if old, ok := prev[o.Name]; ok {
				recorded[o.Name] = old
			}
			continue
		}
		val, err := ctyjson.Marshal(o.Value, o.Value.Type())
		if err != nil {
			continue
		}
		ty, err := ctyjson.MarshalType(o.Value.Type())
		if err != nil {
			continue
		}
		recorded[o.Name] = &state.Output{Value: val, Type: ty, Sensitive: o.Sensitive}
	}
	if err := a.persist(state.Update{Outputs: recorded}); err != nil {
		a.addDiags(outputError(err))
	}
}

func outputError(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot record the outputs",
		Detail:   "The outputs could not be written to the state: " + err.Error() + ".",
	}}
}
