package enginetest

import (
	"context"
	"strings"

	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// PlanResource implements providers.Provider: the planned state is the
// configuration with computed attributes unknown on create and kept from
// the prior otherwise; a changed code requires a replace; creating a
// verification spends one token.
func (p *Provider) PlanResource(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	p.record(Call{Method: "PlanResource", Addr: req.Addr})
	block := fakeSchema().Resources[p.fakeType(req.Type)]
	attrs := map[string]cty.Value{}
	for name, v := range req.Config.AsValueMap() {
		a := block.Attributes[name]
		switch {
		case a != nil && a.Computed && req.Prior.IsNull():
			attrs[name] = cty.UnknownVal(a.Type)
		case a != nil && a.Computed:
			attrs[name] = req.Prior.GetAttr(name)
		default:
			attrs[name] = v
		}
	}
	resp := providers.PlanResponse{Planned: cty.ObjectVal(attrs)}
	if req.Prior.IsNull() {
		if p.fakeType(req.Type) == "fake_verification" {
			resp.Spends = 1
		}
		if ex := p.Existing[req.Addr]; ex != nil && !req.Forced {
			resp.Existing, resp.Spends = ex, 0
		}
		return resp
	}
	if p.fakeType(req.Type) == "fake_account" {
		code, prior := req.Config.GetAttr("code"), req.Prior.GetAttr("code")
		if !code.IsKnown() || !code.Equals(prior).True() {
			resp.RequiresReplace = []cty.Path{cty.GetAttrPath("code")}
		}
	}
	if p.fakeType(req.Type) == "fake_verification" && !knownEqual(req.Config.GetAttr("subject"), req.Prior.GetAttr("subject")) {
		resp.RequiresReplace = []cty.Path{cty.GetAttrPath("subject")}
		resp.Spends = 1
	}
	return resp
}

// ApplyResource implements providers.Provider: OnApply when set, else the
// planned state with id "id-<name or subject>" and status "completed".
func (p *Provider) ApplyResource(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	p.record(Call{Method: "ApplyResource", Addr: req.Addr, Op: req.Operation})
	defer p.enter()()
	p.sleep(ctx)
	if p.OnApply != nil {
		return p.OnApply(ctx, req)
	}
	return providers.ApplyResponse{NewState: Created(req.Planned)}
}

// Created fills the unknowns of a planned fake state as the fake API does.
func Created(planned cty.Value) cty.Value {
	id := "id-" + attrString(planned, "name") + attrString(planned, "subject")
	v, _ := cty.Transform(planned, func(path cty.Path, v cty.Value) (cty.Value, error) {
		if v.IsKnown() || len(path) != 1 {
			return v, nil
		}
		switch path[0].(cty.GetAttrStep).Name {
		case "id":
			return cty.StringVal(id), nil
		case "status":
			return cty.StringVal("completed"), nil
		}
		return v, nil
	})
	return v
}

// ReadResource implements providers.Provider: Remote's value for the
// address, else the prior.
func (p *Provider) ReadResource(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !req.Full && p.Settled(req.Type, req.Prior) {
		return providers.ReadResponse{NewState: req.Prior}
	}
	p.record(Call{Method: "ReadResource", Addr: req.Addr})
	defer p.enter()()
	p.sleep(ctx)
	p.mu.Lock()
	v, ok := p.Remote[req.Addr]
	detail, unreadable := p.Unreadable[req.Addr]
	p.mu.Unlock()
	if unreadable {
		return providers.ReadResponse{Diagnostics: providers.Diagnostics{{Severity: providers.Error, Summary: "Cannot read the account", Detail: detail}}}
	}
	if !ok {
		return providers.ReadResponse{NewState: req.Prior}
	}
	return providers.ReadResponse{NewState: v}
}

// Settled implements providers.Settler: with SettledAccounts, every
// fake_account.
func (p *Provider) Settled(typ string, state cty.Value) bool {
	return p.SettledAccounts && p.fakeType(typ) == "fake_account" && !state.IsNull()
}

// Finished implements providers.Finisher, with Finishes: accounts whose
// refreshed id is another than the prior's, their outcome its first part.
func (p *Provider) Finished(typ string, prior, refreshed cty.Value) (noun, outcome string, ok bool) {
	if !p.Finishes || prior.IsNull() || refreshed.IsNull() {
		return "", "", false
	}
	before, after := prior.GetAttr("id"), refreshed.GetAttr("id")
	if !after.IsKnown() || after.IsNull() || before.RawEquals(after) {
		return "", "", false
	}
	outcome, _, _ = strings.Cut(after.AsString(), "-")
	return "accounts", outcome, true
}

// ResolveResource implements providers.Provider.
func (p *Provider) ResolveResource(_ context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	p.record(Call{Method: "ResolveResource", Addr: req.Addr})
	if p.OnResolve != nil {
		return p.OnResolve(req)
	}
	return providers.ResolveResponse{Resolution: providers.NotCreated, Message: "no record found"}
}

// ImportResource implements providers.Provider: an account named ID.
func (p *Provider) ImportResource(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	p.record(Call{Method: "ImportResource", Addr: req.Addr})
	block := fakeSchema().Resources[p.fakeType(req.Type)]
	attrs := map[string]cty.Value{}
	for name, t := range block.ImpliedType().AttributeTypes() {
		attrs[name] = cty.NullVal(t)
	}
	attrs["id"] = cty.StringVal("id-" + req.ID)
	if p.fakeType(req.Type) == "fake_account" {
		attrs["name"] = cty.StringVal(req.ID)
	} else {
		attrs["subject"] = cty.StringVal(req.ID)
	}
	return providers.ImportResponse{NewState: cty.ObjectVal(attrs)}
}

// ReadData implements providers.Provider: output is upper(input); the
// input "fail-read" makes the read fail, as a remote error would.
func (p *Provider) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	p.record(Call{Method: "ReadData", Addr: req.Addr})
	in := attrString(req.Config, "input")
	if in == "fail-read" {
		return providers.ReadDataResponse{Diagnostics: providers.Diagnostics{{
			Severity: providers.Error, Summary: "Lookup failed", Detail: "the lookup service answered 503.", Resource: req.Addr,
		}}}
	}
	return providers.ReadDataResponse{State: cty.ObjectVal(map[string]cty.Value{
		"input":  cty.StringVal(in),
		"output": cty.StringVal(strings.ToUpper(in)),
	})}
}

// knownEqual reports whether a and b are known and equal (an unknown
// configured value, such as an id still to be created, is a change).
func knownEqual(a, b cty.Value) bool {
	eq := a.Equals(b)
	return eq.IsKnown() && eq.True()
}
