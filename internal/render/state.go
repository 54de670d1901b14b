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
	s := NewStateJSON(w, outs)
	for _, r := range resources {
		s.Resource(r)
	}
	return s.Close()
}

// StateJSONWriter writes the state as show -json prints it (Terraform's
// JSON values representation, indented), a resource at a time: a root
// module resource is written when it is given, so that show -json of a
// million records holds one; a module's resources are kept until Close,
// which writes them under root_module's child_modules. The bytes are those
// of the whole document encoded at once.
type StateJSONWriter struct {
	w    io.Writer
	root *jsonModule // the child modules, built as their resources come
	n    int         // root module resources written
	err  error
}

// The document around the root module's resources, as encoding/json
// indents it ("  " a level): the outputs at the third level, a resource at
// the fifth.
const (
	stateJSONOutputs        = "{\n  \"format_version\": \"1\",\n  \"values\": {\n    \"outputs\": "
	stateJSONResources      = ",\n    \"root_module\": {\n      \"resources\": ["
	stateJSONResourceIndent = "        "
	stateJSONModulesIndent  = "      "
	stateJSONEnd            = "\n    }\n  }\n}\n"
)

// NewStateJSON starts the document with outs, the state's outputs.
func NewStateJSON(w io.Writer, outs []StateOutput) *StateJSONWriter {
	s := &StateJSONWriter{w: w, root: &jsonModule{Resources: []any{}}}
	o, err := json.MarshalIndent(OutputsJSON(outs), "    ", "  ")
	s.err = err
	s.write(stateJSONOutputs, o, stateJSONResources)
	return s
}

// stateJSONResource is a resource in Terraform's JSON values
// representation.
type stateJSONResource struct {
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

// Resource writes r, or keeps it for Close when a module holds it.
// Resources come in address order.
func (s *StateJSONWriter) Resource(r *Resource) {
	jr := stateJSONResource{Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name, Index: r.Index, Provider: r.Provider, Pending: r.Pending}
	jr.Values, jr.SensitiveValues = valueJSON(r.Value, sensitiveSet(r.Sensitive))
	if inst, err := addrs.ParseInstance(r.Address); err == nil && len(inst.ModuleInstances()) > 0 {
		if inst.Resource.KeyedModule() {
			jr.Index = keyValue(inst.OwnKey()) // the module calls' keys are in the module's address
		}
		m := s.root.child(inst.ModuleInstances())
		m.Resources = append(m.Resources, jr)
		return
	}
	b, err := json.MarshalIndent(jr, stateJSONResourceIndent, "  ")
	if s.err == nil {
		s.err = err
	}
	sep := ",\n"
	if s.n == 0 {
		sep = "\n"
	}
	s.n++
	s.write(sep+stateJSONResourceIndent, b, "")
}

// Close ends the document, with the modules' resources, and reports the
// first error writing it.
func (s *StateJSONWriter) Close() error {
	end := "]"
	if s.n > 0 {
		end = "\n      ]"
	}
	if len(s.root.ChildModules) == 0 {
		s.write(end, nil, stateJSONEnd)
		return s.err
	}
	b, err := json.MarshalIndent(s.root.ChildModules, stateJSONModulesIndent, "  ")
	if s.err == nil {
		s.err = err
	}
	s.write(end+",\n      \"child_modules\": ", b, stateJSONEnd)
	return s.err
}

func (s *StateJSONWriter) write(before string, b []byte, after string) {
	if s.err != nil {
		return
	}
	_, s.err = io.WriteString(s.w, before)
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
	if s.err == nil {
		_, s.err = io.WriteString(s.w, after)
	}
}
