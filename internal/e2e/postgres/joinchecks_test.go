package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// apply -join checks what only apply can decide, as apply does: a
// postcondition left to apply that fails is an error (exit 1), and a
// check block's assertion that fails with the applied values a warning.
// The worker that closes the batch reports them, once.
func TestJoinRunsApplyTimeChecks(t *testing.T) {
	schema := pgtest.Schema(t)
	url := sandbox(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"backend.hcl": fmt.Sprintf("daftar {\n  backend \"postgres\" {\n    schema_name = %q\n  }\n}\n", schema),
		"main.hcl": fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%s/usapi"
  basic_auth = "sandbox-usapi-key"
}
resource "usapi_account" "p" {
  for_each     = toset(["u0001", "u0002"])
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = "Person"
  last_name    = each.key
  email        = "${each.key}@example.id"
  phone_number = each.key == "u0001" ? "6281300000001" : "6281300000002"
  registration = "internal"
  lifecycle {
    postcondition {
      condition     = self.registered_at == "never"
      error_message = "registered_at is not never."
    }
  }
}
check "accounts_registered" {
  assert {
    condition     = alltrue([for a in usapi_account.p : a.registered_at == "never"])
    error_message = "some account has a registration time."
  }
}
`, url),
	})
	must(t, 0, dir, "plan", "-out=batch.plan")
	r := daftar(t, dir, "apply", "-join", "batch.plan")
	out := r.stdout + r.stderr
	if r.code != 1 || strings.Count(out, "Error: Resource postcondition failed") != 1 || !strings.Contains(out, "registered_at is not never.") ||
		strings.Count(out, "Warning: Check block accounts_registered assertion failed") != 1 || !strings.Contains(out, "some account has a registration time.") {
		t.Fatalf("want exit 1 with the postcondition error and the check warning, once each:\n%s", r)
	}
}
