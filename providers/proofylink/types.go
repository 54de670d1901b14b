package proofylink

import (
	"context"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// resourceSchema is a resource type's schema and the attribute lists the
// provider derives from it, so that the schema is the one place where an
// attribute is declared: an attribute added there is planned, stored and
// compared without touching any list.
type resourceSchema struct {
	block *providers.Block
	// ty is the type of the type's state value (block's implied type).
	ty cty.Type
	// inputs are what the user sets, stored as planned; digests are the
	// keyed digests the plan derives from inputs; remote are the values
	// the API sets; replace are the inputs and digests whose change is a
	// new verification (see providers.Block).
	inputs, digests, remote, replace []string
}

func newResourceSchema(b *providers.Block) *resourceSchema {
	return &resourceSchema{
		block: b, ty: b.ImpliedType(),
		inputs: b.InputNames(), digests: b.DigestNames(), remote: b.RemoteNames(), replace: b.ReplaceNames(),
	}
}

// resourceType is one entry of the provider's table of resource types:
// the schema, and the functions serving each method of
// providers.Provider for the type. The Provider's methods find the entry
// in one place (Provider.resource) and call it; a second resource type is
// a second entry (docs/providers/writing.md).
type resourceType struct {
	schema   *resourceSchema
	validate func(p *Provider, cfg cty.Value) providers.Diagnostics
	plan     func(p *Provider, ctx context.Context, req providers.PlanRequest) providers.PlanResponse
	apply    func(p *Provider, ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse
	read     func(p *Provider, ctx context.Context, req providers.ReadRequest) providers.ReadResponse
	resolve  func(p *Provider, ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse
	imports  func(p *Provider, ctx context.Context, req providers.ImportRequest) providers.ImportResponse
}

// resourceTypes is the provider's table of resource types, read once by
// NewWithOptions.
func resourceTypes() map[string]*resourceType {
	return map[string]*resourceType{
		verificationType: {
			schema:   verification,
			validate: (*Provider).validateVerification,
			plan:     (*Provider).planVerification,
			apply:    (*Provider).applyVerification,
			read:     (*Provider).readVerification,
			resolve:  (*Provider).resolveVerification,
			imports:  (*Provider).importVerification,
		},
	}
}

// resource finds the entry of typ; an error diagnostic when the provider
// serves no resource type of that name.
func (p *Provider) resource(typ string) (*resourceType, providers.Diagnostics) {
	if rt := p.resources[typ]; rt != nil {
		return rt, nil
	}
	return nil, unknownType(typ)
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
		return providers.ResolveResponse{Resolution: providers.Undecided, NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
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
