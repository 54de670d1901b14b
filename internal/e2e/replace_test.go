package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImpossibleReplacementRefused: USAPI has no delete and usernames,
// e-mails and phone numbers are unique, so a replacement that reuses one
// can only fail. The plan refuses it with the attribute's line and says
// what would work, before any request.
func TestImpossibleReplacementRefused(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")

	r := must(t, 1, dir, "plan", `-replace=usapi_account.hire["ani"]`)
	contains(t, r, "Replacement can only fail: username is still taken", "main.hcl:67",
		"Replacement can only fail: email is still taken", "main.hcl:71",
		"Replacement can only fail: phone_number is still taken", "main.hcl:72",
		"moved block", "daftar import", "daftar state rm")

	// A new username with the old e-mail and phone number.
	editFile(t, filepath.Join(dir, "main.hcl"), "username     = each.key", `username     = "${each.key}2"`)
	r = must(t, 1, dir, "plan")
	contains(t, r, "Replacement can only fail: email is still taken", "main.hcl:71",
		"Replacement can only fail: phone_number is still taken")
	if containsText(r, "Replacement can only fail: username") {
		t.Errorf("the new username is not taken:\n%s", r)
	}
}

func containsText(r result, s string) bool {
	return strings.Contains(r.stdout+r.stderr, s)
}
