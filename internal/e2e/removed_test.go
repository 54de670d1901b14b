package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRemovedBlock: a removed block with lifecycle { destroy = false }
// forgets an applied account as taking its block out does: the plan
// shows the forget, apply sends nothing and the account stays at USAPI;
// the block left in place is then silent. Without destroy = false the
// plan fails before any request.
func TestRemovedBlock(t *testing.T) {
	sb := startSandbox(t)
	dir := t.TempDir()
	main := filepath.Join(dir, "main.hcl")
	provider := `provider "usapi" {
  endpoint   = "` + sb.URL() + `/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}
`
	write(t, main, provider+`
resource "usapi_account" "old" {
  username     = "ani"
  password     = "Batch-Onboarding-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani@example.id"
  phone_number = "6281234567801"
  registration = "internal"
}
`)
	must(t, 0, dir, "apply", "-auto-approve")

	write(t, main, provider+`
removed {
  from = usapi_account.old
}
`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "daftar cannot destroy removed records", "main.hcl:7")

	editFile(t, main, "  from = usapi_account.old\n", "  from = usapi_account.old\n  lifecycle {\n    destroy = false\n  }\n")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "usapi_account.old will be forgotten", "Plan: 0 to add, 0 to change, 0 to replace, 1 to forget.")
	before := sb.Records().Requests.Total
	r = must(t, 0, dir, "apply", "-auto-approve", "-refresh=false")
	contains(t, r, "Apply complete! Resources: 0 added, 0 changed, 0 replaced, 1 forgotten.")
	if sent := sb.Records().Requests.Total - before; sent != 0 {
		t.Errorf("apply of a forget sent %d requests", sent)
	}
	if r = must(t, 0, dir, "state", "list"); strings.TrimSpace(r.stdout) != "" {
		t.Errorf("state after the forget: %q", r.stdout)
	}
	if accounts := sb.Records().Accounts; len(accounts) != 1 || accounts[0].Username != "ani" {
		t.Errorf("USAPI's accounts after the forget: %+v", accounts)
	}
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
}
