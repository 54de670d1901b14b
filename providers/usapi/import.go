package usapi

import (
	"context"
	"net/http"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// importAccount adopts an existing account by its username. USAPI has no
// read of an account, so the configuration supplies its inputs and daftar
// checks them as far as it can: the username and password must log in
// (POST /auth) and the e-mail must be registered (POST /check/email). The
// basic profile is left null in the state, so the next plan sets it.
func (p *Provider) importAccount(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	null := cty.NullVal(accountTy)
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.ImportResponse{NewState: null, Diagnostics: diags}
	}
	config, _ := req.Config.UnmarkDeep()
	if d := importConfigProblem(req.Addr, req.ID, config); d != nil {
		return providers.ImportResponse{NewState: null, Diagnostics: append(diags, *d)}
	}
	if d := c.checkImport(httpx.WithResource(ctx, req.Addr), req.Addr, config); d != nil {
		return providers.ImportResponse{NewState: null, Diagnostics: append(diags, *d)}
	}
	state, diags := p.adoptedState(c, config, cty.NullVal(cty.String))
	return providers.ImportResponse{NewState: state, Diagnostics: diags}
}

// importConfigProblem: an import needs the resource's wholly known
// configuration, whose username is the id.
func importConfigProblem(addr, id string, config cty.Value) *providers.Diagnostic {
	if !config.IsWhollyKnown() || config.IsNull() {
		d := diag(nil, "Configuration needed", "Importing %s needs its resource block in the configuration, with username, password and email known before apply: USAPI has no read of an account, so daftar checks the account by logging in with the configured password.", addr)
		return &d
	}
	if username, _ := str(config, attrUsername); username != id {
		d := diag(attrPath(attrUsername), "Username differs from the import id", "%s is configured with username %q but the import asks for %q: an account's id is its username. Make them the same.", addr, username, id)
		return &d
	}
	return nil
}

// checkImport logs in and checks the e-mail.
func (c *config) checkImport(ctx context.Context, addr string, config cty.Value) *providers.Diagnostic {
	_, body := registrationOf(config)
	if _, err := c.client.login(ctx, body.Username, body.Password); err != nil {
		return importLoginDiagnostic(addr, body.Username, err)
	}
	registered, err := c.client.emailRegistered(ctx, body.Email)
	if err != nil {
		d := checkDiagnostic(addr, "checking the account's e-mail", err)
		return &d
	}
	if !registered {
		d := diag(attrPath(attrEmail), "E-mail not registered", "%s: account %q logged in, but USAPI does not know e-mail %q: the account was registered with another e-mail. Set email to the account's own e-mail (USAPI cannot change it).", addr, body.Username, body.Email)
		return &d
	}
	return nil
}

func importLoginDiagnostic(addr, username string, err error) *providers.Diagnostic {
	switch statusOf(err) {
	case http.StatusUnauthorized, http.StatusBadRequest, http.StatusForbidden:
		d := diag(attrPath(attrPassword), "Login refused", "%s: %v. daftar imports only an account it can log in to: check that username %q exists at this endpoint and that password is its current password.", addr, err, username)
		return &d
	}
	d := diag(nil, "Login failed", "%s: %v. Try the import again once USAPI answers.", addr, err)
	return &d
}
