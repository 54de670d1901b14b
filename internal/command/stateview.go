package command

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// resourceView decodes a state resource with its provider's schema, for
// display. Sensitive attributes are the schema's and those the resource
// recorded as fed by sensitive values (a sensitive variable). The error
// says why the resource's attributes could not be read back from the state
// file.
func resourceView(r *state.Resource, schemas map[string]providers.Schema) (*render.Resource, error) {
	v := &render.Resource{Address: r.Address, Mode: r.Mode(), Type: r.Type(), Name: r.Name(), Provider: r.Provider(), Value: cty.NilVal}
	if len(r.IndexKey()) > 0 {
		var idx any
		if json.Unmarshal(r.IndexKey(), &idx) == nil {
			if f, ok := idx.(float64); ok {
				idx = int(f)
			}
			v.Index = idx
		}
	}
	if r.Pending() != nil {
		v.Pending = fmt.Sprintf("an apply started creating it at %s and stopped before recording the answer; the next plan resolves it against the remote",
			r.Pending().Started.UTC().Format(time.RFC3339))
	}
	block := schemas[r.Provider()].Resources[r.Type()]
	attrs, err := r.Attributes()
	if err != nil {
		return nil, err
	}
	if block == nil || len(attrs) == 0 || string(attrs) == "null" {
		return v, nil
	}
	val, err := codec.DecodeJSON(attrs, block.ImpliedType()) // ctyjson.Unmarshal's value, a fifth of its time
	if err != nil {
		return v, nil
	}
	v.Value, v.Sensitive = val, append(append([]cty.Path(nil), block.SensitivePaths()...), storedPaths(r)...)
	return v, nil
}

// storedPaths decodes the resource's recorded sensitive paths.
func storedPaths(r *state.Resource) []cty.Path {
	var out []cty.Path
	for _, p := range r.SensitivePaths() {
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
