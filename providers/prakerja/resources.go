package prakerja

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// Prakerja has no managed resources: every resource method answers an
// error naming what the provider does serve.

func noResources(typ string) providers.Diagnostics {
	var diags providers.Diagnostics
	if typ == profileType {
		return diags.Errorf(nil, "Not a resource", "%s is a data source of provider prakerja; declare it with a data block.", profileType)
	}
	return diags.Errorf(nil, "No such resource", "Provider prakerja has no resources, only the data source %s; %q is not one of its types.", profileType, typ)
}

// PlanResource answers an error: Prakerja has no resources.
func (p *Provider) PlanResource(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	return providers.PlanResponse{Planned: req.Prior, Diagnostics: noResources(req.Type)}
}

// ApplyResource answers an error: Prakerja has no resources.
func (p *Provider) ApplyResource(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	return providers.ApplyResponse{NewState: req.Prior, Diagnostics: noResources(req.Type)}
}

// ReadResource answers an error: Prakerja has no resources.
func (p *Provider) ReadResource(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	return providers.ReadResponse{NewState: req.Prior, Diagnostics: noResources(req.Type)}
}

// ResolveResource answers an error: Prakerja has no resources.
func (p *Provider) ResolveResource(_ context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	return providers.ResolveResponse{Resolution: providers.Undecided, Diagnostics: noResources(req.Type)}
}

// ImportResource answers an error: Prakerja has no resources.
func (p *Provider) ImportResource(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	return providers.ImportResponse{NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: noResources(req.Type)}
}

// CheckConfigs has nothing to check across data sources.
func (p *Provider) CheckConfigs() providers.ConfigsCheck { return providers.NoConfigsCheck{} }
