package render

import (
	"encoding/json"
	"fmt"
	"github.com/daftar-dev/daftar/internal/addrs"
	"io"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Resource is a state resource ready for display.
type Resource struct {
	Address   string
	Mode      string // "managed"
	Type      string
	Name      string
	Index     any // int, string or nil
	Provider  string
	Value     cty.Value
	Sensitive []cty.Path
	// Pending describes an interrupted create, "" when there is none.
	Pending string
}

// StateResource writes one resource as show and state show print it.
func StateResource(w io.Writer, r *Resource) {
	fmt.Fprintf(w, "# %s:\n", r.Address)
	if r.Pending != "" {
		fmt.Fprintf(w, "# (%s)\n", r.Pending)
	}
	fmt.Fprintf(w, "resource %q %q {\n", r.Type, r.Name)
	if r.Value != cty.NilVal && !r.Value.IsNull() {
		writeAttrs(w, r.Value, nil, sensitiveSet(r.Sensitive), 4)
	}
	fmt.Fprintln(w, "}")
}

func writeAttrs(w io.Writer, obj cty.Value, path cty.Path, sens sensitiveSet, indent int) {
	names, width := attributeNames(obj)
	prefix := strings.Repeat(" ", indent)
	var blocks []string
	for _, name := range names {
		v := attr(obj, name)
		p := append(path.Copy(), cty.GetAttrStep{Name: name})
		if isBlock(v, v) && !sens.covers(p) {
			blocks = append(blocks, name)
			continue
		}
		if v.IsNull() {
			continue
		}
		fmt.Fprintf(w, "%s%-*s = %s\n", prefix, width, name, formatValue(v, p, sens))
	}
	for _, name := range blocks {
		fmt.Fprintf(w, "\n%s%s {\n", prefix, name)
		writeAttrs(w, attr(obj, name), append(path.Copy(), cty.GetAttrStep{Name: name}), sens, indent+4)
		fmt.Fprintf(w, "%s}\n", prefix)
	}
}

// StateOutput is an output value from the state.
type StateOutput struct {
	Name      string
	Value     cty.Value
	Sensitive bool
}

// Outputs writes output values as NAME = VALUE lines, hiding sensitive ones.
func Outputs(w io.Writer, outs []StateOutput) {
	sort.Slice(outs, func(i, j int) bool { return outs[i].Name < outs[j].Name })
	for _, o := range outs {
		v := formatValue(o.Value, nil, nil)
		if o.Sensitive {
			v = sensitiveValue
		}
		fmt.Fprintf(w, "%s = %s\n", o.Name, v)
	}
}

// OutputValue writes one output value on its own: strings unquoted, other
// values as HCL literals, sensitive ones hidden.
func OutputValue(w io.Writer, o StateOutput) {
	switch {
	case o.Sensitive:
		fmt.Fprintln(w, sensitiveValue)
	case o.Value.Type() == cty.String && o.Value.IsKnown() && !o.Value.IsNull():
		fmt.Fprintln(w, o.Value.AsString())
	default:
		fmt.Fprintln(w, formatValue(o.Value, nil, nil))
	}
}

// OutputsJSON writes outputs as show -json and output -json do:
// {"name": {"value": ..., "type": ..., "sensitive": bool}}, sensitive
// values as null.
func OutputsJSON(outs []StateOutput) map[string]any {
	m := map[string]any{}
	for _, o := range outs {
		val, _ := valueJSON(o.Value, nil)
		entry := map[string]any{"value": val, "sensitive": o.Sensitive}
		if o.Sensitive {
			// The state keeps only a digest of a sensitive output: neither
			// its value nor its type can be given.
			entry["value"] = json.RawMessage("null")
		} else if ty, err := ctyjson.MarshalType(o.Value.Type()); err == nil {
			entry["type"] = json.RawMessage(ty) // as Terraform's output -json
		}
		m[o.Name] = entry
	}
	return m
}

// jsonModule is a module in Terraform's JSON values representation: its
// resources, and its child modules each with its address.
type jsonModule struct {
	Address      string        `json:"address,omitempty"`
	Resources    []any         `json:"resources"`
	ChildModules []*jsonModule `json:"child_modules,omitempty"`
}

// child returns the module at path (module instance addresses from the
// outermost), adding what is missing.
func (m *jsonModule) child(path []string) *jsonModule {
	for _, addr := range path {
		var next *jsonModule
		for _, c := range m.ChildModules {
			if c.Address == addr {
				next = c
			}
		}
		if next == nil {
			next = &jsonModule{Address: addr, Resources: []any{}}
			m.ChildModules = append(m.ChildModules, next)
		}
		m = next
	}
	return m
}

// StateJSON writes the state as show -json prints it.
func StateJSON(w io.Writer, resources []*Resource, outs []StateOutput) error {
	type jsonResource struct {
		Address         string          `json:"address"`
		Mode            string          `json:"mode"`
		Type            string          `json:"type"`
		Name            string          `json:"name"`
		Index           any             `json:"index,omitempty"`
		Provider        string          `json:"provider"`
		Values          json.RawMessage `json:"values"`
		SensitiveValues json.RawMessage `json:"sensitive_values"`
		Pending         string          `json:"pending,omitempty"`
	}
	root := &jsonModule{Resources: []any{}}
	for _, r := range resources {
		jr := jsonResource{Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name, Index: r.Index, Provider: r.Provider, Pending: r.Pending}
		jr.Values, jr.SensitiveValues = valueJSON(r.Value, sensitiveSet(r.Sensitive))
		m := root
		if inst, err := addrs.ParseInstance(r.Address); err == nil {
			m = root.child(inst.ModuleInstances())
			if inst.Resource.KeyedModule() {
				jr.Index = keyValue(inst.OwnKey()) // the module calls' keys are in the module's address
			}
		}
		m.Resources = append(m.Resources, jr)
	}
	out := map[string]any{
		"format_version": "1",
		"values": map[string]any{
			"outputs":     OutputsJSON(outs),
			"root_module": root,
		},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
