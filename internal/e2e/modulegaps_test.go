package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestModuleOutputPrecondition: an output precondition in a module is
// checked at plan for each module instance, as in Terraform; a failing
// one is an error naming the module's file:line:column and the instance.
func TestModuleOutputPrecondition(t *testing.T) {
	dir := example(t, "modules")
	write(t, filepath.Join(dir, "modules", "person", "checks.hcl"), `output "short_name" {
  value = var.username
  precondition {
    condition     = length(var.username) > 3
    error_message = "The username ${var.username} is too short."
  }
}
`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "Output precondition failed", "The username ani is too short.",
		filepath.Join("modules", "person", "checks.hcl")+":4:21")
	if strings.Contains(r.stdout+r.stderr, "username citra is too short") {
		t.Errorf("citra's precondition holds, yet it failed:\n%s", r)
	}
	contains(t, r, `module.hire["ani"]`)
}

// TestModuleSensitiveOutput: as in Terraform, a module's output of a
// sensitive value needs no sensitive = true (only a root output does);
// the value stays sensitive for the caller, whose own output must then
// say sensitive = true.
func TestModuleSensitiveOutput(t *testing.T) {
	dir := example(t, "modules")
	write(t, filepath.Join(dir, "modules", "person", "secret.hcl"), `output "password" {
  value = var.password
}
`)
	must(t, 0, dir, "validate")
	must(t, 2, dir, "plan", "-detailed-exitcode")
	write(t, filepath.Join(dir, "leak.hcl"), `output "ani_password" {
  value = module.hire["ani"].password
}
`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "Output refers to sensitive values", "leak.hcl:2:11")
	write(t, filepath.Join(dir, "leak.hcl"), `output "ani_password" {
  value     = module.hire["ani"].password
  sensitive = true
}
`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	if strings.Contains(r.stdout+r.stderr, "Selamat-Datang") {
		t.Errorf("the password is printed:\n%s", r)
	}
}

// TestModuleCheckBlock: a check block in a module is evaluated for each
// module instance, its failed assertion a warning naming the instance;
// its scoped data source is read per instance.
func TestModuleCheckBlock(t *testing.T) {
	dir := example(t, "modules")
	write(t, filepath.Join(dir, "modules", "person", "checks.hcl"), `check "domain" {
  data "prakerja_profile" "again" {
    access_token = "sbx-${var.username}"
  }
  assert {
    condition     = endswith(var.person.email, "@example.id") && var.username != "budi"
    error_message = "${var.username} is not onboarded from the example domain."
  }
}
`)
	r := must(t, 0, dir, "plan")
	contains(t, r, "Warning: Check block module.hire[\"budi\"].domain assertion failed", "budi is not onboarded from the example domain.",
		filepath.Join("modules", "person", "checks.hcl")+":6:21")
	if strings.Contains(r.stdout+r.stderr, "ani is not onboarded") {
		t.Errorf("ani's assertion holds, yet it failed:\n%s", r)
	}
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "budi is not onboarded from the example domain.")
}
