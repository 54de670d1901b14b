package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// importBlocks evaluates the import blocks that name r and returns the
// remote id each adopts, by instance key. Their for_each, index and id may
// refer to variables and locals (and each.key, each.value); they must be
// known at plan time. An instance the state already holds is left out: an
// import of a managed record is a no-op, as in Terraform.
//
// An import block in a module names addresses relative to each of its
// module instances; one in a calling module (the root included) overrides
// it for the same instance, as Terraform does.
func (p *planner) importBlocks(r *resource, keys []instanceKey) (map[addrs.Key]string, hcl.Diagnostics) {
	var out map[addrs.Key]string
	var diags hcl.Diagnostics
	declared := make(map[addrs.Key]bool, len(keys))
	for _, k := range keys {
		declared[k.key] = true
	}
	setBy := map[addrs.Key]*schema.Config{}
	for _, m := range p.importingModules(r) {
		for _, imp := range m.Imports {
			if p.configuredAddr(importTarget(imp, m)) != r.addr {
				continue
			}
			d := p.importBlock(r, imp, m, declared, setBy, &out)
			diags = append(diags, d...)
		}
	}
	return out, diags
}

// importingModules lists the root and the modules along r's module path,
// callers first: those whose import blocks may name r.
func (p *planner) importingModules(r *resource) []*schema.Config {
	var out []*schema.Config
	for m := r.cfg.Module; m != nil; m = m.Call.Parent {
		out = append(out, m)
		if m.Call == nil {
			break
		}
	}
	if len(out) == 0 || out[len(out)-1].Call != nil {
		out = append(out, p.req.Config)
	}
	slices.Reverse(out)
	return out
}

// importTarget is the resource an import block of module m names, from
// the root.
func importTarget(imp *schema.Import, m *schema.Config) addrs.Resource {
	t := imp.Target
	switch {
	case m.Call == nil:
	case t.Module == "":
		t.Module = m.Path
	default:
		t.Module = m.Path + "." + t.Module
	}
	return t
}

// importBlock evaluates one import block of module m (the root's too) in
// each of m's instances, into out; setBy records which module set each
// key, so that a caller's import wins over its module's.
func (p *planner) importBlock(r *resource, imp *schema.Import, m *schema.Config, declared map[addrs.Key]bool, setBy map[addrs.Key]*schema.Config, out *map[addrs.Key]string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	insts, d := p.moduleInstances(m, false)
	if d.HasErrors() {
		return d
	}
	for _, mi := range insts {
		reps, d := p.importRepetitions(imp, mi)
		diags = append(diags, d...)
		for _, rep := range reps {
			key, id, d := p.importInstance(imp, rep)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if mi != nil {
				key = addrs.JoinKeys(mi.PathKey(), key)
			}
			if by, ok := setBy[key]; ok && by != m {
				continue // a caller's import block overrides its module's
			}
			setBy[key] = m
			addr := r.addr.Instance(key)
			if !declared[key] {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Import to an undeclared instance",
					Detail:   fmt.Sprintf("This import block adopts %q at %s, and the configuration declares no such instance: its count or for_each does not produce that key. Import to an instance the resource block declares.", id, addr),
					Subject:  imp.ToRange.Ptr(),
				})
				continue
			}
			if prev, dup := (*out)[key]; dup && prev != id {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Two imports to one instance",
					Detail:   fmt.Sprintf("%s is the target of two import blocks, with the ids %q and %q. One instance adopts one record.", addr, prev, id),
					Subject:  imp.DeclRange.Ptr(),
				})
				continue
			}
			if *out == nil {
				*out = map[addrs.Key]string{}
			}
			(*out)[key] = id
		}
	}
	return diags
}

// importRepetitions lists the each.key/each.value pairs of an import
// block's for_each; one empty repetition without for_each.
func (p *planner) importRepetitions(imp *schema.Import, mi *schema.ModuleInstance) ([]schema.Repetition, hcl.Diagnostics) {
	if imp.ForEach == nil {
		return []schema.Repetition{{Module: mi}}, nil
	}
	v, diags := p.scope.EvalExpr(imp.ForEach, cty.DynamicPseudoType, schema.Repetition{Module: mi})
	if diags.HasErrors() {
		return nil, diags
	}
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	bad := func(detail string) hcl.Diagnostics {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid for_each in an import block", Detail: detail, Subject: imp.ForEach.Range().Ptr()})
	}
	switch {
	case !v.IsWhollyKnown():
		return nil, bad("The for_each of an import block must be known at plan time: build it from variables, locals and literals, not from values known only after apply.")
	case v.IsNull():
		return nil, bad("for_each must be a map, a set or a list, not null.")
	case !ty.IsMapType() && !ty.IsObjectType() && !ty.IsSetType() && !ty.IsListType() && !ty.IsTupleType():
		return nil, bad("for_each must be a map, a set or a list, not " + ty.FriendlyName() + ".")
	}
	var reps []schema.Repetition
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if ty.IsSetType() {
			k = val
		}
		reps = append(reps, schema.EachRepetition(k, val, mi))
	}
	return reps, diags
}

// importInstance evaluates an import block's key and id for one
// repetition.
func (p *planner) importInstance(imp *schema.Import, rep schema.Repetition) (addrs.Key, string, hcl.Diagnostics) {
	var key addrs.Key = addrs.NoKey
	var diags hcl.Diagnostics
	if imp.Key != nil {
		kv, d := p.scope.EvalExpr(imp.Key, cty.DynamicPseudoType, rep)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, "", diags
		}
		k, err := schema.ImportKey(kv)
		if err != nil {
			return nil, "", append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid import address",
				Detail: "The index of the import block's to: " + err.Error() + ".", Subject: imp.Key.Range().Ptr()})
		}
		key = k
	}
	idv, d := p.scope.EvalExpr(imp.ID, cty.String, rep)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, "", diags
	}
	idv, _ = idv.UnmarkDeep()
	if !idv.IsKnown() || idv.IsNull() || idv.AsString() == "" {
		return nil, "", append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid import id",
			Detail: "The id of an import block must be a non-empty string known at plan time: an account's username, a verification's reference_code.", Subject: imp.ID.Range().Ptr()})
	}
	return key, idv.AsString(), diags
}

// checkImportTargets reports the import blocks whose resource the
// configuration does not declare.
func (p *planner) checkImportTargets() {
	for _, m := range p.req.Config.AllModules() {
		for _, imp := range m.Imports {
			target := p.configuredAddr(importTarget(imp, m))
			if r := p.res[target]; r != nil && r.cfg != nil {
				continue
			}
			p.report(hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Import to an undeclared resource",
				Detail:   fmt.Sprintf("The configuration declares no resource %s. Write its resource block (with the count or for_each that produces the imported keys), then plan again.", target),
				Subject:  imp.ToRange.Ptr(),
			}})
		}
	}
}

// hasImports reports whether the configuration holds an import block,
// in a module too.
func (p *planner) hasImports() bool {
	return slices.ContainsFunc(p.req.Config.AllModules(), func(m *schema.Config) bool { return len(m.Imports) > 0 })
}

// importRecord reads the record an import block adopts at st's address:
// the prior the instance is planned from. Apply records it (Persist), with
// no create.
func (p *planner) importRecord(ctx context.Context, st *Step, id string) (cty.Value, bool) {
	if err := p.holders().Err(); err != nil {
		p.report(hcl.Diagnostics{attrsError(err)})
		return cty.NilVal, false
	}
	if holder := p.holders().HeldBy(st.res.addr.Type, st.Addr())(id); holder != "" {
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Record already managed",
			Detail:   fmt.Sprintf("The import to %s names %q, which the state already holds at %s: one record is never tracked at two addresses. To rename, use daftar state mv (or a moved block).", st.Addr(), id, holder),
			Subject:  st.res.cfg.DeclRange.Ptr(),
		}})
		return cty.NilVal, false
	}
	cfg := st.Config
	if cfg == cty.NilVal || !cfg.IsWhollyKnown() {
		cfg = cty.NullVal(st.res.ty)
	}
	release := p.acquire()
	resp := st.res.prov.p.ImportResource(ctx, providers.ImportRequest{Type: st.res.addr.Type, Addr: st.Addr(), ID: id, Config: cfg})
	release()
	p.report(p.resourceDiags(st.res, st.Addr(), resp.Diagnostics))
	if resp.Diagnostics.HasErrors() || resp.NewState == cty.NilVal || resp.NewState.IsNull() {
		if !resp.Diagnostics.HasErrors() {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Nothing to import",
				Detail: fmt.Sprintf("The remote has no record %q to import at %s.", id, st.Addr()), Subject: st.res.cfg.DeclRange.Ptr()}})
		}
		return cty.NilVal, false
	}
	st.Persist = true
	st.Change.SetImporting(id)
	return resp.NewState, true
}
