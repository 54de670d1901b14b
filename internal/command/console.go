package command

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// runConsole evaluates expressions against the configuration and the
// state (terraform console): one per line, from a terminal with a prompt,
// otherwise from standard input until its end. It reads the state and
// sends no request: a resource's value is what the state holds, a data
// source's is unknown (daftar keeps no data source in the state).
func runConsole(m *Meta, args []string) int {
	var pf planFlags
	fs := newFlagSet(m, "console")
	pf.register(fs)
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	if !refuseUnused(m, fs, "console", "json", "replace", "refresh-only", "target", "exclude-invalid") {
		return exitError
	}
	if fs.NArg() > 0 {
		m.errorf("daftar console takes no argument; it reads expressions from standard input, one per line")
		return exitError
	}
	defer m.close()
	if !m.loadConfig() {
		return exitError
	}
	vars, diags := m.Config.ResolveVariables(pf.vars, m.Environ)
	if m.showDiags(diags) {
		return exitError
	}
	st, ok := m.readState(pf.statePath)
	if !ok {
		return exitError
	}
	// The console reads records' values as expressions ask for them, with
	// no way to stop on an error: their attributes are read back first.
	if err := st.HoldAttributes(); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	data := &consoleData{cfg: m.Config, st: st, locals: map[string]cty.Value{}, busy: map[string]bool{}}
	scope := &schema.Scope{Config: m.Config, Vars: vars, Data: data, BaseDir: m.Config.Dir}
	data.scope = scope
	interactive := m.stdinIsTerminal()
	in := bufio.NewScanner(m.Stdin)
	in.Buffer(make([]byte, 64*1024), 1024*1024)
	code := exitOK
	for {
		if interactive {
			fmt.Fprint(m.Stdout, "> ")
		}
		if !in.Scan() {
			break
		}
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if line == "exit" && interactive {
			break
		}
		out, ok := m.consoleEval(scope, line)
		if !ok {
			code = exitError
			if !interactive {
				return code // as terraform console: stop at the first error when scripted
			}
			continue
		}
		fmt.Fprintln(m.Stdout, out)
	}
	if interactive {
		fmt.Fprintln(m.Stdout)
	}
	return code
}

// consoleEval evaluates one line. type(EXPR) at the top of the line
// prints EXPR's type, as Terraform's console-only type function does.
func (m *Meta) consoleEval(scope *schema.Scope, line string) (string, bool) {
	expr, diags := hclsyntax.ParseExpression([]byte(line), "<console-input>", hcl.Pos{Line: 1, Column: 1, Byte: 0})
	if m.showDiags(diags) {
		return "", false
	}
	wantType := false
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "type" {
		if len(call.Args) != 1 {
			m.errorf("type takes one argument: type(EXPR)")
			return "", false
		}
		expr, wantType = call.Args[0], true
	}
	v, diags := scope.EvalExpr(expr, cty.DynamicPseudoType, schema.Repetition{})
	if m.showDiags(diags) {
		return "", false
	}
	if wantType {
		return typeexpr.TypeString(v.Type()), true
	}
	return render.Value(v), true
}

// consoleData gives expressions the locals (evaluated on demand) and the
// resources as the state holds them.
type consoleData struct {
	cfg    *schema.Config
	st     *state.State
	scope  *schema.Scope
	locals map[string]cty.Value
	busy   map[string]bool
	// schemas are the providers' schemas, loaded on first use.
	schemas map[string]providers.Schema
}

func (d *consoleData) Local(name string) (cty.Value, bool) {
	if v, ok := d.locals[name]; ok {
		return v, true
	}
	l, ok := d.cfg.Locals[name]
	if !ok || d.busy[name] {
		return cty.DynamicVal, true
	}
	d.busy[name] = true
	v, diags := d.scope.EvalExpr(l.Expr, cty.DynamicPseudoType, schema.Repetition{})
	d.busy[name] = false
	if diags.HasErrors() {
		v = cty.DynamicVal
	}
	d.locals[name] = v
	return v, true
}

// Resource builds a resource's value from its records in the state: an
// object for a single instance, a tuple for count, an object by key for
// for_each; unknown when the state holds nothing (not applied yet) or for
// a data source.
func (d *consoleData) Resource(a addrs.Resource) (cty.Value, bool) {
	cfg := d.cfg.Resources[a]
	if cfg == nil || a.Mode != addrs.Managed {
		return cty.DynamicVal, true
	}
	if d.schemas == nil {
		d.schemas = schemasOf()
	}
	byKey := map[addrs.Key]cty.Value{}
	var insts []addrs.Instance
	for addr, rec := range d.st.Resources {
		inst, err := addrs.ParseInstance(addr)
		if err != nil || inst.Resource != a {
			continue
		}
		view, err := resourceView(rec, d.schemas)
		if err != nil || view.Value == cty.NilVal { // HoldAttributes read them all
			continue
		}
		// The schema's sensitive attributes, and those fed by sensitive
		// values, print as (sensitive value), as in state show.
		marks := make([]cty.PathValueMarks, len(view.Sensitive))
		for i, p := range view.Sensitive {
			marks[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(schema.Sensitive)}
		}
		byKey[inst.Key] = view.Value.MarkWithPaths(marks)
		insts = append(insts, inst)
	}
	if len(byKey) == 0 {
		return cty.DynamicVal, true
	}
	forEach, count := cfg.ForEach != nil, cfg.Count != nil
	if call := moduleKeyedCall(cfg); call != nil { // keyed by its module call's instances
		if forEach || count || strings.Count(cfg.Addr.Module, "[]") > 1 {
			return nestedValue(insts, byKey, forEach, count), true
		}
		forEach, count = call.ForEach != nil, call.Count != nil
	}
	return valueByKey(byKey, forEach, count), true
}

// nestedValue is the value of a resource with several keys as the
// planner builds it: an object by module instance key of each module
// instance's view of it.
func nestedValue(insts []addrs.Instance, byKey map[addrs.Key]cty.Value, forEach, count bool) cty.Value {
	groups := map[string]map[addrs.Key]cty.Value{}
	for _, inst := range insts {
		name := ""
		switch k := inst.ModuleKeys().(type) {
		case addrs.StringKey:
			name = string(k)
		case addrs.IntKey:
			name = strconv.Itoa(int(k))
		case addrs.Keys:
			name = k.String()
		}
		if groups[name] == nil {
			groups[name] = map[addrs.Key]cty.Value{}
		}
		groups[name][inst.OwnKey()] = byKey[inst.Key]
	}
	attrs := make(map[string]cty.Value, len(groups))
	for name, g := range groups {
		v, _ := valueOfKeys(g, forEach, count)
		attrs[name] = v
	}
	return cty.ObjectVal(attrs)
}

// valueByKey is a resource's value from its instances' by key: an object
// by for_each key, a tuple by count index, else the one instance's.
func valueByKey(byKey map[addrs.Key]cty.Value, forEach, count bool) cty.Value {
	v, _ := valueOfKeys(byKey, forEach, count)
	return v
}

func valueOfKeys(byKey map[addrs.Key]cty.Value, forEach, count bool) (cty.Value, bool) {
	switch {
	case forEach:
		m := map[string]cty.Value{}
		for k, v := range byKey {
			if s, ok := k.(addrs.StringKey); ok {
				m[string(s)] = v
			}
		}
		return cty.ObjectVal(m), true
	case count:
		var keys []int
		for k := range byKey {
			if i, ok := k.(addrs.IntKey); ok {
				keys = append(keys, int(i))
			}
		}
		sort.Ints(keys)
		vals := make([]cty.Value, 0, len(keys))
		for _, i := range keys {
			vals = append(vals, byKey[addrs.IntKey(i)])
		}
		return cty.TupleVal(vals), true
	}
	if v, ok := byKey[addrs.NoKey]; ok {
		return v, true
	}
	return cty.DynamicVal, true
}

// moduleKeyedCall is the module call with count or for_each that keys a
// module's resource, nil for none.
func moduleKeyedCall(cfg *schema.Resource) *schema.ModuleCall {
	if cfg.Module == nil {
		return nil
	}
	return cfg.Module.KeyedCall()
}
