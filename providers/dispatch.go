package providers

import (
	"context"

	"github.com/zclconf/go-cty/cty"
)

// ResourceMethods are the functions that serve Provider's resource methods
// for one resource type of a provider P (an entry of its table of types).
type ResourceMethods[P any] struct {
	Plan    func(p P, ctx context.Context, req PlanRequest) PlanResponse
	Apply   func(p P, ctx context.Context, req ApplyRequest) ApplyResponse
	Read    func(p P, ctx context.Context, req ReadRequest) ReadResponse
	Resolve func(p P, ctx context.Context, req ResolveRequest) ResolveResponse
	Import  func(p P, ctx context.Context, req ImportRequest) ImportResponse
}

// Dispatch implements Provider's resource methods for a provider P that
// embeds it: each request goes to the entry Find gives for its type. A
// type Find does not serve gets Find's diagnostics, in the response each
// method gives for an error (the prior value kept, a null new state, an
// undecided resolution). A second resource type is a second entry of the
// provider's table, with no method to touch (docs/providers/writing.md).
type Dispatch[P any] struct {
	Self P
	Find func(typ string) (*ResourceMethods[P], Diagnostics)
}

// PlanResource proposes a resource instance's state (the type's Plan).
func (d Dispatch[P]) PlanResource(ctx context.Context, req PlanRequest) PlanResponse {
	m, diags := d.Find(req.Type)
	if m == nil {
		return PlanResponse{Planned: req.Config, Diagnostics: diags}
	}
	return m.Plan(d.Self, ctx, req)
}

// ApplyResource carries out a planned change (the type's Apply).
func (d Dispatch[P]) ApplyResource(ctx context.Context, req ApplyRequest) ApplyResponse {
	m, diags := d.Find(req.Type)
	if m == nil {
		return ApplyResponse{NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
	}
	return m.Apply(d.Self, ctx, req)
}

// ReadResource refreshes a resource instance (the type's Read).
func (d Dispatch[P]) ReadResource(ctx context.Context, req ReadRequest) ReadResponse {
	m, diags := d.Find(req.Type)
	if m == nil {
		return ReadResponse{NewState: req.Prior, Diagnostics: diags}
	}
	return m.Read(d.Self, ctx, req)
}

// ResolveResource decides an interrupted create (the type's Resolve).
func (d Dispatch[P]) ResolveResource(ctx context.Context, req ResolveRequest) ResolveResponse {
	m, diags := d.Find(req.Type)
	if m == nil {
		return ResolveResponse{Resolution: Undecided, NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
	}
	return m.Resolve(d.Self, ctx, req)
}

// ImportResource adopts a remote record by its id (the type's Import).
func (d Dispatch[P]) ImportResource(ctx context.Context, req ImportRequest) ImportResponse {
	m, diags := d.Find(req.Type)
	if m == nil {
		return ImportResponse{NewState: cty.NullVal(cty.DynamicPseudoType), Diagnostics: diags}
	}
	return m.Import(d.Self, ctx, req)
}
