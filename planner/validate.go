package planner

import (
	"context"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Validate checks a configuration without any request and without
// configuring providers: blocks, references, cycles, provider blocks,
// every resource body against its schema, and the providers' own rules,
// with unknown values wherever a value depends on a resource, on count or
// on for_each.
func Validate(req *Request) hcl.Diagnostics {
	p := newPlanner(req)
	p.stored = &stateIndex{byRes: map[addrs.Resource]map[addrs.Key]*state.Resource{}}
	if !p.prepare() {
		return p.diags
	}
	for _, key := range p.order {
		b := p.blocks[key]
		switch {
		case b.res != nil:
			p.validateResource(b.res)
			p.vals.setResource(b.res.addr, cty.DynamicVal)
		case b.local != nil, b.prov != nil:
			p.walk(context.Background(), b)
		}
	}
	p.validateConfigs()
	p.outputs()
	return p.diags
}

// validateResource checks one representative instance of a resource.
func (p *planner) validateResource(r *resource) {
	if r.block == nil || r.prov == nil {
		return
	}
	rep := schema.Repetition{}
	switch r.exp {
	case counted:
		_, diags := p.scope.EvalExpr(r.cfg.Count, cty.Number, rep)
		p.report(diags)
		rep.CountIndex = cty.UnknownVal(cty.Number)
	case keyed:
		_, diags := p.scope.EvalExpr(r.cfg.ForEach, cty.DynamicPseudoType, rep)
		p.report(diags)
		rep.EachKey, rep.EachValue = cty.UnknownVal(cty.String), cty.DynamicVal
	}
	st := newStep(r, instanceKey{key: addrs.NoKey, rep: rep}, nil)
	cfg, diags := p.evalConfig(st)
	p.report(diags)
	if diags.HasErrors() {
		return
	}
	st.Config = cfg
	p.report(p.resourceDiags(r, r.addr.String(), r.prov.p.ValidateResource(validateRequest(r, cfg))))
	r.steps = []*Step{st}
}
