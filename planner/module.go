package planner

import (
	"encoding/json"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// A module's resources are planned as ordinary resources whose address
// holds the module path (module.hire["ani"].usapi_account.this): schema
// flattens them into the configuration, and the scope evaluates their
// expressions in their module instance (schema.Repetition.Module). What
// the planner does besides is here: expanding such a resource by its
// module call's instances, and reading its references as the root sees
// them.

// moduleExpansion is how a resource of a called module is keyed: by the
// call with count or for_each along its path, else by its own; by
// several keys (nested) when it has its own count or for_each too, or
// more than one call along its path has them.
func moduleExpansion(rc *schema.Resource) (expansion, bool) {
	if rc.Module == nil {
		return single, false
	}
	call := rc.Module.KeyedCall()
	own := rc.Count != nil || rc.ForEach != nil
	switch {
	case call == nil:
		return single, false
	case own || strings.Count(rc.Module.Path, "[]") > 1:
		return nested, true
	case call.Count != nil:
		return counted, true
	}
	return keyed, true
}

// moduleInstance returns the one instance of r's module when no call
// along its path has count or for_each.
func (p *planner) moduleInstances(m *schema.Config, validating bool) ([]*schema.ModuleInstance, hcl.Diagnostics) {
	if m.Call == nil {
		return []*schema.ModuleInstance{nil}, nil
	}
	parents, diags := p.moduleInstances(m.Call.Parent, validating)
	if diags.HasErrors() {
		return nil, diags
	}
	expand := p.scope.ModuleInstances
	if validating {
		expand = p.scope.ModuleInstancesToValidate
	}
	var out []*schema.ModuleInstance
	for _, parent := range parents {
		insts, more := expand(m.Call, parent)
		diags = append(diags, more...)
		if more.HasErrors() {
			return nil, diags
		}
		out = append(out, insts...)
	}
	return out, diags
}

// expandInModule lists the instances of a resource of a called module.
func (p *planner) expandInModule(r *resource) ([]instanceKey, hcl.Diagnostics) {
	keys, _, diags := p.expandModuleResource(r, false)
	return keys, diags
}

// validationKeysInModule is validationKeys for a resource of a called
// module: where a call's count or for_each is not known yet, one instance
// stands for all (expanded is false).
func (p *planner) validationKeysInModule(r *resource) ([]instanceKey, bool) {
	keys, expanded, diags := p.expandModuleResource(r, true)
	p.report(diags)
	return keys, expanded && !diags.HasErrors()
}

func (p *planner) expandModuleResource(r *resource, validating bool) ([]instanceKey, bool, hcl.Diagnostics) {
	insts, diags := p.moduleInstances(r.cfg.Module, validating)
	if diags.HasErrors() {
		return nil, false, diags
	}
	expanded := true
	for _, mi := range insts {
		for m := mi; m != nil; m = m.Rep.Module {
			if m.Key == nil && m.Config.Call.Count != nil || m.Key == nil && m.Config.Call.ForEach != nil {
				expanded = false // an instance standing for all
			}
		}
	}
	if r.exp == nested {
		var keys []instanceKey
		for _, mi := range insts {
			more, d := p.expandInOneModule(r, mi)
			diags = append(diags, d...)
			for i := range more {
				more[i].key = addrs.JoinKeys(mi.PathKey(), more[i].key)
			}
			keys = append(keys, more...)
		}
		return keys, expanded, diags
	}
	if _, byCall := moduleExpansion(r.cfg); byCall {
		keys := make([]instanceKey, len(insts))
		for i, mi := range insts {
			keys[i] = instanceKey{key: mi.PathKey(), rep: schema.Repetition{Module: mi}}
		}
		return keys, expanded, diags
	}
	keys, more := p.expandInOneModule(r, insts[0])
	return keys, expanded, append(diags, more...)
}

// expandInOneModule expands a resource of a module called once.
func (p *planner) expandInOneModule(r *resource, mi *schema.ModuleInstance) ([]instanceKey, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	if r.ownExp == single {
		return []instanceKey{{key: addrs.NoKey, rep: schema.Repetition{Module: mi}}}, diags
	}
	var v cty.Value
	var more hcl.Diagnostics
	if r.ownExp == counted {
		v, more = p.scope.EvalExpr(r.cfg.Count, cty.Number, schema.Repetition{Module: mi})
	} else {
		v, more = p.scope.EvalExpr(r.cfg.ForEach, cty.DynamicPseudoType, schema.Repetition{Module: mi})
	}
	diags = append(diags, more...)
	if more.HasErrors() {
		return nil, diags
	}
	keys, more := p.expandValue(r, v)
	for i := range keys {
		keys[i].rep.Module = mi
	}
	return keys, append(diags, more...)
}

// moduleResourceRefs lists the references of a module's resource as the
// root sees them, after checking them against the module.
func (p *planner) moduleResourceRefs(r *resource, refs, dependsOn []*schema.Reference) []*schema.Reference {
	m := r.cfg.Module
	p.report(m.CheckReferences(append(refs, dependsOn...)))
	out := m.RootReferences(refs)
	for _, d := range m.DependsOnRefs(dependsOn) {
		if d.Kind == schema.RefResource && d.Resource.Module == "" {
			out = append(out, m.RootReferences([]*schema.Reference{d})...) // a resource of this module
			continue
		}
		out = append(out, d) // a resource of a called module, already at its address
	}
	return append(out, m.ModuleRefs()...)
}

// findKeyedInModule sets r.keyed for a resource of a called module: in a
// module called with count or for_each, a reference to another resource
// of the module (usapi_account.this) names the instance of the same
// module instance, whose key is the referring instance's own.
func (p *planner) findKeyedInModule(r *resource, indirect []addrs.Resource) {
	if r.exp == nested {
		return // each instance waits for the whole resources it refers to
	}
	keyedRefs, whole, ok := schema.InstanceReferences([]hcl.Body{r.cfg.Config}, nil, nil)
	if !ok {
		return
	}
	_, byCall := moduleExpansion(r.cfg)
	out := map[addrs.Resource][]schema.InstanceRef{}
	for a, refs := range keyedRefs {
		a.Module = r.cfg.Module.Path
		if !byCall && p.res[a] != nil {
			for i := range refs {
				refs[i].Resource = a
			}
			out[a] = refs
		}
	}
	if byCall {
		for a := range whole {
			a.Module = r.cfg.Module.Path
			if p.res[a] != nil {
				out[a] = []schema.InstanceRef{{Resource: a, SameKey: true}}
			}
		}
	}
	for _, d := range indirect {
		delete(out, d)
	}
	for a := range out {
		if p.res[a].exp == nested {
			delete(out, a)
		}
	}
	delete(out, r.addr)
	// A resource also reached through a variable or a local is whole.
	for _, ref := range r.cfg.Module.RootReferences(p.moduleOwnRefs(r, true)) {
		if ref.Kind == schema.RefResource {
			delete(out, ref.Resource)
		}
	}
	if len(out) > 0 {
		r.keyed = out
	}
}

// moduleOwnRefs lists the references of r's body to the module's
// variables and locals (indirect is true) or all of them.
func (p *planner) moduleOwnRefs(r *resource, indirect bool) []*schema.Reference {
	if r.spec == nil {
		return nil
	}
	refs, _ := schema.ReferencesInBody(r.cfg.Config, r.spec)
	if !indirect {
		return refs
	}
	var out []*schema.Reference
	for _, ref := range refs {
		if ref.Kind == schema.RefVar || ref.Kind == schema.RefLocal || ref.Kind == schema.RefModule {
			out = append(out, ref)
		}
	}
	return out
}

// resourceIndexKey is the index_key of an instance's state record: its
// resource's own key, none when the key is its module call's (as
// Terraform records module.hire["ani"].usapi_account.this).
func resourceIndexKey(inst addrs.Instance) json.RawMessage {
	return indexKeyJSON(inst.OwnKey())
}

// configuredAddr returns the address the configuration declares for a
// resource written without instance key (module.hire.usapi_account.this),
// whose module call may hold the keys (module.hire[]); a as given when
// none matches.
func (p *planner) configuredAddr(a addrs.Resource) addrs.Resource {
	if p.res[a] != nil || a.Module == "" {
		return a
	}
	for other := range p.res {
		if other.Mode == a.Mode && other.Type == a.Type && other.Name == a.Name && other.ModulePath() == a.ModulePath() {
			return other
		}
	}
	return a
}

// sameModuleInstance reports whether r depends on d only within each of
// its module instances (module.hire["a"].x.ver on module.hire["a"].x.acct)
// and a module target selects r: the target then selects d's instances
// it matches, not every instance of d.
//
// A module target that holds both r and d selects d's instances in the
// module instances it names: a module's resources refer only to their
// own module instance's (and its modules').
func (s *selection) sameModuleInstance(r *resource, d addrs.Resource) bool {
	refs := r.keyed[d]
	sameKey := len(refs) == 1 && refs[0].SameKey
	for _, t := range s.targets {
		if t.Module && t.SelectsResource(r.addr) && (sameKey || t.SelectsResource(d)) {
			return true
		}
	}
	return false
}

// rowOf is the each.value an instance comes from: its own, or that of the
// module call instance that holds it (a module called once per CSV row).
func rowOf(rep schema.Repetition) cty.Value {
	if v := rep.Each(); v != cty.NilVal {
		return v
	}
	for mi := rep.Module; mi != nil; mi = mi.Rep.Module {
		if v := mi.Rep.Each(); v != cty.NilVal {
			return v
		}
	}
	return cty.NilVal
}
