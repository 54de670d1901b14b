package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestErroredPlanSpendsNothing: a plan that fails in its walk (an account
// USAPI cannot change) is not applied, so it neither reads the Proofylink
// balance nor says it spends tokens: its dependents, whose account's value
// is unknown, would each count as a replace.
func TestErroredPlanSpendsNothing(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	main := filepath.Join(dir, "main.hcl")
	// The balance cannot be read: a plan that counted a spend would warn.
	editFile(t, main, "  endpoint   = \"sandbox\"\n  token", "  endpoint   = \"http://127.0.0.1:1/\"\n  token")
	editFile(t, main, `last_name     = "Lestari"`, `last_name     = "Lestari-Putri"`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "USAPI cannot change last_name")
	if out := r.stdout + r.stderr; strings.Contains(out, "spends") || strings.Contains(out, "Balance not known") {
		t.Errorf("an errored plan counts a spend:\n%s", r)
	}
}
