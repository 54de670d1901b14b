package usapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
// someone else's with the same e-mail, then checks that the account that
// logged in is this person's: with a batch-wide initial password, a
// pre-existing account of another person with the same username logs in
// too. USAPI has no read of an account; its login token's payload is the
// only place that shows the account's e-mail, names and phone number, and
// every one it shows must match the configuration. Without an e-mail in
// the token the account cannot be confirmed, and the outcome is left
// undecided.
func (p *Provider) adopt(ctx context.Context, c *config, addr string, config cty.Value) providers.ResolveResponse {
	_, body := registrationOf(config)
	jwt, err := c.client.login(ctx, body.Username, body.Password)
	switch status := statusOf(err); {
	case err == nil:
	case status == http.StatusUnauthorized || status == http.StatusBadRequest || status == http.StatusForbidden:
		return undecided(fmt.Sprintf("e-mail %q is registered at USAPI, but account %q cannot log in with the configured password: the e-mail may belong to another account. "+
			"daftar will not register again: check the account, then adopt it with `daftar import %s %s` if it is yours, or change email and apply with -replace=%s", body.Email, body.Username, addr, body.Username, addr))
	default:
		return undecided(fmt.Sprintf("could not log in as %q", body.Username), checkDiagnostic(addr, "logging in to resolve an interrupted registration", err))
	}
	if why := notConfirmed(tokenIdentityOf(jwt), body); why != "" {
		return undecided(fmt.Sprintf("account %q logs in with the configured password, but %s: it may be another person's account with the same username and initial password, so daftar will not adopt it. "+
			"Check the account at USAPI: if it is this person's, adopt it with `daftar import %s %s`; otherwise change username and apply with -replace=%s", body.Username, why, addr, body.Username, addr))
	}
	state, diags := p.adoptedState(c, config, cty.StringVal(p.now().UTC().Format(time.RFC3339)))
	return providers.ResolveResponse{Resolution: providers.Adopted, NewState: state, Diagnostics: diags,
		Message: fmt.Sprintf("adopted account %s created by an interrupted apply", body.Username)}
}

// tokenIdentity is what a login token's payload shows of the account; a
// nil field is one the token does not show.
type tokenIdentity struct {
	Username    *string         `json:"username"`
	Email       *string         `json:"email"`
	FirstName   *string         `json:"first_name"`
	LastName    *string         `json:"last_name"`
	PhoneNumber json.RawMessage `json:"phone_number"`
}

// tokenIdentityOf decodes a JWT's payload without checking its signature
// (only USAPI holds the key; the token came from USAPI over the
// connection just used). An unreadable payload shows nothing.
func tokenIdentityOf(jwt string) tokenIdentity {
	var id tokenIdentity
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return id
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(payload, &id) != nil {
		return tokenIdentity{}
	}
	return id
}

// notConfirmed says why the token does not confirm the account is the
// configured person's, "" when it does. The other account's own values
// are never quoted: they are another person's data.
func notConfirmed(id tokenIdentity, want registration) string {
	switch {
	case id.Email == nil || *id.Email == "":
		return "USAPI's login does not show the account's e-mail, so daftar cannot confirm it is this person's"
	case !strings.EqualFold(strings.TrimSpace(*id.Email), strings.TrimSpace(want.Email)):
		return "USAPI shows another e-mail for it than the configured " + strconv.Quote(want.Email)
	case id.Username != nil && *id.Username != want.Username:
		return "USAPI's login shows another username for it"
	case id.FirstName != nil && *id.FirstName != want.FirstName, id.LastName != nil && *id.LastName != want.LastName:
		return "USAPI shows another name for it than the configured first_name and last_name"
	}
	if len(id.PhoneNumber) == 0 {
		return ""
	}
	var phone *string
	if json.Unmarshal(id.PhoneNumber, &phone) != nil {
		return "USAPI's login shows a phone number daftar cannot read"
	}
	shown := ""
	if phone != nil {
		shown = *phone
	}
	if digits(shown) != digits(want.PhoneNumber) {
		return "USAPI shows another phone number for it than the configured phone_number"
	}
	return ""
}

// digits answers a phone number's digits without the country code 62 or
// the trunk prefix 0.
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if rest, ok := strings.CutPrefix(d, "62"); ok {
		return rest
	}
	return strings.TrimPrefix(d, "0")
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
