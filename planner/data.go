package planner

import (
	"context"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// planData reads a data source now when its configuration is wholly known
// (a no-op change holding the value), else plans a Read during apply.
func (p *planner) planData(ctx context.Context, st *Step) *Step {
	r, c := st.res, st.Change
	cfg, ok := p.checkedConfig(st)
	if !ok {
		return nil
	}
	st.Config = cfg
	c.Before = cty.NullVal(r.ty)
	if !cfg.IsWhollyKnown() {
		c.Action, c.After = plans.Read, cty.UnknownVal(r.ty)
		c.Reason = "its configuration depends on values known only after apply"
		if r.cfg != nil && r.cfg.Check != "" {
			// As Terraform: the address is the data source's own, and
			// the reason names the check block that holds it.
			c.Reason = "scoped to check \"" + r.cfg.Check + "\"; " + c.Reason
		}
		st.value = cty.UnknownVal(r.ty)
		return st
	}
	if dep := p.changingDependency(r); dep != "" {
		c.Action, c.After = plans.Read, cty.UnknownVal(r.ty)
		c.Reason = "depends_on names " + dep + ", which has changes to apply: read after them"
		st.value = cty.UnknownVal(r.ty)
		return st
	}
	v, ok := p.readData(ctx, st, cfg)
	if !ok {
		return nil
	}
	c.Action, c.After = plans.NoOp, v
	st.dataOK = true
	st.value = r.refValue(v, st.marks())
	return st
}

// readData calls ReadData with a wholly known configuration.
func (p *planner) readData(ctx context.Context, st *Step, cfg cty.Value) (cty.Value, bool) {
	defer p.acquire()()
	resp := st.res.prov.p.ReadData(ctx, providers.ReadDataRequest{Type: st.res.addr.Type, Addr: st.Addr(), Config: cfg})
	diags := p.resourceDiags(st.res, st.Addr(), resp.Diagnostics)
	if rc := st.res.cfg; rc != nil && rc.Check != "" && resp.Diagnostics.HasErrors() {
		p.report(p.scopedReadFailed(rc.Check, st.Change.Addr, diags))
		return cty.NilVal, false
	}
	p.report(diags)
	if resp.Diagnostics.HasErrors() {
		return cty.NilVal, false
	}
	return resp.State, true
}

// changingDependency names a managed resource of r's depends_on with a
// change to apply, whose result the read must see ("" when none): the
// data source is then read during apply, after it, as in Terraform.
func (p *planner) changingDependency(r *resource) string {
	if r.cfg == nil {
		return ""
	}
	for _, t := range r.cfg.DependsOn {
		ref, _ := schema.ParseReference(t)
		if ref == nil || ref.Kind != schema.RefResource || ref.Resource.Mode != addrs.Managed {
			continue
		}
		dep := p.res[ref.Resource]
		if dep == nil {
			continue
		}
		for _, s := range dep.steps {
			if s == nil || s.Change.Action != plans.NoOp || s.Change.PrevAddr() != nil { // nil: a change apply released (Evaluation.Release)
				return ref.Resource.String()
			}
		}
	}
	return ""
}
