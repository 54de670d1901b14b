package e2e

import (
	"strings"
	"testing"
)

// TestKeylessReplaceOfABatchReplacesNothing: as in Terraform, -replace of
// a resource with for_each, without a key, names no instance: it warns,
// lists the instance addresses that would, and replaces nothing (a
// verification's replacement spends a token, and the user most likely
// meant one row). A -replace naming no resource at all warns as -target's
// does; one that names an instance still replaces it.
func TestKeylessReplaceOfABatchReplacesNothing(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")

	r := must(t, 0, dir, "plan", "-detailed-exitcode", "-replace=proofylink_verification.check")
	contains(t, r, "Warning: Incompletely-matched force-replace resource instance",
		"Your force-replace request for proofylink_verification.check doesn't match any resource instances", "because it lacks an instance key.",
		"To force replacement of particular instances, use one or more of the following options instead:",
		`-replace="proofylink_verification.check[\"ani\"]"`, "No changes.")
	r = must(t, 0, dir, "apply", "-auto-approve", "-replace=proofylink_verification.check")
	contains(t, r, "Incompletely-matched force-replace resource instance", "Resources: 0 added, 0 changed, 0 replaced")

	r = must(t, 0, dir, "plan", "-replace=proofylink_verifcation.check")
	contains(t, r, "Warning: Replace matches nothing", "-replace=proofylink_verifcation.check names no resource",
		`Did you mean "proofylink_verification.check"?`, "No changes.")

	r = must(t, 2, dir, "plan", "-detailed-exitcode", `-replace=proofylink_verification.check["ani"]`)
	contains(t, r, `proofylink_verification.check["ani"] must be replaced`, "(requested with -replace)", "0 to add, 0 to change, 1 to replace")
	if strings.Contains(r.stdout+r.stderr, "force-replace") || strings.Contains(r.stdout+r.stderr, "matches nothing") {
		t.Errorf("an instance address warns:\n%s", r)
	}
}
