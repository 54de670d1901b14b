package e2e

import (
	"strings"
	"testing"
)

// TestTargetThatMatchesNothingWarns: a -target naming no resource of the
// configuration or the state plans nothing, as in Terraform, but says so
// with a warning and the closest address; one that names a resource only
// the state holds (to forget it) is no warning.
func TestTargetThatMatchesNothingWarns(t *testing.T) {
	dir := t.TempDir()
	provider := `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}
`
	writeConfig(t, dir, "main.hcl", provider+`
resource "usapi_account" "ani" {
  username     = "target-ani"
  password     = "Kartu-Prakerja-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "target-ani@example.id"
  phone_number = "6281234509001"
  registration = "internal"
}
`)
	r := must(t, 0, dir, "plan", "-target=usapi_acount.ani")
	contains(t, r, "Warning: Target matches nothing", "-target=usapi_acount.ani names no resource", `Did you mean "usapi_account.ani"?`, "No changes.")
	r = must(t, 0, dir, "plan", "-target=module.hire")
	contains(t, r, "Warning: Target matches nothing", "-target=module.hire names no resource")

	for _, args := range [][]string{{"plan", "-target=usapi_account.ani"}, {"apply", "-auto-approve", "-target=usapi_account.ani"}} {
		if r := must(t, 0, dir, args...); strings.Contains(r.stdout+r.stderr, "matches nothing") {
			t.Errorf("daftar %s: a target of a declared resource warns:\n%s", strings.Join(args, " "), r)
		}
	}
	writeConfig(t, dir, "main.hcl", provider)
	r = must(t, 0, dir, "plan", "-target=usapi_account.ani")
	contains(t, r, "usapi_account.ani will be forgotten")
	if strings.Contains(r.stdout+r.stderr, "matches nothing") {
		t.Errorf("a target of a resource the state holds warns:\n%s", r)
	}
}
