package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crypt"
)

func TestApplyRefusesToWaitWithoutATerminal(t *testing.T) {
	dir := example(t, "quickstart")
	r := must(t, 1, dir, "apply")
	contains(t, r, "standard input is not a terminal", "-auto-approve")
	if _, err := os.Stat(filepath.Join(dir, "daftar.audit.jsonl")); err == nil {
		if data, _ := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl")); strings.Contains(string(data), `"method":"POST"`) {
			t.Fatal("apply sent a creating request before it was approved")
		}
	}
}

func TestSavedPlanAppliesExactlyWhatWasReviewed(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "plan", "-out=review.plan")
	assertPrivate(t, filepath.Join(dir, "review.plan"))
	r := must(t, 0, dir, "show", "-json", "review.plan")
	var shown struct {
		FormatVersion string `json:"format_version"`
		Summary       struct{ Add int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.FormatVersion != "1.2" || shown.Summary.Add != 4 {
		t.Fatalf("show -json of the plan file: %v\n%s", err, r)
	}
	r = must(t, 0, dir, "apply", "review.plan")
	contains(t, r, "Apply complete! Resources: 4 added")

	// The state moved on: the same plan file is now stale.
	r = must(t, 1, dir, "apply", "review.plan")
	contains(t, r, "stale", "serial")
}

// A saved plan is what runs, as in Terraform: a CSV row edited after plan
// -out changes nothing of what apply sends (the reviewed values are, the
// file's secrets read from the configuration again), a row added since is
// not applied, and the next plan shows both. A plan file made before
// another apply is refused as stale.
func TestSavedPlanRunsAsReviewedAfterACSVEdit(t *testing.T) {
	dir := example(t, "batch")
	must(t, 0, dir, "plan", "-out=review.plan")
	must(t, 0, dir, "plan", "-out=other.plan")
	csv := filepath.Join(dir, "people.csv")
	editFile(t, csv, "joko,Joko,Prasetyo,joko.prasetyo@example.id", "joko,Joko,Prasetya,joko.prasetya@example.id")
	f, err := os.OpenFile(csv, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("eko,Eko,Saputra,eko.saputra@example.id,6281311110009,3273011007910009,ktp/p1.jpg\n")
	f.Close()

	r := must(t, 0, dir, "apply", "review.plan")
	contains(t, r, "Apply complete! Resources: 10 added")
	r = must(t, 0, dir, "state", "show", `usapi_account.person["joko"]`)
	contains(t, r, `"Prasetyo"`, "joko.prasetyo@example.id")
	if strings.Contains(r.stdout, "Prasetya") {
		t.Fatalf("apply of the saved plan sent the row as edited after the plan:\n%s", r)
	}
	r = must(t, 0, dir, "state", "list")
	if strings.Contains(r.stdout, "eko") {
		t.Fatalf("apply of the saved plan applied a row added after the plan:\n%s", r)
	}
	// USAPI cannot change a last name: the next plan says joko's account
	// holds the reviewed one.
	r = must(t, 1, dir, "plan")
	contains(t, r, `usapi_account.person["joko"] cannot go`, `from "Prasetyo"`)
	editFile(t, csv, "joko,Joko,Prasetya,joko.prasetya@example.id", "joko,Joko,Prasetyo,joko.prasetyo@example.id")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `usapi_account.person["eko"]`, "2 to add, 0 to change")

	// other.plan was made from the state before that apply.
	r = must(t, 1, dir, "apply", "other.plan")
	contains(t, r, "the plan other.plan is stale: the state changed since it was made", "Nothing was applied")
}

// A secret input (a NIK) changed since the plan: the plan file does not
// hold it, so what was reviewed cannot be sent; nothing is applied.
func TestSavedPlanRefusesAChangedSecret(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "plan", "-out=review.plan")
	editFile(t, filepath.Join(dir, "main.hcl"), `"3171011208900002"`, `"3171011208900003"`)
	r := must(t, 1, dir, "apply", "review.plan")
	contains(t, r, "Saved plan no longer applicable", `proofylink_verification.check["budi"]`, "sensitive", "Nothing was applied")
	if _, err := os.Stat(filepath.Join(dir, "daftar.state.json")); err == nil {
		t.Fatal("a refused plan wrote the state")
	}
}

func TestConfigurationErrorsPointAtTheSource(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`provider "usapi" {
  endpoint = "sandbox"
}

resourse "usapi_account" "a" {
}
`), 0o644)
	r := must(t, 1, dir, "validate")
	contains(t, r, "main.hcl:5:1", "Did you mean \"resource\"?")
	if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
		t.Fatalf("a stack trace reached the user:\n%s", r)
	}
}

func TestInvalidInputsFailBeforeAnyRequest(t *testing.T) {
	dir := example(t, "quickstart")
	editFile(t, filepath.Join(dir, "main.hcl"), `"3171015504960001"`, `"31710155049600"`)
	editFile(t, filepath.Join(dir, "main.hcl"), `gender        = "Perempuan"`, `gender        = "perempuan"`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "main.hcl", "Laki-Laki", "16 digits")
	if _, err := os.Stat(filepath.Join(dir, "daftar.state.json")); err == nil {
		t.Error("a plan that failed wrote a state file")
	}
	if strings.Contains(r.stdout+r.stderr, "31710155049600") {
		t.Fatalf("an invalid NIK was printed in clear:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "daftar.audit.jsonl")); err == nil {
		data, _ := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
		if len(data) > 0 {
			t.Fatalf("a request was made before validation passed:\n%s", data)
		}
	}
}

// Every secret of a full run (passwords, API credentials, an access token,
// NIKs, KTP photos, a consent form, a profile photo) stays out of every
// file daftar writes (state, backup, journal, plan files, audit log and
// its head, reports in each format) and of everything it prints, errors
// included: in clear, in base64 (plan files hold msgpack in base64), and,
// with state encryption, inside the decrypted files too.
func TestSecretsNeverLeaveTheConfiguration(t *testing.T) {
	written := []string{"daftar.state.json", "daftar.state.json.backup", "daftar.audit.jsonl", ".daftar/audit.head",
		"review.plan", "again.plan", "report.html", "report.csv", "report.json"}
	t.Run("plaintext", func(t *testing.T) {
		t.Parallel()
		scan, files, _, _ := runSecretsScenario(t, nil, "")
		hasAll(t, files, written)
		scan.find(secretValues)
		checkSensitiveVariableStaysInPlans(t, scan)
	})
	t.Run("encrypted", func(t *testing.T) {
		t.Parallel()
		const passphrase = "a passphrase for the secrets test"
		scan, files, journal, dir := runSecretsScenario(t, []string{"DAFTAR_STATE_PASSPHRASE=" + passphrase}, passphrase)
		hasAll(t, files, written)
		scan.find(secretValues)
		checkSensitiveVariableStaysInPlans(t, scan)
		// The state, its backup, the plan files and every journal line
		// are encrypted: not even a name or an e-mail shows. The audit
		// log stays plaintext by design, and holds no personal data.
		for _, name := range []string{"daftar.state.json", "daftar.state.json.backup", "review.plan", "again.plan", "daftar.audit.jsonl"} {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			if enc := crypt.IsEncrypted(data); enc != (name != "daftar.audit.jsonl") {
				t.Errorf("%s: encrypted = %v", name, enc)
			}
			for _, personal := range []string{"Lestari", "ani.lestari@example.id", "6281234567801"} {
				if bytes.Contains(data, []byte(personal)) {
					t.Errorf("%s holds %q in clear", name, personal)
				}
			}
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(journal), "\n"), "\n") {
			if !strings.HasPrefix(line, "REFGVEFSLUVOQ1JZUFRFRC8x") || strings.Contains(line, "Lestari") {
				t.Errorf("journal line %d is not an encrypted line: %.60s", i+1, line)
			}
		}
	})
}

func hasAll(t *testing.T, got, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("daftar did not write %s (it wrote %v): the scan would not cover it", w, got)
		}
	}
}

// checkSensitiveVariableStaysInPlans: the scenario's sensitive variable
// "surname" is a last name, stored in the state as the account's
// attribute (encrypted when encryption is on), but plans, plan files and
// apply's output show it as (sensitive value).
func checkSensitiveVariableStaysInPlans(t *testing.T, scan *leakScan) {
	t.Helper()
	for name, blob := range scan.blobs {
		output := strings.HasPrefix(name, "the output of")
		if !strings.HasSuffix(name, ".plan") && !(output && (strings.Contains(name, "plan") || strings.Contains(name, "apply"))) {
			continue
		}
		for _, view := range scan.views(blob, 0) {
			if bytes.Contains(view, []byte("Kerahasiaan")) {
				t.Errorf("%s shows the sensitive variable's value", name)
			}
		}
	}
}

func TestStateCommands(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	r := must(t, 0, dir, "state", "list", "usapi_account.hire")
	if got := strings.Fields(r.stdout); len(got) != 2 {
		t.Fatalf("state list with a filter: %v", got)
	}
	r = must(t, 0, dir, "state", "show", `usapi_account.hire["ani"]`)
	contains(t, r, `resource "usapi_account" "hire"`, `username`, `(sensitive value)`)
	r = must(t, 1, dir, "state", "show", `usapi_account.hire["anii"]`)
	contains(t, r, `Did you mean usapi_account.hire["ani"]?`)

	r = must(t, 0, dir, "state", "rm", `usapi_account.hire["budi"]`)
	contains(t, r, "Successfully removed 1 resource instance(s).")
	r = must(t, 0, dir, "plan")
	contains(t, r, `usapi_account.hire["budi"] will be created`)
}

func TestUnknownCommandSuggestsTheRightOne(t *testing.T) {
	r := must(t, 1, t.TempDir(), "plna")
	contains(t, r, `Did you mean "plan"?`)
	r = must(t, 1, t.TempDir(), "plan", "-taget=x")
	contains(t, r, "Did you mean -target?")
	must(t, 0, t.TempDir(), "version")
}

// TestStateMv renames an instance in the state: the next plan of the
// renamed configuration sends nothing; moving onto a taken address fails.
func TestStateMv(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	r := must(t, 1, dir, "state", "mv", `usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`)
	contains(t, r, `already holds usapi_account.hire["budi"]`, "Nothing was moved.")
	r = must(t, 1, dir, "state", "mv", `usapi_account.hire["ani"]`, `proofylink_verification.x`)
	contains(t, r, "can only move to another usapi_account address")
	r = must(t, 0, dir, "state", "mv", `usapi_account.hire["ani"]`, `usapi_account.hire["ani2"]`)
	contains(t, r, "Successfully moved 1 object.")
	r = must(t, 0, dir, "state", "list", "usapi_account.hire")
	if got := strings.Fields(r.stdout); !slices.Contains(got, `usapi_account.hire["ani2"]`) || slices.Contains(got, `usapi_account.hire["ani"]`) {
		t.Fatalf("state list after mv: %v", got)
	}
	must(t, 0, dir, "state", "mv", `usapi_account.hire["ani2"]`, `usapi_account.hire["ani"]`)
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
}
