package schema

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// ModuleCall is a module block: a configuration directory called with
// input variables, once or once per count index or for_each key.
//
// A module's resources are planned as ordinary resources whose address
// carries the module path (module.hire["ani"].usapi_account.this): Load
// adds them to the root Config's Resources (see flattenModules), and the
// Scope evaluates their expressions in the module's context (see
// ModuleInstance).
type ModuleCall struct {
	Name string
	// Source is the source as written; Module is the configuration loaded
	// from it (nil when it could not be loaded).
	Source string
	Module *Config
	// Parent is the configuration the block is in.
	Parent *Config
	// Count and ForEach are nil when absent; at most one is set.
	Count, ForEach hcl.Expression
	// Args are the arguments that set the module's input variables.
	Args      map[string]*hcl.Attribute
	DependsOn []hcl.Traversal
	DeclRange hcl.Range
	NameRange hcl.Range
}

// metaArgs are a module block's arguments that are not input variables.
var moduleMeta = map[string]bool{"source": true, "version": true, "count": true, "for_each": true, "depends_on": true, "providers": true}

// maxModuleDepth bounds nested module calls (and so a call cycle that the
// directory check would miss through symbolic links).
const maxModuleDepth = 16

// addModuleCall decodes a module block; the module itself is loaded once
// every file of c is (loadCalls).
func (c *Config) addModuleCall(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	diags := checkName("module name", name, block.LabelRanges[0])
	if prev, ok := c.Calls[name]; ok {
		return append(diags, duplicate("module call", name, block.DefRange.Ptr(), prev.DeclRange))
	}
	attrs, more := block.Body.JustAttributes()
	diags = append(diags, more...)
	call := &ModuleCall{Name: name, Parent: c, Args: map[string]*hcl.Attribute{}, DeclRange: block.DefRange, NameRange: block.LabelRanges[0]}
	for _, an := range sortedAttrNames(attrs) {
		attr := attrs[an]
		switch an {
		case "source":
			diags = append(diags, call.decodeSource(attr)...)
		case "version":
			diags = append(diags, moduleError(attr.Range, "Module version not supported",
				"daftar reads modules from local directories only, which have no version. Remove the version argument."))
		case "providers":
			diags = append(diags, moduleError(attr.Range, "Module providers argument not supported",
				"A module uses the provider configurations of the root module, as Terraform's implicit provider inheritance does; there is one configuration per provider, so there is nothing to pass. Remove the providers argument."))
		case "count":
			call.Count = attr.Expr
		case "for_each":
			call.ForEach = attr.Expr
		case "depends_on":
			deps, more := decodeDependsOn(attr)
			diags = append(diags, more...)
			call.DependsOn = deps
		default:
			call.Args[an] = attr
		}
	}
	if _, ok := attrs["source"]; !ok && !more.HasErrors() {
		diags = append(diags, moduleError(block.DefRange, "Missing module source",
			fmt.Sprintf("The module %q needs a source: the path of its directory, relative to this one, such as source = \"./modules/person\".", name)))
	}
	if call.Count != nil && call.ForEach != nil {
		diags = append(diags, moduleError(call.Count.Range(), "Invalid combination of count and for_each",
			"A module block may use count or for_each, not both."))
	}
	c.Calls[name] = call
	return diags
}

// decodeSource reads a local source: a literal path starting with ./ or
// ../, as Terraform requires of local paths.
func (call *ModuleCall) decodeSource(attr *hcl.Attribute) hcl.Diagnostics {
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() || v.IsNull() || v.Type() != cty.String {
		return hcl.Diagnostics{moduleError(attr.Expr.Range(), "Invalid module source",
			"The source of a module must be a literal string: the path of a directory, such as \"./modules/person\".")}
	}
	src := v.AsString()
	if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
		return hcl.Diagnostics{moduleError(attr.Expr.Range(), "Only local module sources are supported",
			fmt.Sprintf("daftar reads modules from local directories only; %q is not a local path. Copy the module into a directory beside the configuration and give its path starting with ./ or ../ (source = \"./modules/person\"). Registry, Git, HTTP and other remote sources are not supported.", src))}
	}
	call.Source = src
	return nil
}

func moduleError(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}
}

// loadCalls loads the module of every call of c, then theirs.
func (c *Config) loadCalls(stack []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedNames(c.Calls) {
		call := c.Calls[name]
		if call.Source == "" {
			continue
		}
		dir := filepath.Join(c.Dir, filepath.FromSlash(call.Source))
		abs, _ := filepath.Abs(dir)
		for _, s := range stack {
			if s == abs {
				diags = append(diags, moduleError(call.DeclRange, "Module calls itself",
					fmt.Sprintf("The module %q at %s is already being loaded by a call above this one: modules cannot call themselves.", name, dir)))
			}
		}
		if len(stack) >= maxModuleDepth {
			diags = append(diags, moduleError(call.DeclRange, "Modules nested too deeply",
				fmt.Sprintf("Modules may be nested %d deep at most.", maxModuleDepth)))
		}
		if diags.HasErrors() {
			continue
		}
		diags = append(diags, c.loadModule(call, dir, append(stack, abs))...)
	}
	return diags
}

// loadModule reads the module directory of call with c's parser.
func (c *Config) loadModule(call *ModuleCall, dir string, stack []string) hcl.Diagnostics {
	m := &Config{
		Dir: dir, Files: c.Files, Variables: map[string]*Variable{}, Locals: map[string]*Local{},
		Providers: map[string]*Provider{}, Resources: map[addrs.Resource]*Resource{}, Outputs: map[string]*Output{},
		Checks: map[string]*Check{}, Calls: map[string]*ModuleCall{}, Call: call, parser: c.parser,
	}
	m.Path = call.Name
	if call.Count != nil || call.ForEach != nil {
		m.Path += "[]"
	}
	if c.Path != "" {
		m.Path = c.Path + "." + m.Path
	}
	names, err := configFiles(dir)
	if err == nil && len(names) == 0 {
		err = fmt.Errorf("it holds no .hcl file")
	}
	if err != nil {
		return hcl.Diagnostics{moduleError(call.DeclRange, "Cannot read module",
			fmt.Sprintf("The module %q has the source %q, but daftar cannot read the directory %s: %s.", call.Name, call.Source, dir, err))}
	}
	var diags hcl.Diagnostics
	for _, name := range names {
		diags = append(diags, m.loadFile(name)...)
	}
	diags = append(diags, m.checkValidationReferences()...)
	diags = append(diags, m.checkRemoved()...)
	diags = append(diags, m.checkModuleExprs()...)
	call.Module = m
	diags = append(diags, call.checkArgs()...)
	return append(diags, m.loadCalls(stack)...)
}

// refusedInModule reports a block a called module may not hold.
func (c *Config) refusedInModule(block *hcl.Block) hcl.Diagnostics {
	detail := map[string]string{
		"provider": "A module uses the provider configurations of the root module (Terraform's implicit provider inheritance, which Terraform recommends over provider blocks in modules). Move this provider block to the root configuration.",
		"daftar":   "The daftar block (backend, state encryption) belongs to the root configuration.",
	}[block.Type]
	return hcl.Diagnostics{moduleError(block.DefRange, fmt.Sprintf("%s block in a module", block.Type),
		fmt.Sprintf("The module called by module %q (%s) has a %s block. %s", c.Call.Name, c.Dir, block.Type, detail))}
}

// checkArgs checks a call's arguments against the module's variables: an
// argument no variable declares, and a required variable with no argument.
func (call *ModuleCall) checkArgs() hcl.Diagnostics {
	var diags hcl.Diagnostics
	m := call.Module
	for _, name := range sortedAttrNames(call.Args) {
		if _, ok := m.Variables[name]; ok {
			continue
		}
		attr := call.Args[name]
		detail := fmt.Sprintf("The module %q (%s) declares no variable %q.", call.Name, call.Source, name)
		if s := suggest.DidYouMean(name, mapKeys(m.Variables)); s != "" {
			detail += s
		} else if len(m.Variables) > 0 {
			detail += " Its variables are " + quotedList(sortedNames(m.Variables)) + "."
		}
		diags = append(diags, moduleError(attr.NameRange, "Unsupported argument", detail))
	}
	for _, name := range sortedNames(m.Variables) {
		v := m.Variables[name]
		if _, ok := call.Args[name]; ok || v.Default != cty.NilVal {
			continue
		}
		diags = append(diags, moduleError(call.DeclRange, "Missing required argument",
			fmt.Sprintf("The module %q needs the argument %q: its variable at %s has no default.", call.Name, name, rangeString(v.DeclRange))))
	}
	return diags
}

// checkModuleExprs checks the references of a module's locals and outputs
// (its resources' are checked by the planner, which knows their schemas),
// and that its locals do not refer to each other in a cycle.
func (c *Config) checkModuleExprs() hcl.Diagnostics {
	var diags hcl.Diagnostics
	deps := map[string][]string{}
	for _, name := range sortedNames(c.Locals) {
		refs, more := ReferencesInExpr(c.Locals[name].Expr)
		diags = append(diags, more...)
		diags = append(diags, c.CheckReferences(refs)...)
		for _, r := range refs {
			if r.Kind == RefLocal {
				deps[name] = append(deps[name], r.Name)
			}
		}
	}
	for _, name := range sortedNames(c.Outputs) {
		refs, more := ReferencesInExpr(c.Outputs[name].Expr)
		diags = append(diags, more...)
		diags = append(diags, c.CheckReferences(refs)...)
	}
	for _, name := range sortedNames(c.Checks) {
		for _, a := range c.Checks[name].Asserts {
			diags = append(diags, c.CheckReferences(a.References())...)
		}
	}
	state := map[string]int{}
	var visit func(string) bool
	visit = func(n string) bool {
		switch state[n] {
		case 1:
			return true
		case 2:
			return false
		}
		state[n] = 1
		for _, d := range deps[n] {
			if visit(d) {
				return true
			}
		}
		state[n] = 2
		return false
	}
	for _, name := range sortedNames(c.Locals) {
		if state[name] == 0 && visit(name) {
			l := c.Locals[name]
			diags = append(diags, moduleError(l.DeclRange, "Dependency cycle",
				fmt.Sprintf("The local %q of the module at %s refers to itself through other locals.", name, c.Dir)))
			break
		}
	}
	return diags
}

// flattenModules adds every resource of every module below c to the root
// configuration root, at its address with the module path.
func (c *Config) flattenModules(root *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedNames(c.Calls) {
		m := c.Calls[name].Module
		if m == nil {
			continue
		}
		for _, addr := range sortedResources(m.Resources) {
			r := m.Resources[addr]
			flat := *r
			flat.Addr.Module = m.Path
			flat.Module = m
			root.Resources[flat.Addr] = &flat
		}
		diags = append(diags, m.flattenModules(root)...)
	}
	return diags
}

// sortedResources lists resource addresses in address order.
func sortedResources(m map[addrs.Resource]*Resource) []addrs.Resource {
	out := make([]addrs.Resource, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// KeyedCall returns the call along the module path of c that has count or
// for_each, nil when none has.
func (c *Config) KeyedCall() *ModuleCall {
	for m := c; m != nil && m.Call != nil; m = m.Call.Parent {
		if m.Call.Count != nil || m.Call.ForEach != nil {
			return m.Call
		}
	}
	return nil
}

// AllModules lists c and every module below it, callers first, calls in
// name order.
func (c *Config) AllModules() []*Config {
	out := []*Config{c}
	for _, name := range sortedNames(c.Calls) {
		if m := c.Calls[name].Module; m != nil {
			out = append(out, m.AllModules()...)
		}
	}
	return out
}
