package command

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// resourceView decodes a state resource with its provider's schema, for
// display. Sensitive attributes are the schema's and those the resource
// recorded as fed by sensitive values (a sensitive variable).
func resourceView(r *state.Resource, schemas map[string]providers.Schema) *render.Resource {
	v := &render.Resource{Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name, Provider: r.Provider, Value: cty.NilVal}
	if len(r.IndexKey) > 0 {
		var idx any
		if json.Unmarshal(r.IndexKey, &idx) == nil {
			if f, ok := idx.(float64); ok {
				idx = int(f)
			}
			v.Index = idx
		}
	}
	if r.Pending != nil {
		v.Pending = fmt.Sprintf("an apply started creating it at %s and stopped before recording the answer; the next plan resolves it against the remote",
			r.Pending.Started.UTC().Format(time.RFC3339))
	}
	block := schemas[r.Provider].Resources[r.Type]
	if block == nil || len(r.Attributes) == 0 || string(r.Attributes) == "null" {
		return v
	}
	val, err := ctyjson.Unmarshal(r.Attributes, block.ImpliedType())
	if err != nil {
		return v
	}
	v.Value, v.Sensitive = val, append(append([]cty.Path(nil), block.SensitivePaths()...), storedPaths(r)...)
	return v
}

// storedPaths decodes the resource's recorded sensitive paths.
func storedPaths(r *state.Resource) []cty.Path {
	var out []cty.Path
	for _, p := range r.SensitivePaths {
		out = append(out, plans.DecodePath(p))
	}
	return out
}

// schemasOf returns the schemas of the shipped providers.
func schemasOf() map[string]providers.Schema {
	out := map[string]providers.Schema{}
	for name, p := range newProviders() {
		out[name] = p.Schema()
	}
	return out
}

// outputViews decodes the state's outputs for display.
func outputViews(st *state.State) []render.StateOutput {
	var outs []render.StateOutput
	for name, o := range st.Outputs {
		outs = append(outs, render.StateOutput{Name: name, Value: decodeOutput(o), Sensitive: o.Sensitive})
	}
	return outs
}

func decodeOutput(o *state.Output) cty.Value {
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return cty.DynamicVal
	}
	v, err := ctyjson.Unmarshal(o.Value, ty)
	if err != nil {
		return cty.DynamicVal
	}
	return v
}
