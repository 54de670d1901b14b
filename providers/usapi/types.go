package usapi

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// resourceType is one entry of the provider's table of resource types:
// its schema and the functions serving each method of providers.Provider
// for it. The Provider's methods find the entry in one place
// (Provider.resource); a second resource type is a second entry
// (docs/providers/writing.md).
type resourceType struct {
	block    func() *providers.Block
	validate func(p *Provider, cfg cty.Value) providers.Diagnostics
	plan     func(p *Provider, ctx context.Context, req providers.PlanRequest) providers.PlanResponse
	apply    func(p *Provider, ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse
	read     func(p *Provider, ctx context.Context, req providers.ReadRequest) providers.ReadResponse
	resolve  func(p *Provider, ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse
	imports  func(p *Provider, ctx context.Context, req providers.ImportRequest) providers.ImportResponse
}

// resourceTypes is the provider's table of resource types.
var resourceTypes = map[string]*resourceType{
	accountType: {
		block:    accountBlock,
		validate: (*Provider).validateAccount,
		plan:     (*Provider).planAccount,
		apply:    (*Provider).applyAccount,
		read:     (*Provider).readAccount,
		resolve:  (*Provider).resolveAccount,
		imports:  (*Provider).importAccount,
	},
}

// resource finds the entry of typ; an error diagnostic when the provider
// serves no resource type of that name.
func (p *Provider) resource(typ string) (*resourceType, providers.Diagnostics) {
	if rt := resourceTypes[typ]; rt != nil {
		return rt, nil
	}
	return nil, notAResource(typ)
}

// PlanResource proposes a resource instance's state (see the type's plan).
func (p *Provider) PlanResource(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return providers.PlanResponse{Planned: req.Config, Diagnostics: diags}
	}
	return rt.plan(p, ctx, req)
}

// ApplyResource carries out a planned change (see the type's apply).
func (p *Provider) ApplyResource(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return providers.ApplyResponse{NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
	}
	return rt.apply(p, ctx, req)
}

// ReadResource refreshes a resource instance (see the type's read).
func (p *Provider) ReadResource(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: diags}
	}
	return rt.read(p, ctx, req)
}

// ResolveResource decides an interrupted create (see the type's resolve).
func (p *Provider) ResolveResource(ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return providers.ResolveResponse{Resolution: providers.Undecided, Diagnostics: diags}
	}
	return rt.resolve(p, ctx, req)
}

// ImportResource adopts a remote record by its id (see the type's imports).
func (p *Provider) ImportResource(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	rt, diags := p.resource(req.Type)
	if diags != nil {
		return providers.ImportResponse{NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
	}
	return rt.imports(p, ctx, req)
}
