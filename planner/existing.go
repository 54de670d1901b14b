package planner

import (
	"fmt"
	"sort"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// existingWarnings is how many instances of one resource get a warning of
// their own when their creates are not planned because the remote already
// holds their records; the rest are counted in one more warning (a lost
// state of 100,000 verifications is one screen, not 100,000 warnings).
const existingWarnings = 5

// existingNoOp plans, instead of a create, nothing for an instance whose
// record the remote already holds (the provider's PlanResponse.Existing):
// paying twice needs the user's word. The instance stays out of the state
// until the user imports the record or allows the repeat.
func (p *planner) existingNoOp(st *Step, prior cty.Value, ex *providers.Existing) *Step {
	c := st.Change
	c.Action, c.Before, c.After, c.Spends = plans.NoOp, prior, prior, 0
	c.Reason = ex.Message + "; not created"
	st.value = cty.UnknownVal(st.res.ty)
	p.mu.Lock()
	p.existing = append(p.existing, plans.Existing{Addr: c.Addr, ID: ex.ID, Message: ex.Message})
	if p.existingWarned == nil {
		p.existingWarned = map[addrs.Resource]int{}
	}
	p.existingWarned[c.Addr.Resource]++
	n := p.existingWarned[c.Addr.Resource]
	p.mu.Unlock()
	if n <= existingWarnings {
		p.report(hcl.Diagnostics{existingWarning(st, ex)})
	}
	return st
}

func existingWarning(st *Step, ex *providers.Existing) *hcl.Diagnostic {
	addr := st.Addr()
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Already at the remote: not created",
		Detail: fmt.Sprintf("%s is %s. %s\n  daftar import '%s' %s",
			addr, ex.Message, ex.Advice, addr, ex.ID),
		Subject: st.res.cfg.DeclRange.Ptr(),
	}
}

// existingFound returns the instances not created, sorted, after a
// warning per resource counting those beyond the first existingWarnings.
func (p *planner) existingFound() []plans.Existing {
	for _, key := range sortedResources(p.existingWarned) {
		if n := p.existingWarned[key]; n > existingWarnings {
			r := p.res[key]
			d := &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Already at the remote: not created",
				Detail: fmt.Sprintf("%d more instances of %s are already at the remote and are not created (the plan lists them all, "+
					"with what was found). Import each one, or allow the repeat as the warnings above say.", n-existingWarnings, key),
			}
			if r != nil && r.cfg != nil {
				d.Subject = r.cfg.DeclRange.Ptr()
			}
			p.report(hcl.Diagnostics{d})
		}
	}
	out := append([]plans.Existing(nil), p.existing...)
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out
}
