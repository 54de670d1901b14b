package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.FormatVersion != "1" || shown.Summary.Add != 4 {
		t.Fatalf("show -json of the plan file: %v\n%s", err, r)
	}
	r = must(t, 0, dir, "apply", "review.plan")
	contains(t, r, "Apply complete! Resources: 4 added")

	// The state moved on: the same plan file is now stale.
	r = must(t, 1, dir, "apply", "review.plan")
	contains(t, r, "stale", "serial")
}

func TestSavedPlanRefusesChangedConfiguration(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "plan", "-out=review.plan")
	editFile(t, filepath.Join(dir, "main.hcl"), `last_name     = "Santoso"`, `last_name     = "Santosa"`)
	r := must(t, 1, dir, "apply", "review.plan")
	contains(t, r, "no longer matches", "Nothing was applied")
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

func TestSecretsNeverLeaveTheConfiguration(t *testing.T) {
	dir := example(t, "quickstart")
	var printed strings.Builder
	for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}, {"show"}, {"show", "-json"}, {"output"}, {"output", "-json"},
		{"state", "show", `usapi_account.hire["ani"]`}, {"state", "show", `proofylink_verification.check["ani"]`}} {
		r := must(t, 0, dir, args...)
		printed.WriteString(r.stdout + r.stderr)
	}
	secrets := []string{"Selamat-Datang-2026", "sandbox-usapi-key", "sandbox-proofylink-token", "3171015504960001", "3171011208900002"}
	for _, s := range secrets {
		if strings.Contains(printed.String(), s) {
			t.Errorf("the output shows %q in clear", s)
		}
	}
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(path, filepath.Join(".daftar", "sandbox")) || strings.HasSuffix(path, ".hcl") {
			return nil // the sandbox is the fake remote; the configuration is the user's own
		}
		data, _ := os.ReadFile(path)
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds %q in clear", path, s)
			}
		}
		return nil
	})
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
