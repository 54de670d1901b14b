package usapi

import (
	"context"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// confirmWindow is how long a signup may wait for its owner's
// confirmation: the longer of the two expiries the signup answer gives
// (exp, 30 minutes after issue in the example; exp_otp, 18000 s).
const confirmWindow = 18000 * time.Second

// readAccount refreshes an account with POST /check/email, the only read
// USAPI offers. An account already seen registered (email_registered true)
// cannot become unregistered in normal operation (USAPI deletes no
// account), so it is answered from the prior with no request unless the
// read is Full (-refresh-only): one request per account per plan would
// make the nightly plan of a 100,000-account batch take hours at the rate
// limit. Otherwise:
//   - registered (409): the account is kept, email_registered true;
//   - not registered (200), for a signup never seen registered and still
//     within the confirmation window: kept, email_registered false, with a
//     warning (its owner has not confirmed yet; registering again would
//     only send a new OTP or link);
//   - not registered, for an account seen registered: kept unchanged, with
//     a warning (the answer contradicts what USAPI said; registering again
//     is the user's decision, by daftar state rm);
//   - not registered otherwise (a signup never confirmed within the
//     window): gone (null), so the plan registers it again.
func (p *Provider) readAccount(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	c, diags := p.configured()
	prior := plain(req.Prior)
	if diags.HasErrors() || prior.IsNull() {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: diags}
	}
	if !req.Full && p.Settled(req.Type, prior) {
		return providers.ReadResponse{NewState: req.Prior}
	}
	email := strOr(prior, attrEmail, "")
	registered, err := c.client.emailRegistered(httpx.WithResource(ctx, req.Addr), email)
	if err != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: append(diags, checkDiagnostic(req.Addr, "refreshing the account", err))}
	}
	if registered {
		if seen := getAttr(prior, attrEmailRegistered); present(seen) && seen.True() {
			// As recorded: the prior itself, not a copy of it (a
			// refresh-only plan of 100,000 accounts built 100,000 copies).
			return providers.ReadResponse{NewState: prior}
		}
		return providers.ReadResponse{NewState: withAttrs(prior, map[string]cty.Value{attrEmailRegistered: cty.True})}
	}
	return p.notRegistered(req.Addr, prior)
}

// Settled implements providers.Settler: an account seen registered is not
// read again by a plain refresh (at 100,000 accounts and 10 requests a
// second, a nightly refresh of all would take hours); -refresh-only reads
// it.
func (p *Provider) Settled(typ string, state cty.Value) bool {
	confirmed := getAttr(plain(state), attrEmailRegistered)
	return typ == accountType && present(confirmed) && confirmed.Type() == cty.Bool && confirmed.True()
}

// notRegistered decides between "awaiting confirmation" and "gone".
func (p *Provider) notRegistered(addr string, prior cty.Value) providers.ReadResponse {
	var diags providers.Diagnostics
	username, email := strOr(prior, attrUsername, ""), strOr(prior, attrEmail, "")
	if until, ok := p.awaitingConfirmation(prior); ok {
		diags = diags.Warnf(nil, "Account awaiting confirmation",
			"%s: USAPI does not know e-mail %q yet: account %q was signed up and its owner has not confirmed it (OTP by SMS, or the link sent by e-mail). daftar keeps it until %s; if it is still unconfirmed then, the next plan registers it again, which sends a new OTP or link.",
			addr, email, username, until.Format(time.RFC3339))
		return providers.ReadResponse{NewState: withAttrs(prior, map[string]cty.Value{attrEmailRegistered: cty.False}), Diagnostics: diags}
	}
	if seen := getAttr(prior, attrEmailRegistered); present(seen) && seen.True() {
		// USAPI said the account exists: an answer that contradicts it (a
		// deleted account, a changed e-mail, another USAPI behind the
		// endpoint, a fault of the check) never makes daftar register it a
		// second time on its own. The record stays as it was, so that the
		// next -refresh-only checks again.
		diags = diags.Warnf(nil, "Account not found at USAPI",
			"%s: USAPI's POST /check/email says e-mail %q is not registered, but USAPI was seen to know account %q: daftar keeps it in the state and will not register it again on its own. "+
				"If the account was deleted at USAPI, run `daftar state rm %s`, then apply to register it again; if the endpoint now points at another USAPI, point it back.",
			addr, email, username, addr)
		return providers.ReadResponse{NewState: prior, Diagnostics: diags}
	}
	diags = diags.Warnf(nil, "Account not found at USAPI",
		"%s: USAPI's POST /check/email says e-mail %q is not registered, and USAPI was never seen to know account %q: its signup was never confirmed. The plan registers it again, which sends a new OTP or link.",
		addr, email, username)
	return providers.ReadResponse{NewState: cty.NullVal(accountTy), Diagnostics: diags}
}

// awaitingConfirmation: a signup that USAPI has never been seen to know,
// registered less than confirmWindow ago. It answers when the window ends.
func (p *Provider) awaitingConfirmation(prior cty.Value) (time.Time, bool) {
	kind, _ := str(prior, attrRegistration)
	seen := getAttr(prior, attrEmailRegistered)
	if kind != registrationSignup || (present(seen) && seen.True()) {
		return time.Time{}, false
	}
	at, ok := str(prior, attrRegisteredAt)
	registeredAt, err := time.Parse(time.RFC3339, at)
	if !ok || err != nil {
		return time.Time{}, false
	}
	until := registeredAt.Add(confirmWindow)
	return until, p.now().Before(until)
}
