package command

import (
	"encoding/json"
	"fmt"

	"github.com/daftar-dev/daftar/internal/render"
)

func runOutput(m *Meta, args []string) int {
	fs := newFlagSet(m, "output")
	jsonOut := fs.Bool("json", false, "machine-readable output")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
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
			if o.Name == name {
				return m.printOutput(o, *jsonOut)
			}
		}
		var names []string
		for _, o := range outs {
			names = append(names, o.Name)
		}
		hint := ""
		if s := suggest(name, names); s != "" {
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
