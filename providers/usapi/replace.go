package usapi

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// uniqueInputs are the inputs USAPI holds unique across accounts, with
// the message its register endpoint answers when one is taken.
var uniqueInputs = []struct{ name, message string }{
	{attrUsername, "Username already exist"},
	{attrEmail, "Email already exist"},
	{attrPhoneNumber, "Phone number already exist"},
}

// stillTaken reports, for a create that replaces the account old, each
// unique input the new account would share with it: USAPI has no delete,
// so the old account keeps its username, e-mail and phone number, and the
// register request could only fail.
func stillTaken(addr string, old, config cty.Value) providers.Diagnostics {
	if old == cty.NilVal || old.IsNull() || !old.IsKnown() {
		return nil
	}
	var diags providers.Diagnostics
	username := strOr(old, attrUsername, "")
	for _, u := range uniqueInputs {
		w, was := config.GetAttr(u.name), old.GetAttr(u.name)
		if !w.IsKnown() || !present(was) || !w.RawEquals(was) {
			continue
		}
		diags = append(diags, providers.Diagnostic{
			Severity: providers.Error, Summary: "Replacement can only fail: " + u.name + " is still taken",
			Detail: fmt.Sprintf("Replacing %s registers a new account, but USAPI has no endpoint to delete the account %q, which keeps its %s: a new account with the same %s is refused (%q). "+
				"Give the new account another %s; or, to keep the account and only change what daftar calls it, use a moved block or daftar state mv; "+
				"to adopt another existing account, daftar state rm %s then daftar import %s USERNAME; to stop managing it, daftar state rm %s.",
				addr, username, u.name, u.name, u.message, u.name, addr, addr, addr),
			Path: attrPath(u.name),
		})
	}
	return diags
}
