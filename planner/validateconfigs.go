package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// validateConfigs asks each provider to check the rules that span its
// instances (two accounts with one username).
func (p *planner) validateConfigs() {
	reqs := map[string][]providers.ValidateRequest{}
	for _, addr := range sortedResources(p.res) {
		r := p.res[addr]
		if r.cfg == nil || r.prov == nil {
			continue
		}
		for _, st := range r.steps {
			if st.Config != cty.NilVal {
				reqs[r.prov.name] = append(reqs[r.prov.name], providers.ValidateRequest{Type: addr.Type, Addr: st.Addr(), Config: st.Config})
			}
		}
	}
	for _, name := range sortedKeys(reqs) {
		ds := p.provs[name].p.ValidateConfigs(reqs[name])
		p.reportConfigsDiags(ds)
	}
}

// reportConfigsDiags maps ValidateConfigs diagnostics to the blocks of the
// resources they name.
func (p *planner) reportConfigsDiags(ds providers.Diagnostics) {
	for _, d := range ds {
		r := p.resourceOf(d.Resource)
		if r == nil || r.cfg == nil {
			p.report(hclDiags(convertDiag(d, nil, d.Resource)))
			continue
		}
		p.report(p.resourceDiags(r, d.Resource, providers.Diagnostics{d}))
	}
}

// resourceOf finds the resource of an instance address, nil when unknown.
func (p *planner) resourceOf(addr string) *resource {
	inst, err := addrs.ParseInstance(addr)
	if err != nil {
		return nil
	}
	return p.res[inst.Resource]
}

func hclDiags(d *hcl.Diagnostic) hcl.Diagnostics { return hcl.Diagnostics{d} }

func validateRequest(r *resource, cfg cty.Value) providers.ValidateRequest {
	return providers.ValidateRequest{Type: r.addr.Type, Addr: r.addr.String(), Config: cfg}
}
