package schema

// RootReferences turns references written in c (the root module or a
// called one) into what they come down to in the root: a module's
// variable into the references of the call's argument, a module's local
// into those of its expression, a module's resource into the flattened
// resource (module.hire.usapi_account.this), module.NAME into the
// references of the call (its count, for_each, depends_on and its
// module's outputs). References to count, each and path, and to
// undeclared names (reported elsewhere), are dropped in a module. The
// planner orders blocks and computes dependencies from the result.
func (c *Config) RootReferences(refs []*Reference) []*Reference {
	return c.rootRefs(refs, map[string]bool{})
}

func (c *Config) rootRefs(refs []*Reference, seen map[string]bool) []*Reference {
	var out []*Reference
	for _, ref := range refs {
		if ref.Kind == RefModule {
			if call := c.Calls[ref.Name]; call != nil && !seen["call "+c.Path+"."+ref.Name] {
				seen["call "+c.Path+"."+ref.Name] = true
				out = append(out, call.rootRefs(seen)...)
			}
			continue
		}
		if c.Call == nil {
			out = append(out, ref)
			continue
		}
		switch ref.Kind {
		case RefVar:
			if attr, ok := c.Call.Args[ref.Name]; ok {
				more, _ := ReferencesInExpr(attr.Expr)
				out = append(out, c.Call.Parent.rootRefs(more, seen)...)
			}
		case RefLocal:
			if l, ok := c.Locals[ref.Name]; ok && !seen["local "+c.Path+"."+ref.Name] {
				seen["local "+c.Path+"."+ref.Name] = true
				more, _ := ReferencesInExpr(l.Expr)
				out = append(out, c.rootRefs(more, seen)...)
			}
		case RefResource:
			if _, ok := c.Resources[ref.Resource]; ok {
				flat := *ref
				flat.Resource.Module = c.Path
				out = append(out, &flat)
			}
		}
	}
	return out
}

// rootRefs lists what a reference to the call's outputs depends on.
func (call *ModuleCall) rootRefs(seen map[string]bool) []*Reference {
	out := call.ExpansionRefs(seen)
	if call.Module == nil {
		return out
	}
	for _, name := range sortedNames(call.Module.Outputs) {
		o := call.Module.Outputs[name]
		refs, _ := ReferencesInExpr(o.Expr)
		out = append(out, call.Module.rootRefs(refs, seen)...)
	}
	return out
}

// ExpansionRefs lists, as root references, what the call's count,
// for_each and depends_on refer to.
func (call *ModuleCall) ExpansionRefs(seen map[string]bool) []*Reference {
	if seen == nil {
		seen = map[string]bool{}
	}
	var refs []*Reference
	if call.Count != nil {
		more, _ := ReferencesInExpr(call.Count)
		refs = append(refs, more...)
	}
	if call.ForEach != nil {
		more, _ := ReferencesInExpr(call.ForEach)
		refs = append(refs, more...)
	}
	var deps []*Reference
	for _, t := range call.DependsOn {
		if ref, diags := ParseReference(t); !diags.HasErrors() && ref != nil {
			deps = append(deps, ref)
		}
	}
	refs = append(refs, call.Parent.DependsOnRefs(deps)...)
	return call.Parent.rootRefs(refs, seen)
}

// ModuleRefs lists, as root references, what every call along c's module
// path refers to for its count, for_each and depends_on: a module's
// resources depend on them.
func (c *Config) ModuleRefs() []*Reference {
	var out []*Reference
	for m := c; m != nil && m.Call != nil; m = m.Call.Parent {
		out = append(out, m.Call.ExpansionRefs(nil)...)
	}
	return out
}

// DependsOnRefs turns the module calls a depends_on written in c names
// (depends_on = [module.hire]) into references to every resource of the
// called module and of the modules it calls, as Terraform does; other
// references are kept.
func (c *Config) DependsOnRefs(refs []*Reference) []*Reference {
	var out []*Reference
	for _, ref := range refs {
		call := c.Calls[ref.Name]
		if ref.Kind != RefModule || call == nil || call.Module == nil {
			out = append(out, ref)
			continue
		}
		out = append(out, call.Module.allResources(ref)...)
	}
	return out
}

// allResources lists every resource of m and of the modules it calls, as
// references at ref's range.
func (m *Config) allResources(ref *Reference) []*Reference {
	var out []*Reference
	for _, addr := range sortedResources(m.Resources) {
		flat := addr
		flat.Module = m.Path
		out = append(out, &Reference{Kind: RefResource, Resource: flat, Range: ref.Range, Traversal: ref.Traversal})
	}
	for _, name := range sortedNames(m.Calls) {
		if sub := m.Calls[name].Module; sub != nil {
			out = append(out, sub.allResources(ref)...)
		}
	}
	return out
}
