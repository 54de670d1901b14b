package usapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// resolveAccount decides what became of an interrupted registration: if
// USAPI knows the e-mail and the configured username and password log in,
// the account is adopted; if it knows the e-mail but the login fails, the
// e-mail may be someone else's, and the outcome is left undecided; if it
// does not know the e-mail, nothing was registered.
func (p *Provider) resolveAccount(ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.ResolveResponse{Resolution: providers.Undecided, Diagnostics: diags}
	}
	ctx = httpx.WithResource(ctx, req.Addr)
	config, _ := req.Config.UnmarkDeep()
	username, email := strOr(config, attrUsername, ""), strOr(config, attrEmail, "")
	registered, err := c.client.emailRegistered(ctx, email)
	if err != nil {
		return undecided(fmt.Sprintf("could not check e-mail %q for account %q", email, username), checkDiagnostic(req.Addr, "resolving an interrupted registration", err))
	}
	if !registered {
		return providers.ResolveResponse{Resolution: providers.NotCreated,
			Message: fmt.Sprintf("USAPI does not know e-mail %q: the interrupted registration of account %q did not happen", email, username)}
	}
	if resp, mine := claimable(req, username); !mine {
		return resp
	}
	return p.adopt(ctx, c, req.Addr, config)
}

// claimable refuses to adopt an account whose username (its id) another
// address of the state holds, or that the create replaces: USAPI keeps
// usernames unique, so a registration of that username cannot have
// succeeded, and the account that would log in is not this create's.
func claimable(req providers.ResolveRequest, username string) (providers.ResolveResponse, bool) {
	if req.Replacing != cty.NilVal && !req.Replacing.IsNull() && strOr(plain(req.Replacing), attrUsername, "") == username {
		return providers.ResolveResponse{Resolution: providers.NotCreated,
			Message: fmt.Sprintf("account %q is the account being replaced, and USAPI keeps usernames unique: the interrupted registration of a new account %q did not happen", username, username)}, false
	}
	if req.HeldBy == nil {
		return providers.ResolveResponse{}, true
	}
	if holder := req.HeldBy(username); holder != "" {
		return undecided(fmt.Sprintf("account %q is registered at USAPI, but it is %s's in the state, not %s's: daftar will not adopt it twice. "+
			"If the account belongs here, run `daftar state rm %s`, then `daftar import %s %s`; otherwise change username and email and apply with -replace=%s",
			username, holder, req.Addr, holder, req.Addr, username, req.Addr)), false
	}
	return providers.ResolveResponse{}, true
}

// adopt logs in with the configured credentials to tell our account from
// someone else's with the same e-mail.
func (p *Provider) adopt(ctx context.Context, c *config, addr string, config cty.Value) providers.ResolveResponse {
	_, body := registrationOf(config)
	_, err := c.client.login(ctx, body.Username, body.Password)
	switch status := statusOf(err); {
	case err == nil:
	case status == http.StatusUnauthorized || status == http.StatusBadRequest || status == http.StatusForbidden:
		return undecided(fmt.Sprintf("e-mail %q is registered at USAPI, but account %q cannot log in with the configured password: the e-mail may belong to another account. "+
			"daftar will not register again: check the account, then adopt it with `daftar import %s %s` if it is yours, or change email and apply with -replace=%s", body.Email, body.Username, addr, body.Username, addr))
	default:
		return undecided(fmt.Sprintf("could not log in as %q", body.Username), checkDiagnostic(addr, "logging in to resolve an interrupted registration", err))
	}
	state, diags := p.adoptedState(c, config, cty.StringVal(p.now().UTC().Format(time.RFC3339)))
	return providers.ResolveResponse{Resolution: providers.Adopted, NewState: state, Diagnostics: diags,
		Message: fmt.Sprintf("adopted account %s created by an interrupted apply", body.Username)}
}

// adoptedState is the state of an account found at USAPI: the
// configuration's inputs, with basic_profile null so that the next plan
// sets the profile (the interrupted apply may not have reached it).
func (p *Provider) adoptedState(c *config, config, registeredAt cty.Value) (cty.Value, providers.Diagnostics) {
	want, diags := c.desired(config)
	state := withComputed(want, registeredAt, cty.True)
	return withAttrs(state, map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)}), diags
}

func undecided(message string, diags ...providers.Diagnostic) providers.ResolveResponse {
	return providers.ResolveResponse{Resolution: providers.Undecided, Message: message, Diagnostics: diags}
}
