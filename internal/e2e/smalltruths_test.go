package e2e

import (
	"os"
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

// TestIgnoreChangesOnAccounts: ignore_changes on a write-only input (the
// password, kept as a digest) and on a file input (the photo, kept as
// the file's digest) stops the change, as does ignore_changes = all.
func TestIgnoreChangesOnAccounts(t *testing.T) {
	dir := example(t, "quickstart")
	main := filepath.Join(dir, "main.hcl")
	photo, err := os.ReadFile(filepath.Join(dir, "ktp", "ani.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "photo.jpg"), string(photo))
	editFile(t, main, "    phone_number  = each.value.phone_number\n  }", "    phone_number  = each.value.phone_number\n    profile_img   = \"photo.jpg\"\n  }")
	must(t, 0, dir, "apply", "-auto-approve")

	editFile(t, main, `default     = "Selamat-Datang-2026"`, `default     = "Selamat-Datang-2027"`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "USAPI cannot change password")
	editFile(t, main, "  platform     = \"ONMART\"\n", "  platform     = \"ONMART\"\n  lifecycle {\n    ignore_changes = [password]\n  }\n")
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")

	write(t, filepath.Join(dir, "photo.jpg"), string(photo)+"edited")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "profile_img_sha256")
	editFile(t, main, "ignore_changes = [password]", "ignore_changes = [password, basic_profile.profile_img]")
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")

	editFile(t, main, "ignore_changes = [password, basic_profile.profile_img]", "ignore_changes = all")
	editFile(t, main, `email         = "ani.lestari@example.id"`, `email         = "ani@example.id"`)
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
}

// TestFailedReadGivesNoForEachAdvice: a data source whose read failed
// leaves the for_each that uses it unknown; the plan reports the failed
// read, not advice to -target what for_each depends on.
func TestFailedReadGivesNoForEachAdvice(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.hcl"), `provider "usapi" {
  endpoint   = "http://127.0.0.1:9"
  basic_auth = "not-the-key"
}

data "usapi_email" "ani" {
  email = "ani@example.id"
}

resource "usapi_account" "hire" {
  for_each     = data.usapi_email.ani.registered ? toset([]) : toset(["ani"])
  username     = each.key
  password     = "Selamat-Datang-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani@example.id"
  phone_number = "6281234567801"
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"
}
`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "usapi_email")
	if strings.Contains(r.stderr, "known only after apply") || strings.Contains(r.stderr, "-target") {
		t.Errorf("a failed read is followed by advice about for_each:\n%s", r)
	}
}

// TestDataDependsOnChangingResourceReadsAfterIt: a data source with
// depends_on on an account about to be created is read during apply,
// after the account: it sees the e-mail registered.
func TestDataDependsOnChangingResourceReadsAfterIt(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.hcl"), `provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

resource "usapi_account" "ani" {
  username     = "ani"
  password     = "Selamat-Datang-2026"
  first_name   = "Ani"
  last_name    = "Lestari"
  email        = "ani@example.id"
  phone_number = "6281234567801"
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"
}

data "usapi_email" "ani" {
  email      = "ani@example.id"
  depends_on = [usapi_account.ani]
}

output "registered" {
  value = data.usapi_email.ani.registered
}
`)
	r := must(t, 0, dir, "plan")
	contains(t, r, "data.usapi_email.ani", "depends_on names usapi_account.ani")
	must(t, 0, dir, "apply", "-auto-approve")
	r = must(t, 0, dir, "output", "registered")
	if strings.TrimSpace(r.stdout) != "true" {
		t.Errorf("the read ran before the account was created: registered = %s", r.stdout)
	}
	r = must(t, 0, dir, "plan", "-detailed-exitcode") // no change: read at plan time again
	contains(t, r, "No changes.")
}
