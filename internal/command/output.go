package command

import (
	"encoding/json"
	"fmt"

	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/zclconf/go-cty/cty"
)

func runOutput(m *Meta, args []string) int {
	fs := newFlagSet(m, "output")
	jsonOut := fs.Bool("json", false, "machine-readable output")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	raw := fs.Bool("raw", false, "print one output's string, number or bool as it is, with no quotes and no newline (for scripts)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if *raw && (*jsonOut || fs.NArg() != 1) {
		m.errorf("daftar output -raw takes one output name, and not -json: daftar output -raw NAME")
		return exitError
	}
	defer m.close()
	if fs.NArg() > 1 {
		m.errorf("daftar output takes at most one output name")
		return exitError
	}
	st, ok := m.readState(*statePath)
	if !ok {
		return exitError
	}
	outs := outputViews(st)
	if name := fs.Arg(0); name != "" {
		for _, o := range outs {
			if o.Name == name && *raw {
				return m.printRaw(o)
			}
			if o.Name == name {
				return m.printOutput(o, *jsonOut)
			}
		}
		var names []string
		for _, o := range outs {
			names = append(names, o.Name)
		}
		hint := ""
		if s := suggest.Closest(name, names); s != "" {
			hint = fmt.Sprintf(" Did you mean %q?", s)
		}
		m.errorf("the state has no output %q.%s Outputs are recorded by apply.", name, hint)
		return exitError
	}
	if *jsonOut {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(render.OutputsJSON(outs))
		return exitOK
	}
	if len(outs) == 0 {
		m.warnf("the state has no outputs: declare output blocks and run daftar apply")
		return exitOK
	}
	render.Outputs(m.Stdout, outs)
	return exitOK
}

func (m *Meta) printOutput(o render.StateOutput, jsonOut bool) int {
	if jsonOut {
		data, _ := json.Marshal(render.OutputsJSON([]render.StateOutput{o})[o.Name].(map[string]any)["value"])
		fmt.Fprintln(m.Stdout, string(data))
		return exitOK
	}
	render.OutputValue(m.Stdout, o)
	return exitOK
}

// printRaw prints a primitive output as it is, as terraform output -raw
// does. A sensitive output is refused: the state keeps only its digest,
// and daftar prints no secret in clear.
func (m *Meta) printRaw(o render.StateOutput) int {
	v, _ := o.Value.UnmarkDeep()
	switch {
	case o.Sensitive:
		m.errorf("output %q is sensitive: daftar keeps only a digest of it and never prints it (output -raw prints plain values only)", o.Name)
		return exitError
	case !v.IsKnown() || v.IsNull():
		m.errorf("output %q is null: -raw prints a string, a number or a bool", o.Name)
		return exitError
	case v.Type() == cty.String:
		fmt.Fprint(m.Stdout, v.AsString())
	case v.Type() == cty.Number:
		fmt.Fprint(m.Stdout, v.AsBigFloat().Text('f', -1))
	case v.Type() == cty.Bool:
		fmt.Fprint(m.Stdout, v.True())
	default:
		m.errorf("output %q is %s: -raw prints a string, a number or a bool only. Use daftar output -json %s.", o.Name, v.Type().FriendlyName(), o.Name)
		return exitError
	}
	return exitOK
}
