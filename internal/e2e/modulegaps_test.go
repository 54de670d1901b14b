package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/clitest"
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

// TestMovedInModule: a moved block in a module renames that module's
// resource in each module instance, with no request; its addresses are
// relative to the module instance, as in Terraform.
func TestMovedInModule(t *testing.T) {
	sb := startSandbox(t)
	dir := example(t, "modules")
	sandboxEndpoint(t, dir, sb.URL())
	must(t, 0, dir, "apply", "-auto-approve")
	before := sb.Records()

	person := filepath.Join(dir, "modules", "person", "person.hcl")
	editFile(t, person, `resource "usapi_account" "this" {`, `resource "usapi_account" "account" {`)
	editFile(t, person, `email                = usapi_account.this.email`, `email                = usapi_account.account.email`)
	editFile(t, person, `value = usapi_account.this.email`, `value = usapi_account.account.email`)
	write(t, filepath.Join(dir, "modules", "person", "moved.hcl"), `moved {
  from = usapi_account.this
  to   = usapi_account.account
}
`)
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `# module.hire["ani"].usapi_account.this has moved to module.hire["ani"].usapi_account.account`,
		`# module.hire["citra"].usapi_account.this has moved to module.hire["citra"].usapi_account.account`,
		"Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Resources: 0 added, 0 changed, 0 replaced, 0 forgotten")
	after := sb.Records()
	if len(after.Accounts) != 3 || len(after.Verifications) != 3 || after.TokensLeft != before.TokensLeft {
		t.Errorf("after the moves: %d accounts, %d verifications, %d tokens left (%d before), want 3, 3 and no token spent",
			len(after.Accounts), len(after.Verifications), after.TokensLeft, before.TokensLeft)
	}
	r = must(t, 0, dir, "state", "list", `module.hire["budi"]`)
	if got := strings.Join(strings.Fields(r.stdout), " "); got != `module.hire["budi"].proofylink_verification.this module.hire["budi"].usapi_account.account` {
		t.Errorf("state after the move: %s", got)
	}
	must(t, 0, dir, "plan", "-detailed-exitcode")
}

// TestImportInModule: an import block in a module names the module's
// resource relative to each module instance (Terraform 1.16); only the
// instance the state lacks is imported, and an import block of the root
// for the same instance wins over the module's.
func TestImportInModule(t *testing.T) {
	dir := example(t, "modules")
	must(t, 0, dir, "apply", "-auto-approve")
	budi := `module.hire["budi"].usapi_account.this`
	must(t, 0, dir, "state", "rm", budi)
	write(t, filepath.Join(dir, "modules", "person", "import.hcl"), `import {
  to = usapi_account.this
  id = var.username
}
`)
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "# "+budi+" will be imported", "Plan: 1 to import, 0 to add, 0 to change")

	// The root's import to the same instance overrides the module's: its
	// id names no record, so the plan fails on it.
	write(t, filepath.Join(dir, "import.hcl"), `import {
  to = module.hire["budi"].usapi_account.this
  id = "nobody-here"
}
`)
	r = must(t, 1, dir, "plan")
	contains(t, r, "nobody-here")
	must(t, 0, dir, "state", "list") // nothing was written
	if err := os.Remove(filepath.Join(dir, "import.hcl")); err != nil {
		t.Fatal(err)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
}

// nestedKeys adds to examples/modules a keyed resource in the keyed
// module (usapi_account.alt, for_each) and a keyed module called from it
// (module.extra, count), so that addresses carry two keys.
func nestedKeys(t *testing.T, dir string) {
	t.Helper()
	write(t, filepath.Join(dir, "modules", "person", "alt.hcl"), `resource "usapi_account" "alt" {
  for_each     = toset(["x"])
  username     = "${var.username}.${each.key}"
  password     = var.password
  first_name   = var.person.first_name
  last_name    = var.person.last_name
  email        = "${each.key}.${lower(var.person.email)}"
  phone_number = replace(var.person.phone_number, "62812", "62813")
  registration = "internal"
}

module "extra" {
  source   = "../extra"
  count    = 1
  username = "${usapi_account.alt["x"].username}.e${count.index}"
  email    = "e${count.index}.${usapi_account.alt["x"].email}"
  phone    = replace(var.person.phone_number, "62812", "62814")
  password = var.password
}

output "alt_email" {
  value = usapi_account.alt["x"].email
}
`)
	if err := os.MkdirAll(filepath.Join(dir, "modules", "extra"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "modules", "extra", "extra.hcl"), `variable "username" { type = string }
variable "email" { type = string }
variable "phone" { type = string }
variable "password" {
  type      = string
  sensitive = true
}

resource "usapi_account" "this" {
  username     = var.username
  password     = var.password
  first_name   = "Extra"
  last_name    = "Account"
  email        = var.email
  phone_number = var.phone
  registration = "internal"
}
`)
}

// TestNestedModuleKeys: module.hire["ani"].usapi_account.alt["x"] and
// module.hire["ani"].module.extra[0].usapi_account.this through plan,
// plan -json, -target, apply, state list/show/mv/rm, show -json, report,
// and a moved block in the module, with a plan of no change after each.
func TestNestedModuleKeys(t *testing.T) {
	dir := example(t, "modules")
	nestedKeys(t, dir)
	alt := `module.hire["ani"].usapi_account.alt["x"]`
	extra := `module.hire["ani"].module.extra[0].usapi_account.this`
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "# "+alt+" will be created", "# "+extra+" will be created", "Plan: 12 to add")

	r = must(t, 0, dir, "plan", "-json")
	var plan struct {
		ResourceChanges []struct {
			Address       string `json:"address"`
			ModuleAddress string `json:"module_address"`
			Index         any    `json:"index"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		found[rc.Address] = fmt.Sprintf("%s %v", rc.ModuleAddress, rc.Index)
	}
	if found[alt] != `module.hire["ani"] x` || found[extra] != `module.hire["ani"].module.extra[0] <nil>` {
		t.Errorf("plan -json: %s: %q, %s: %q", alt, found[alt], extra, found[extra])
	}

	r = must(t, 0, dir, "apply", "-auto-approve", `-target=module.hire["ani"]`)
	contains(t, r, "Apply complete! Resources: 4 added")
	r = must(t, 0, dir, "state", "list", `module.hire["ani"]`)
	if got := strings.Join(strings.Fields(r.stdout), " "); got != extra+` module.hire["ani"].proofylink_verification.this `+alt+` module.hire["ani"].usapi_account.this` {
		t.Errorf("state list after -target: %s", got)
	}
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 8 added")
	must(t, 0, dir, "plan", "-detailed-exitcode")

	con := clitest.RunStdin(t, dir, nil, "module.hire[\"budi\"].alt_email\n", "console")
	if con.Code != 0 || con.Stdout != "\"x.budi.santoso@example.id\"\n" {
		t.Errorf("console: exit %d, %q, %s", con.Code, con.Stdout, con.Stderr)
	}
	r = must(t, 0, dir, "state", "show", alt)
	contains(t, r, `username         = "ani.x"`)
	r = must(t, 0, dir, "show", "-json")
	if !strings.Contains(r.stdout, `"address": "module.hire[\"ani\"].module.extra[0]"`) {
		t.Errorf("show -json lacks the nested module instance:\n%s", r.stdout)
	}
	r = must(t, 0, dir, "report", "-format=csv")
	contains(t, r, `"module.hire[""ani""].usapi_account.alt[""x""]"`)

	// state mv between nested addresses and back; rm then plan re-creates
	// only that one.
	must(t, 0, dir, "state", "mv", alt, `module.hire["ani"].usapi_account.alt["y"]`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "# "+alt+" will be created", `# module.hire["ani"].usapi_account.alt["y"] will be forgotten`)
	// A moved block of the root names the two keys back.
	write(t, filepath.Join(dir, "moved.hcl"), `moved {
  from = module.hire["ani"].usapi_account.alt["y"]
  to   = module.hire["ani"].usapi_account.alt["x"]
}
`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `# module.hire["ani"].usapi_account.alt["y"] has moved to `+alt, "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "plan", "-detailed-exitcode")

	// A moved block in the module renames every person's alt accounts.
	person := filepath.Join(dir, "modules", "person", "alt.hcl")
	data := strings.ReplaceAll(readFile(t, person), `usapi_account" "alt"`, `usapi_account" "other"`)
	write(t, person, strings.ReplaceAll(data, "usapi_account.alt[", "usapi_account.other[")+`
moved {
  from = usapi_account.alt
  to   = usapi_account.other
}
`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "# "+alt+` has moved to module.hire["ani"].usapi_account.other["x"]`,
		`# module.hire["citra"].usapi_account.alt["x"] has moved to module.hire["citra"].usapi_account.other["x"]`,
		"Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "plan", "-detailed-exitcode")
}
