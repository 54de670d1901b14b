package executor

import (
	"bytes"
	"encoding/json"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
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
		v := o.Value
		if !o.Sensitive {
			v = StoredOutput(v)
		}
		val, err := ctyjson.Marshal(v, v.Type())
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

// StoredOutput is a plain output's value as the state keeps it: every
// NIK-shaped run of digits in its strings masked (3171********0123), as
// every command shows it, so that the state holds no NIK in clear. A plan
// compares the configuration's value through StoredOutput too.
func StoredOutput(v cty.Value) cty.Value {
	out, err := cty.TransformWithTransformer(v, nikMasker{})
	if err != nil {
		return v
	}
	return out
}

// nikMasker masks the NIKs of every known string of a value.
type nikMasker struct{}

func (nikMasker) Enter(_ cty.Path, v cty.Value) (cty.Value, error) { return v, nil }

func (nikMasker) Exit(_ cty.Path, v cty.Value) (cty.Value, error) {
	plain, marks := v.Unmark()
	if !plain.IsKnown() || plain.IsNull() || plain.Type() != cty.String {
		return v, nil
	}
	if masked := secrets.MaskNIKs(plain.AsString()); masked != plain.AsString() {
		return cty.StringVal(masked).WithMarks(marks), nil
	}
	return v, nil
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
