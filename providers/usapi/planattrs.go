package usapi

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// PlanResourceAttrs implements providers.PlanAttrs: the plan of a new
// account (no prior, not replacing one) from its configuration's
// attributes, what planAccount answers for their object, without the
// engine building that object (a batch of 100,000 new accounts builds
// none). Anything else is declined, and PlanResource answers.
func (p *Provider) PlanResourceAttrs(_ context.Context, req providers.PlanRequest, a providers.Attrs) (providers.PlanResponse, bool) {
	if req.Type != accountType || req.Prior == cty.NilVal || !req.Prior.IsNull() || (req.Replacing != cty.NilVal && !req.Replacing.IsNull()) {
		return providers.PlanResponse{}, false
	}
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.PlanResponse{}, false
	}
	atys := accountTy.AttributeTypes()
	m := make(map[string]cty.Value, len(atys))
	for name := range atys {
		v := a.Attr(name)
		if v == cty.NilVal || v.IsMarked() {
			return providers.PlanResponse{}, false
		}
		m[name] = v
	}
	// desiredWith(config, createdAttrs(config)), from the attributes.
	created := createdFor(m[attrRegistration])
	prof, diags := c.desiredProfile(m[attrBasicProfile])
	m[attrPassword] = c.digestOf(m[attrPassword], purposePassword)
	m[attrRegistration] = registrationOrDefault(m[attrRegistration])
	m[attrID] = m[attrUsername]
	m[attrBasicProfile] = prof
	for name, v := range created {
		m[name] = v
	}
	return providers.PlanResponse{Planned: cty.ObjectVal(m), Reason: existingAccountReason, Diagnostics: diags}, true
}
