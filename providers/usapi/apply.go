package usapi

import (
	"context"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
)

// applyAccount registers an account (Create) or updates its basic
// profile (Update).
func (p *Provider) applyAccount(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: diags}
	}
	ctx = httpx.WithResource(ctx, req.Addr)
	config := marks.Unmarked(req.Config)
	if req.Operation == providers.Create {
		return p.create(ctx, c, req.Addr, config)
	}
	prior, _ := req.Prior.UnmarkDeep()
	return p.update(ctx, c, req.Addr, config, prior)
}

// create registers the account, then sets its profile. A registration
// whose outcome is unknown is reported Uncertain and never retried here; a
// profile that fails after the registration succeeded leaves the account
// in the state with basic_profile null, so that the next plan sets it.
func (p *Provider) create(ctx context.Context, c *config, addr string, config cty.Value) providers.ApplyResponse {
	prof, diags := c.desiredProfile(config.GetAttr(attrBasicProfile))
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: cty.NullVal(accountTy), Diagnostics: diags}
	}
	kind, body := registrationOf(config)
	if err := c.client.register(ctx, kind, body); err != nil {
		return providers.ApplyResponse{
			NewState:    cty.NullVal(accountTy),
			Uncertain:   uncertain(err),
			Diagnostics: append(diags, registerDiagnostic(addr, c.client.shownURL(registrationPath(kind)), err)),
		}
	}
	registeredAt := cty.StringVal(p.now().UTC().Format(time.RFC3339))
	// What desired(config) describes, with what the registration told, in
	// one object: the profile is set by setProfile.
	state := c.desiredOf(config, prof, map[string]cty.Value{attrRegisteredAt: registeredAt,
		attrEmailRegistered: cty.BoolVal(kind == registrationInternal), attrBasicProfile: cty.NullVal(profileTy)})
	return p.setProfile(ctx, c, addr, config, prof, state, diags)
}

// update sets a changed basic profile. The other inputs cannot change; a
// change that was unknown at plan time is refused here.
func (p *Provider) update(ctx context.Context, c *config, addr string, config, prior cty.Value) providers.ApplyResponse {
	want, diags := c.desired(config)
	diags = append(diags, immutableChanges(addr, prior, want)...)
	if usernameChanges(prior, want) {
		diags = diags.Errorf(attrPath(attrUsername), "USAPI cannot change username", "%s: a new username is a new account, which needs a replace, not an update.", addr)
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: prior, Diagnostics: diags}
	}
	state := withComputed(want, prior.GetAttr(attrRegisteredAt), prior.GetAttr(attrEmailRegistered))
	if want.GetAttr(attrBasicProfile).IsNull() {
		return providers.ApplyResponse{NewState: state, Diagnostics: diags}
	}
	return p.setProfile(ctx, c, addr, config, want.GetAttr(attrBasicProfile), withAttrs(state, map[string]cty.Value{attrBasicProfile: prior.GetAttr(attrBasicProfile)}), diags)
}

// setProfile logs in and sends the configured basic profile. It answers
// state with the profile on success (wantProfile: the desired
// basic_profile), state as given (and the error) otherwise.
func (p *Provider) setProfile(ctx context.Context, c *config, addr string, config, wantProfile, state cty.Value, diags providers.Diagnostics) providers.ApplyResponse {
	pv := config.GetAttr(attrBasicProfile)
	if pv.IsNull() {
		return providers.ApplyResponse{NewState: state, Diagnostics: diags}
	}
	if d := c.sendProfile(ctx, addr, config, pv); d != nil {
		return providers.ApplyResponse{NewState: state, Diagnostics: append(diags, *d)}
	}
	state = withAttrs(state, map[string]cty.Value{
		attrBasicProfile:    wantProfile,
		attrEmailRegistered: cty.True,
	})
	return providers.ApplyResponse{NewState: state, Diagnostics: diags}
}

// sendProfile is POST /auth then POST /update-basic-profile; the JWT lives
// for these two requests only.
func (c *config) sendProfile(ctx context.Context, addr string, config, pv cty.Value) *providers.Diagnostic {
	var img *image
	if path, ok := str(pv, attrProfileImg); ok {
		var diags providers.Diagnostics
		if img, diags = c.readImage(path); diags.HasErrors() {
			return &diags[0]
		}
	}
	kind, body := registrationOf(config)
	jwt, err := c.client.login(ctx, body.Username, body.Password)
	if err != nil {
		d := loginDiagnostic(addr, c.client.shownURL(pathAuth), kind, body.Username, err)
		return &d
	}
	if err := c.client.updateProfile(ctx, jwt, profileOf(pv), img); err != nil {
		d := profileDiagnostic(addr, c.client.shownURL(pathProfile), err)
		return &d
	}
	return nil
}
