package schema

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// ModuleInstance is one instance of a module call: the context in which
// the called module's expressions are evaluated. Its input variables are
// the call's arguments evaluated in the caller's context (Rep), its
// locals its own, its resources the instances of the flattened resources
// (module.hire.usapi_account.this) with its key.
type ModuleInstance struct {
	// Config is the called module.
	Config *Config
	// Key is the call's instance key, nil for a call with neither count
	// nor for_each.
	Key addrs.Key
	// Rep holds the call's count.index or each for its arguments, and in
	// Rep.Module the instance of the calling module (nil: the root).
	Rep Repetition

	mu     sync.Mutex
	vars   map[string]cty.Value
	locals map[string]cty.Value
	// told are the variables whose diagnostics were returned once.
	told map[string]bool
}

// PathKey is the instance key of the module instance: those of the
// keyed calls along its module path (addrs.Keys when there are several),
// nil when there is none.
func (mi *ModuleInstance) PathKey() addrs.Key {
	var keys []addrs.Key
	for m := mi; m != nil; m = m.Rep.Module {
		if m.Key != nil {
			keys = append(keys, m.Key)
		}
	}
	slices.Reverse(keys)
	return addrs.JoinKeys(keys...)
}

// moduleInstancesKey identifies the instances of a call from one instance
// of its caller.
type moduleInstancesKey struct {
	call    *ModuleCall
	parent  *ModuleInstance
	lenient bool
}

// ModuleInstances expands a module call from one instance of its caller
// (nil: the root): one instance, or one per count index or for_each key,
// which must be known at plan time. The instances are made once per
// Scope, so that the resources of one module instance share its
// variables and locals.
func (s *Scope) ModuleInstances(call *ModuleCall, parent *ModuleInstance) ([]*ModuleInstance, hcl.Diagnostics) {
	return s.moduleInstances(call, parent, false)
}

// ModuleInstancesToValidate is ModuleInstances for validation: a count or
// for_each not known yet (an unset variable in daftar validate) gives one
// instance standing for them all, with no key and unknown count.index or
// each.
func (s *Scope) ModuleInstancesToValidate(call *ModuleCall, parent *ModuleInstance) ([]*ModuleInstance, hcl.Diagnostics) {
	return s.moduleInstances(call, parent, true)
}

func (s *Scope) moduleInstances(call *ModuleCall, parent *ModuleInstance, lenient bool) ([]*ModuleInstance, hcl.Diagnostics) {
	key := moduleInstancesKey{call, parent, lenient}
	if v, ok := s.modules.Load(key); ok {
		return v.([]*ModuleInstance), nil
	}
	if lenient {
		if rep, unknown := s.unknownExpansion(call, parent); unknown {
			v, _ := s.modules.LoadOrStore(key, []*ModuleInstance{{Config: call.Module, Rep: rep}})
			return v.([]*ModuleInstance), nil
		}
	}
	out, diags := s.expandCall(call, parent)
	if diags.HasErrors() {
		return nil, diags
	}
	v, _ := s.modules.LoadOrStore(key, out)
	return v.([]*ModuleInstance), diags
}

// unknownExpansion reports whether the call's count or for_each is not
// known yet, with the repetition of an instance standing for them all.
func (s *Scope) unknownExpansion(call *ModuleCall, parent *ModuleInstance) (Repetition, bool) {
	switch {
	case call.Count != nil:
		v, diags := s.EvalExpr(call.Count, cty.Number, Repetition{Module: parent})
		return CountRepetition(cty.UnknownVal(cty.Number), parent), !diags.HasErrors() && !v.IsWhollyKnown()
	case call.ForEach != nil:
		v, diags := s.EvalExpr(call.ForEach, cty.DynamicPseudoType, Repetition{Module: parent})
		return EachRepetition(cty.UnknownVal(cty.String), cty.DynamicVal, parent), !diags.HasErrors() && !v.IsWhollyKnown()
	}
	return Repetition{}, false
}

func (s *Scope) expandCall(call *ModuleCall, parent *ModuleInstance) ([]*ModuleInstance, hcl.Diagnostics) {
	inst := func(k addrs.Key, rep Repetition) *ModuleInstance {
		rep.Module = parent
		return &ModuleInstance{Config: call.Module, Key: k, Rep: rep}
	}
	switch {
	case call.Count != nil:
		v, diags := s.EvalExpr(call.Count, cty.Number, Repetition{Module: parent})
		if diags.HasErrors() {
			return nil, diags
		}
		v, _ = v.UnmarkDeep()
		if !v.IsKnown() || v.IsNull() {
			return nil, append(diags, callMetaError(call, call.Count, "count must be a whole number known at plan time."))
		}
		n, acc := v.AsBigFloat().Int64()
		if acc != big.Exact || n < 0 {
			return nil, append(diags, callMetaError(call, call.Count, "count must be a whole number of 0 or more."))
		}
		out := make([]*ModuleInstance, n)
		for i := range out {
			out[i] = inst(addrs.IntKey(i), CountRepetition(cty.NumberIntVal(int64(i)), nil))
		}
		return out, diags
	case call.ForEach != nil:
		return s.expandCallForEach(call, parent, inst)
	}
	return []*ModuleInstance{inst(nil, Repetition{})}, nil
}

func (s *Scope) expandCallForEach(call *ModuleCall, parent *ModuleInstance, inst func(addrs.Key, Repetition) *ModuleInstance) ([]*ModuleInstance, hcl.Diagnostics) {
	v, diags := s.EvalExpr(call.ForEach, cty.DynamicPseudoType, Repetition{Module: parent})
	if diags.HasErrors() {
		return nil, diags
	}
	if v.HasMark(Sensitive) {
		return nil, append(diags, callMetaError(call, call.ForEach, "for_each cannot be a sensitive value: its keys become module addresses, shown in every plan and kept in clear in the state."))
	}
	v, _ = v.Unmark()
	ty := v.Type()
	switch {
	case !v.IsKnown():
		return nil, append(diags, callMetaError(call, call.ForEach, "for_each is known only after apply: use -target to apply the resources it depends on first, then plan again."))
	case v.IsNull() || !(ty.IsMapType() || ty.IsObjectType() || ty.IsSetType()):
		return nil, append(diags, callMetaError(call, call.ForEach, "for_each must be a map or a set of strings. A list can be turned into a map with a for expression: { for row in LIST : row.id => row }."))
	case ty.IsSetType() && !v.IsWhollyKnown():
		return nil, append(diags, callMetaError(call, call.ForEach, "for_each is known only after apply."))
	}
	var out []*ModuleInstance
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if ty.IsSetType() {
			k = val
		}
		k, _ = k.Unmark()
		if k.IsNull() || !k.IsKnown() || k.Type() != cty.String {
			return nil, append(diags, callMetaError(call, call.ForEach, "for_each keys must be known strings."))
		}
		out = append(out, inst(addrs.StringKey(k.AsString()), EachRepetition(k, val, nil)))
	}
	return out, diags
}

func callMetaError(call *ModuleCall, expr hcl.Expression, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid module " + map[bool]string{true: "count", false: "for_each"}[expr == call.Count] + " argument",
		Detail:   detail + fmt.Sprintf(" (in module %q)", call.Name),
		Subject:  expr.Range().Ptr(),
	}
}

// addInModule puts the value ref, written in mi's module, refers to into b.
func (s *Scope) addInModule(b *contextBuilder, ref *Reference, rep Repetition) *hcl.Diagnostic {
	mi := rep.Module
	if d := mi.Config.checkReference(ref); d != nil {
		return d
	}
	switch ref.Kind {
	case RefVar:
		v, diags := s.moduleVar(mi, ref.Name)
		b.set(v, "var", ref.Name)
		return firstError(diags)
	case RefLocal:
		v, diags := s.moduleLocal(mi, ref.Name)
		b.set(v, "local", ref.Name)
		return firstError(diags)
	case RefResource:
		addr := ref.Resource
		addr.Module = mi.Config.Path
		v, ok := s.Data.Resource(addr)
		if !ok {
			return notReady(ref)
		}
		v = Whole(v)
		if addr.KeyedModule() {
			v = instanceValue(v, mi.PathKey())
		}
		if addr.Mode == addrs.Data {
			b.set(v, "data", addr.Type, addr.Name)
		} else {
			b.set(v, addr.Type, addr.Name)
		}
		return nil
	case RefModule:
		v, diags := s.moduleValue(mi.Config.Calls[ref.Name], mi)
		b.set(v, "module", ref.Name)
		return firstError(diags)
	case RefPath:
		if ref.Name == "module" {
			b.set(cty.StringVal(mi.Config.Dir), "path", ref.Name)
			return nil
		}
		return s.addPath(b, ref)
	case RefCount:
		return addRepetition(b, ref, "count", rep.CountIndex())
	case RefEach:
		return addRepetition(b, ref, "each", eachValue(rep, ref.Name))
	}
	panic(fmt.Sprintf("schema: reference kind %d not handled", ref.Kind))
}

func firstError(diags hcl.Diagnostics) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d
		}
	}
	return nil
}

// instanceValue is the instance with key of a resource's whole value (an
// object by for_each key, a tuple by count index); unknown when absent.
func instanceValue(v cty.Value, key addrs.Key) cty.Value {
	plain, marks := v.Unmark()
	if !plain.IsKnown() || plain.IsNull() || key == nil {
		return cty.DynamicVal
	}
	ty := plain.Type()
	var out cty.Value
	switch k := key.(type) {
	case addrs.Keys: // a nested resource's module instance (see the planner's buildNested)
		if !ty.IsObjectType() || !ty.HasAttribute(string(k)) {
			return cty.DynamicVal
		}
		out = plain.GetAttr(string(k))
	case addrs.StringKey:
		switch {
		case ty.IsObjectType() && ty.HasAttribute(string(k)):
			out = plain.GetAttr(string(k))
		case ty.IsMapType() && plain.HasIndex(cty.StringVal(string(k))).True():
			out = plain.Index(cty.StringVal(string(k)))
		default:
			return cty.DynamicVal
		}
	case addrs.IntKey:
		idx := cty.NumberIntVal(int64(k))
		switch {
		case ty.IsObjectType() && ty.HasAttribute(fmt.Sprint(int(k))):
			out = plain.GetAttr(fmt.Sprint(int(k))) // apply's partial value: an object keyed by the keys as strings
		case (ty.IsTupleType() || ty.IsListType()) && plain.HasIndex(idx).True():
			out = plain.Index(idx)
		default:
			return cty.DynamicVal
		}
	}
	return out.WithMarks(marks)
}

// moduleVar is the value of the module's variable name in mi: the call's
// argument, converted to the variable's type, or its default; validated
// once.
func (s *Scope) moduleVar(mi *ModuleInstance, name string) (cty.Value, hcl.Diagnostics) {
	val, diags := s.moduleVarValue(mi, name)
	if diags.HasErrors() || val == cty.NilVal {
		return cty.DynamicVal, mi.once(name, diags)
	}
	v := mi.Config.Variables[name]
	if len(v.Validations) > 0 {
		all := map[string]cty.Value{}
		for other := range mi.Config.Variables {
			all[other] = cty.DynamicVal
			if other == name {
				all[other] = val
			} else if ov, od := s.moduleVarValue(mi, other); !od.HasErrors() && ov != cty.NilVal {
				all[other] = ov
			}
		}
		more := v.validate(cty.ObjectVal(all), s.argInput(mi, name, val), mi.Config.Dir)
		if more.HasErrors() {
			return cty.DynamicVal, mi.once(name, more)
		}
	}
	return val, nil
}

// once returns diags the first time a variable of mi reports them, so
// that each problem is reported once however many expressions use it.
func (mi *ModuleInstance) once(name string, diags hcl.Diagnostics) hcl.Diagnostics {
	mi.mu.Lock()
	defer mi.mu.Unlock()
	if mi.told[name] {
		return nil // the expression is evaluated with an unknown value; the plan has errors
	}
	if mi.told == nil {
		mi.told = map[string]bool{}
	}
	mi.told[name] = true
	return diags
}

// moduleVarValue evaluates a module variable without its validations;
// cached once wholly known.
func (s *Scope) moduleVarValue(mi *ModuleInstance, name string) (cty.Value, hcl.Diagnostics) {
	mi.mu.Lock()
	if v, ok := mi.vars[name]; ok {
		mi.mu.Unlock()
		return v, nil
	}
	mi.mu.Unlock()
	v := mi.Config.Variables[name]
	call := mi.Config.Call
	in := inputValue{value: v.Default, source: "the default"}
	if v.Default == cty.NilVal {
		in.source = ""
	}
	if attr, ok := call.Args[name]; ok {
		val, diags := s.EvalExpr(attr.Expr, cty.DynamicPseudoType, mi.Rep)
		if diags.HasErrors() {
			return cty.NilVal, diags
		}
		in = s.argInput(mi, name, val)
	}
	val, diags := v.finalValue(in)
	if !diags.HasErrors() && val != cty.NilVal && val.IsWhollyKnown() && resourceFree(call.Parent, call.Args[name]) {
		mi.mu.Lock()
		if mi.vars == nil {
			mi.vars = map[string]cty.Value{}
		}
		mi.vars[name] = val
		mi.mu.Unlock()
	}
	return val, diags
}

// argInput describes the call's argument for var name as an input value.
func (s *Scope) argInput(mi *ModuleInstance, name string, val cty.Value) inputValue {
	call := mi.Config.Call
	attr, ok := call.Args[name]
	if !ok {
		return inputValue{value: val, source: "the default"}
	}
	what := fmt.Sprintf("the argument %s of module %q", name, call.Name)
	if k := mi.Key; k != nil {
		what = fmt.Sprintf("the argument %s of module.%s%s", name, call.Name, k.String())
	}
	return inputValue{value: val, source: what, rng: attr.Expr.Range().Ptr()}
}

// moduleLocal is the value of the module's local name in mi; cached once
// wholly known.
func (s *Scope) moduleLocal(mi *ModuleInstance, name string) (cty.Value, hcl.Diagnostics) {
	mi.mu.Lock()
	if v, ok := mi.locals[name]; ok {
		mi.mu.Unlock()
		return v, nil
	}
	mi.mu.Unlock()
	expr := mi.Config.Locals[name].Expr
	v, diags := s.EvalExpr(expr, cty.DynamicPseudoType, Repetition{Module: mi})
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if v.IsWhollyKnown() && resourceFree(mi.Config, &hcl.Attribute{Expr: expr}) {
		mi.mu.Lock()
		if mi.locals == nil {
			mi.locals = map[string]cty.Value{}
		}
		mi.locals[name] = v
		mi.mu.Unlock()
	}
	return v, diags
}

// moduleValue is the value of module.NAME as the caller (parent; nil for
// the root) sees it: an object of the module's outputs, or a list (count)
// or map (for_each) of such objects.
func (s *Scope) moduleValue(call *ModuleCall, parent *ModuleInstance) (cty.Value, hcl.Diagnostics) {
	if call == nil || call.Module == nil {
		return cty.DynamicVal, nil
	}
	vd, versioned := s.Data.(VersionedData)
	if !versioned {
		return s.buildModuleValue(call, parent)
	}
	key := moduleValueKey{call, parent}
	version := vd.Version()
	if c, ok := s.moduleValues.Load(key); ok && c.(versionedValue).version == version {
		return c.(versionedValue).value, nil
	}
	v, diags := s.buildModuleValue(call, parent)
	if len(diags) == 0 {
		s.moduleValues.Store(key, versionedValue{version, v})
	}
	return v, diags
}

// moduleValueKey identifies the value of a call from one instance of its
// caller.
type moduleValueKey struct {
	call   *ModuleCall
	parent *ModuleInstance
}

// versionedValue is a value built from Data at version.
type versionedValue struct {
	version uint64
	value   cty.Value
}

// buildModuleValue evaluates every instance's outputs of a call.
func (s *Scope) buildModuleValue(call *ModuleCall, parent *ModuleInstance) (cty.Value, hcl.Diagnostics) {
	insts, diags := s.ModuleInstances(call, parent)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	objs := make([]cty.Value, len(insts))
	for i, mi := range insts {
		obj, more := s.moduleOutputs(mi)
		diags = append(diags, more...)
		objs[i] = obj
	}
	switch {
	case call.Count != nil:
		return cty.TupleVal(objs), diags
	case call.ForEach != nil:
		m := make(map[string]cty.Value, len(insts))
		for i, mi := range insts {
			m[string(mi.Key.(addrs.StringKey))] = objs[i]
		}
		return cty.ObjectVal(m), diags
	}
	return objs[0], diags
}

// moduleOutputs evaluates the outputs of one module instance.
func (s *Scope) moduleOutputs(mi *ModuleInstance) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	attrs := make(map[string]cty.Value, len(mi.Config.Outputs))
	for name, o := range mi.Config.Outputs {
		v, more := s.EvalExpr(o.Expr, cty.DynamicPseudoType, Repetition{Module: mi})
		diags = append(diags, more...)
		if o.Sensitive {
			v = v.Mark(Sensitive)
		}
		attrs[name] = v
	}
	return cty.ObjectVal(attrs), diags
}

// freeExprs remembers, per expression, whether it refers to no resource.
var freeExprs sync.Map // hcl.Expression → bool

// resourceFree reports whether attr's expression, written in c, refers to
// no resource or data source, directly or through variables, locals and
// modules: only such a value is kept once known, since apply may give a
// resource's attributes other values than the plan knew.
func resourceFree(c *Config, attr *hcl.Attribute) bool {
	if attr == nil {
		return true // a default
	}
	if v, ok := freeExprs.Load(attr.Expr); ok {
		return v.(bool)
	}
	refs, _ := ReferencesInExpr(attr.Expr)
	root := c
	for root.Call != nil {
		root = root.Call.Parent
	}
	free := rootRefsFree(root, c.RootReferences(refs), map[string]bool{})
	freeExprs.Store(attr.Expr, free)
	return free
}

// rootRefsFree reports whether root references name no resource, through
// the root's locals too.
func rootRefsFree(root *Config, refs []*Reference, seen map[string]bool) bool {
	for _, r := range refs {
		switch {
		case r.Kind == RefResource:
			return false
		case r.Kind == RefLocal && !seen[r.Name]:
			seen[r.Name] = true
			l, ok := root.Locals[r.Name]
			if !ok {
				continue
			}
			more, _ := ReferencesInExpr(l.Expr)
			if !rootRefsFree(root, root.RootReferences(more), seen) {
				return false
			}
		}
	}
	return true
}

// String spells the module instance as addresses do: module.hire["ani"],
// module.outer.module.hire[0].
func (mi *ModuleInstance) String() string {
	var parts []string
	for m := mi; m != nil; m = m.Rep.Module {
		s := "module." + m.Config.Call.Name
		if m.Key != nil {
			s += m.Key.String()
		}
		parts = append(parts, s)
	}
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}
