package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryExampleValidates(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(repoRoot(), "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := example(t, e.Name())
			r := must(t, 0, dir, "validate")
			contains(t, r, "Success! The configuration is valid.")
			must(t, 0, dir, "fmt", "-check")
		})
	}
}

func TestQuickstart(t *testing.T) {
	dir := example(t, "quickstart")
	r := must(t, 0, dir, "plan")
	if got := lastLine(r); got != "Plan: 4 to add, 0 to change, 0 to replace, 0 to forget." {
		t.Fatalf("plan summary %q\n%s", got, r)
	}
	contains(t, r, "This plan spends 2 Proofylink tokens; the balance is 1000.", "(sensitive value)", "(known after apply)")

	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 4 added, 0 changed, 0 replaced, 0 forgotten.", "completed")

	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	if !strings.HasPrefix(lastLine(r), "No changes.") {
		t.Fatalf("second plan is not empty:\n%s", r)
	}
	assertPrivate(t, filepath.Join(dir, "daftar.state.json"))

	// One input changed: exactly that change, and what it costs.
	editFile(t, filepath.Join(dir, "main.hcl"), "verification_type_id = 1", "verification_type_id = 3")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	if got := lastLine(r); got != "Plan: 0 to add, 0 to change, 2 to replace, 0 to forget." {
		t.Fatalf("plan after the edit %q\n%s", got, r)
	}
	contains(t, r, "This plan spends 2 Proofylink tokens; the balance is 998.", "# forces replacement")

	r = must(t, 0, dir, "state", "list")
	want := []string{`proofylink_verification.check["ani"]`, `proofylink_verification.check["budi"]`, `usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`}
	if got := strings.Fields(r.stdout); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("state list = %v, want %v", got, want)
	}
}

func TestBatchFromCSV(t *testing.T) {
	dir := example(t, "batch")
	must(t, 0, dir, "apply", "-auto-approve")
	// The example's output tokens_left_before_apply reads the balance, which
	// the apply lowered: an output-only change, which -detailed-exitcode
	// reports (exit 2), with no resource change.
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	if !strings.HasPrefix(lastLine(r), "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.") {
		t.Fatalf("second plan changes resources:\n%s", r)
	}
	f, err := os.OpenFile(filepath.Join(dir, "people.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("tono,Tono,Hartono,tono.hartono@example.id,6281311110006,3273010101800006,ktp/p1.jpg\n")
	f.Close()
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	if got := lastLine(r); got != "Plan: 2 to add, 0 to change, 0 to replace, 0 to forget." {
		t.Fatalf("plan after adding a row %q\n%s", got, r)
	}
	contains(t, r, `usapi_account.person["tono"] will be created`, `proofylink_verification.person["tono"] will be created`,
		"This plan spends 1 Proofylink tokens")
}

func TestPrakerjaOnboarding(t *testing.T) {
	dir := example(t, "prakerja-onboarding")
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 2 added")
	must(t, 0, dir, "plan", "-detailed-exitcode")

	// One participant leaves the programme: exactly their account is
	// forgotten, and its remote record stays.
	editFile(t, filepath.Join(dir, "main.hcl"), `toset(["citra", "eko"])`, `toset(["citra"])`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	if got := lastLine(r); got != "Plan: 0 to add, 0 to change, 0 to replace, 1 to forget." {
		t.Fatalf("plan after removing a participant %q\n%s", got, r)
	}
	contains(t, r, `usapi_account.participant["eko"] will be forgotten`)
	editFile(t, filepath.Join(dir, "main.hcl"), `toset(["citra"])`, `toset(["citra", "eko"])`)

	editFile(t, filepath.Join(dir, "main.hcl"), `eko   = "sbx-eko"`, `eko   = "sbx-expired-eko"`)
	r = must(t, 1, dir, "plan")
	contains(t, r, "ERROAUTH4051")
}

func assertPrivate(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, info.Mode().Perm())
	}
}
