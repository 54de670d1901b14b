package executor

import (
	"bytes"
	"encoding/json"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// recordOutputs evaluates the outputs with the values apply produced and
// records them. An output still unknown (what it depends on failed or was
// not started) keeps its previous value.
func (a *applier) recordOutputs() {
	outs, diags := a.eval.Outputs()
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
		if o.Sensitive {
			recorded[o.Name] = SensitiveOutput(a.opts.Digester, o.Name, val)
			continue
		}
		recorded[o.Name] = &state.Output{Value: val, Type: ty}
	}
	if sameOutputs(prev, recorded) {
		return // a no-change apply writes nothing
	}
	if err := a.persist(state.Update{Outputs: recorded}); err != nil {
		a.addDiags(outputError(err))
	}
}

// sameOutputs reports whether two sets of recorded outputs are the same,
// byte for byte.
func sameOutputs(a, b map[string]*state.Output) bool {
	if len(a) != len(b) {
		return false
	}
	for name, x := range a {
		y, ok := b[name]
		if !ok || x.Sensitive != y.Sensitive || !sameJSON(x.Value, y.Value) || !sameJSON(x.Type, y.Type) {
			return false
		}
	}
	return true
}

// sameJSON compares two JSON texts ignoring insignificant whitespace (the
// state file indents its outputs).
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// SensitiveOutput is how the state records a sensitive output: a keyed
// digest of its value (as JSON), never the value, so the state holds no
// secret; commands print it as (sensitive value), and show -show-sensitive
// evaluates it again from the configuration. The digest lets a plan tell
// whether the value changed. Without a digester the value is null.
func SensitiveOutput(d providers.Digester, name string, valueJSON []byte) *state.Output {
	v := json.RawMessage("null")
	if d != nil {
		v, _ = json.Marshal(d.Digest("output."+name, valueJSON))
	}
	return &state.Output{Value: v, Type: json.RawMessage(`"string"`), Sensitive: true}
}

func outputError(err error) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot record the outputs",
		Detail:   "The outputs could not be written to the state: " + err.Error() + ".",
	}}
}
