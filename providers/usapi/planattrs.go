package usapi

import (
	"context"
	"maps"
	"slices"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// PlanResourceAttrs implements providers.PlanAttrs: the plan of a new
// account (no prior, not replacing one) from its configuration's
// attributes, what planAccount answers for their object, without the
// engine building that object (a batch of 100,000 new accounts builds
// none). Anything else is declined, and PlanResource answers. It is
// PlanResourceFields's answer with the planned value as its object.
func (p *Provider) PlanResourceAttrs(ctx context.Context, req providers.PlanRequest, a providers.Attrs) (providers.PlanResponse, bool) {
	resp, planned, ok := p.PlanResourceFields(ctx, req, a, accountAttrNames)
	if !ok {
		return resp, false
	}
	m := make(map[string]cty.Value, len(planned))
	for i, name := range accountAttrNames {
		m[name] = planned[i]
	}
	resp.Planned = cty.ObjectVal(m)
	return resp, true
}

// accountAttrNames are the account's attributes, sorted, and
// accountAttrIndex the place of each in them.
var (
	accountAttrNames = slices.Sorted(maps.Keys(accountTy.AttributeTypes()))
	accountAttrIndex = func() map[string]int {
		m := make(map[string]int, len(accountAttrNames))
		for i, name := range accountAttrNames {
			m[name] = i
		}
		return m
	}()
)

// PlanResourceFields implements providers.PlanFields: PlanResourceAttrs's
// plan with the planned account as its attributes, in the order of names,
// which must be every attribute of the account, sorted: no planned object
// is built (a batch of 100,000 new accounts is checked and packed from
// them).
func (p *Provider) PlanResourceFields(_ context.Context, req providers.PlanRequest, a providers.Attrs, names []string) (providers.PlanResponse, []cty.Value, bool) {
	if req.Type != accountType || req.Prior == cty.NilVal || !req.Prior.IsNull() || (req.Replacing != cty.NilVal && !req.Replacing.IsNull()) ||
		!slices.Equal(names, accountAttrNames) {
		return providers.PlanResponse{}, nil, false
	}
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.PlanResponse{}, nil, false
	}
	vals := make([]cty.Value, len(names))
	for i, name := range names {
		v := a.Attr(name)
		if v == cty.NilVal || v.IsMarked() {
			return providers.PlanResponse{}, nil, false
		}
		vals[i] = v
	}
	at := func(name string) *cty.Value { return &vals[accountAttrIndex[name]] }
	// desiredWith(config, createdAttrs(config)), from the attributes.
	registration := *at(attrRegistration)
	prof, diags := c.desiredProfile(*at(attrBasicProfile))
	*at(attrPassword) = c.digestOf(*at(attrPassword), purposePassword)
	*at(attrRegistration) = registrationOrDefault(registration)
	*at(attrID) = *at(attrUsername)
	*at(attrBasicProfile) = prof
	*at(attrRegisteredAt), *at(attrEmailRegistered) = createdValues(registration)
	return providers.PlanResponse{Reason: existingAccountReason, Diagnostics: diags}, vals, true
}
