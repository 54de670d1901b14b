package usapi

import (
	"context"
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// planAccount proposes an account's state. A new username is a new
// account (a replace: the old one stays at USAPI); a changed basic_profile
// is updated in place; any other change is impossible and reported.
func (p *Provider) planAccount(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	c, diags := p.configured()
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Config, Diagnostics: diags}
	}
	config, prior := plain(req.Config), plain(req.Prior)
	switch {
	case prior.IsNull():
		planned, diags := c.desiredWith(config, createdAttrs(config))
		diags = append(diags, stillTaken(req.Addr, plain(req.Replacing), config)...)
		return providers.PlanResponse{Planned: planned, Reason: existingAccountReason, Diagnostics: diags}
	case usernameChanges(prior, config):
		planned, diags := c.desiredWith(config, createdAttrs(config))
		return providers.PlanResponse{Planned: planned, RequiresReplace: []cty.Path{attrPath(attrUsername)}, Diagnostics: diags}
	}
	// The account stays: its computed attributes come from the prior, set
	// with the inputs in one object (a batch plans this once per account).
	planned, diags := c.desiredWith(config, map[string]cty.Value{
		attrRegisteredAt: prior.GetAttr(attrRegisteredAt), attrEmailRegistered: prior.GetAttr(attrEmailRegistered),
	})
	planned = keepIgnored(planned, prior, req.Ignored)
	diags = append(diags, immutableChanges(req.Addr, prior, planned)...)
	diags = append(diags, profileRemoval(prior, planned)...)
	return providers.PlanResponse{Planned: planned, Diagnostics: diags}
}

// existingAccountReason says what a create does when USAPI already holds
// the account, which a plan does not ask (a /check/email per create would
// double a batch's requests): USAPI refuses the registration, nothing is
// created, and the apply's error says to import the account.
const existingAccountReason = "an account USAPI already has is refused, not registered again: daftar import adopts it"

// createdAttrs are the computed attributes of an account to create, set
// with the inputs in one object (a batch plans 100,000 creates):
// registered_at is known after apply; so is email_registered, except for
// an internal registration, which USAPI knows at once.
func createdAttrs(config cty.Value) map[string]cty.Value {
	return createdFor(getAttr(config, attrRegistration))
}

// createdFor is createdAttrs of a configuration whose registration is
// kind.
func createdFor(kind cty.Value) map[string]cty.Value {
	registeredAt, emailRegistered := createdValues(kind)
	return map[string]cty.Value{attrRegisteredAt: registeredAt, attrEmailRegistered: emailRegistered}
}

// createdValues are createdFor's registered_at and email_registered.
func createdValues(kind cty.Value) (registeredAt, emailRegistered cty.Value) {
	emailRegistered = cty.UnknownVal(cty.Bool)
	if kind.IsKnown() && !kind.IsNull() && kind.Type() == cty.String && kind.AsString() == registrationInternal { // null is the default, signup
		emailRegistered = cty.True
	}
	return cty.UnknownVal(cty.String), emailRegistered
}

// usernameChanges: a username not yet known may differ, so it plans a
// replace, as a Terraform user expects.
func usernameChanges(prior, want cty.Value) bool {
	w := want.GetAttr(attrUsername)
	return !w.IsKnown() || !w.RawEquals(prior.GetAttr(attrUsername))
}

// fixedInputs are the inputs no USAPI endpoint can change: derived from
// the schema, every top-level input but those that force a new account
// (username). Only the basic_profile block is updated in place, so an
// input added to the schema is fixed unless said otherwise here.
var fixedInputs = func() []string {
	b := accountBlock()
	var names []string
	for _, name := range b.InputNames() {
		if a := b.Attributes[name]; a != nil && !a.RequiresReplace {
			names = append(names, name)
		}
	}
	return names
}()

// immutableChanges reports each fixed input whose known planned value
// differs from the prior one.
func immutableChanges(addr string, prior, want cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	for _, name := range fixedInputs {
		w, old := want.GetAttr(name), prior.GetAttr(name)
		if !w.IsKnown() || w.RawEquals(old) {
			continue
		}
		diags = append(diags, providers.Diagnostic{
			Severity: providers.Error, Summary: "USAPI cannot change " + name,
			Detail: fixedDetail(addr, name, old, strOr(prior, attrUsername, "")),
			Path:   attrPath(name),
		})
	}
	return diags
}

func fixedDetail(addr, name string, old cty.Value, username string) string {
	if name == attrPassword {
		return fmt.Sprintf("USAPI has no endpoint to change a password, and %s's password differs from the one account %q was registered with. "+
			"Set it back; or, if the password was changed outside daftar, run `daftar state rm %s` then `daftar import %s %s` to adopt the account with its new password. "+
			"Changing username too registers a new account instead (the old one stays at USAPI and daftar forgets it).", addr, username, addr, addr, username)
	}
	return fmt.Sprintf("USAPI has no endpoint to change an account's %s, so %s cannot go from %s to the configured value. "+
		"Set it back to %s; or change username too, which registers a new account with the new value (the old account %q stays at USAPI and daftar forgets it).",
		name, addr, shown(old), shown(old), username)
}

// shown renders a prior value in a message (never used for the password).
func shown(v cty.Value) string {
	if !present(v) {
		return "null (unset)"
	}
	return fmt.Sprintf("%q", v.AsString())
}

// profileRemoval warns that removing basic_profile changes nothing at
// USAPI: no endpoint clears a profile.
func profileRemoval(prior, want cty.Value) providers.Diagnostics {
	w := want.GetAttr(attrBasicProfile)
	if !w.IsKnown() || !w.IsNull() || prior.GetAttr(attrBasicProfile).IsNull() {
		return nil
	}
	var diags providers.Diagnostics
	return diags.Warnf(attrPath(attrBasicProfile), "Basic profile stays at USAPI",
		"USAPI has no endpoint to clear a basic profile: the account keeps the one it has, and daftar stops managing it. Keep the block to keep managing it.")
}

// notAResource is the diagnostic for a resource method called with a type
// that is not a resource of this provider.
func notAResource(typ string) providers.Diagnostics {
	if typ == emailType {
		var diags providers.Diagnostics
		return diags.Errorf(nil, "Not a resource", "%s is a data source of provider usapi; declare it with a data block.", emailType)
	}
	return unknownType(typ)
}
