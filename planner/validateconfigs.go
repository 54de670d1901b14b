package planner

import (
	"fmt"
	"slices"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// validateConfigs asks each provider to check the rules that span its
// instances (two accounts with one username). A provider whose every
// configuration the walk took over from the pre-pass is not asked again:
// the pre-pass asked it about the very same configurations.
func (p *planner) validateConfigs() {
	reqs := map[string][]providers.ValidateRequest{}
	batches := map[string]*configBatch{}
	for _, addr := range sortedResources(p.res) {
		r := p.res[addr]
		if r.cfg == nil || r.prov == nil {
			continue
		}
		b := batches[r.prov.name]
		if b == nil {
			b = &configBatch{taken: true}
			batches[r.prov.name] = b
		}
		n := len(reqs[r.prov.name])
		for _, st := range r.steps {
			if st.Config != cty.NilVal {
				reqs[r.prov.name] = append(reqs[r.prov.name], providers.ValidateRequest{Type: addr.Type, Addr: st.Addr(), Config: st.Config})
			}
		}
		b.add(addr, len(reqs[r.prov.name])-n, r.taken)
	}
	for _, name := range sortedKeys(reqs) {
		b := batches[name]
		if diags, ok := p.pre.configsChecked(name, b); ok {
			p.report(diags)
			continue
		}
		b.diags = p.configsDiags(p.provs[name].p.ValidateConfigs(reqs[name]))
		p.report(b.diags)
		p.configsAsked[name] = b
	}
}

// configBatch describes the configurations of one provider that
// ValidateConfigs was (or would be) asked about.
type configBatch struct {
	// shape lists each resource with its number of configurations.
	shape []string
	// taken is set while every resource's configurations were taken over
	// from the pre-pass.
	taken bool
	diags hcl.Diagnostics
}

func (b *configBatch) add(r addrs.Resource, n int, taken bool) {
	b.shape = append(b.shape, fmt.Sprintf("%s:%d", r, n))
	b.taken = b.taken && taken
}

// configsDiags maps ValidateConfigs diagnostics to the blocks of the
// resources they name.
func (p *planner) configsDiags(ds providers.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range ds {
		r := p.resourceOf(d.Resource)
		if r == nil || r.cfg == nil {
			out = append(out, convertDiag(d, nil, d.Resource))
			continue
		}
		out = append(out, p.resourceDiags(r, d.Resource, providers.Diagnostics{d})...)
	}
	return out
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

// configsChecked returns the diagnostics the pre-pass's ValidateConfigs
// gave for provider, when the walk would ask about exactly the same
// configurations (b).
func (pc *preChecked) configsChecked(provider string, b *configBatch) (hcl.Diagnostics, bool) {
	if pc == nil || !b.taken {
		return nil, false
	}
	asked := pc.configs[provider]
	if asked == nil || !slices.Equal(asked.shape, b.shape) {
		return nil, false
	}
	return asked.diags, true
}
