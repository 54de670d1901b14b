package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputOnlyChangeIsAChange: a new output is a change for
// -detailed-exitcode (exit 2), not "No changes.".
func TestOutputOnlyChangeIsAChange(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "plan", "-detailed-exitcode")
	write(t, filepath.Join(dir, "extra.hcl"), "output \"greeting\" {\n  value = \"halo\"\n}\n")
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `greeting = "halo"`)
	if strings.Contains(r.stdout, "No changes.") {
		t.Errorf("an output-only change reads as no change:\n%s", r)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "plan", "-detailed-exitcode")
}

// TestSavedPlanHintNamesVarFiles: the hint after plan -out gives the
// -var-file flags apply needs again, and -var by name only.
func TestSavedPlanHintNamesVarFiles(t *testing.T) {
	dir := example(t, "quickstart")
	write(t, filepath.Join(dir, "team.json"), `{"initial_password": "Rahasia-Sekali-2026"}`)
	r := must(t, 0, dir, "plan", "-var-file=team.json", "-var", "usapi_key=sandbox-usapi-key", "-out=p.plan")
	contains(t, r, "run: daftar apply -var-file=team.json -var 'usapi_key=...' p.plan")
	if strings.Contains(r.stdout, "sandbox-usapi-key") {
		t.Errorf("the hint shows a -var value:\n%s", r)
	}
	must(t, 0, dir, "apply", "-var-file=team.json", "-var", "usapi_key=sandbox-usapi-key", "p.plan")
}
