package e2e

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/clitest"
)

// TestModulesExample plans and applies examples/modules (one module
// instance per CSV row), then plans again with no change; module
// addresses appear in the plan, the state, state list, show -json (under
// child_modules) and plan -json (module_address, per-instance
// depends_on).
func TestModulesExample(t *testing.T) {
	dir := example(t, "modules")
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `# module.hire["ani"].usapi_account.this will be created`,
		`# module.hire["citra"].proofylink_verification.this will be created (spends 1)`,
		"Plan: 6 to add, 0 to change, 0 to replace, 0 to forget.")
	r = must(t, 0, dir, "plan", "-json")
	var plan struct {
		ResourceChanges []struct {
			Address       string   `json:"address"`
			ModuleAddress string   `json:"module_address"`
			Index         any      `json:"index"`
			DependsOn     []string `json:"depends_on"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rc := range plan.ResourceChanges {
		if rc.Address == `module.hire["budi"].proofylink_verification.this` {
			found = true
			if rc.ModuleAddress != `module.hire["budi"]` || rc.Index != nil || strings.Join(rc.DependsOn, " ") != `module.hire["budi"].usapi_account.this` {
				t.Errorf("budi's verification in plan -json: %+v", rc)
			}
		}
	}
	if !found {
		t.Fatalf("no module.hire[\"budi\"].proofylink_verification.this in plan -json:\n%s", r.stdout)
	}

	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 6 added", `emails = {ani = "ani.lestari@example.id"`)
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")

	r = must(t, 0, dir, "state", "list", `module.hire["ani"]`)
	if got := strings.Fields(r.stdout); strings.Join(got, " ") != `module.hire["ani"].proofylink_verification.this module.hire["ani"].usapi_account.this` {
		t.Errorf("state list module.hire[\"ani\"]: %v", got)
	}
	st := readFile(t, filepath.Join(dir, "daftar.state.json"))
	if !strings.Contains(st, `"module":"module.hire[\"ani\"]"`) && !strings.Contains(st, `"module": "module.hire[\"ani\"]"`) {
		t.Errorf("the state does not record the module instance:\n%s", st)
	}
	r = must(t, 0, dir, "show", "-json")
	var show struct {
		Values struct {
			RootModule struct {
				Resources    []any `json:"resources"`
				ChildModules []struct {
					Address   string `json:"address"`
					Resources []struct {
						Address string `json:"address"`
					} `json:"resources"`
				} `json:"child_modules"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &show); err != nil {
		t.Fatal(err)
	}
	rm := show.Values.RootModule
	if len(rm.Resources) != 0 || len(rm.ChildModules) != 3 || rm.ChildModules[0].Address != `module.hire["ani"]` || len(rm.ChildModules[0].Resources) != 2 {
		t.Errorf("show -json root_module: %+v", rm)
	}
	r = must(t, 0, dir, "output", "-json", "ani_reference")
	if !strings.Contains(r.stdout, "EMP-") {
		t.Errorf("output ani_reference: %s", r.stdout)
	}
	// The console reads a module instance's outputs from the state.
	con := clitest.RunStdin(t, dir, nil, "module.hire[\"budi\"].email\nlength(module.hire)\n", "console")
	if con.Code != 0 || con.Stdout != "\"budi.santoso@example.id\"\n3\n" {
		t.Errorf("console: exit %d, %q, %s", con.Code, con.Stdout, con.Stderr)
	}

	// state rm, then an import block to the module address adopts it again.
	budi := `module.hire["budi"].usapi_account.this`
	must(t, 0, dir, "state", "rm", budi)
	write(t, filepath.Join(dir, "import.hcl"), `import {
  for_each = toset(["budi"])
  to       = module.hire[each.key].usapi_account.this
  id       = each.key
}
`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "# "+budi+" will be imported", "Plan: 1 to import, 0 to add, 0 to change")
	must(t, 0, dir, "apply", "-auto-approve")
	// state mv out of the module and back; state show reads it.
	must(t, 0, dir, "state", "mv", budi, `usapi_account.budi`)
	r = must(t, 0, dir, "state", "show", "usapi_account.budi")
	contains(t, r, `username         = "budi"`)
	must(t, 0, dir, "state", "mv", `usapi_account.budi`, budi)
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
	r = must(t, 0, dir, "report", "-format=csv")
	contains(t, r, `"module.hire[""budi""].usapi_account.this",budi,Budi Santoso`)
	must(t, 0, dir, "audit", "verify")
}

// TestModuleInstanceTarget applies one module instance with -target, then
// the rest.
func TestModuleInstanceTarget(t *testing.T) {
	dir := example(t, "modules")
	r := must(t, 0, dir, "apply", "-auto-approve", `-target=module.hire["budi"]`)
	contains(t, r, "Apply complete! Resources: 2 added")
	r = must(t, 0, dir, "state", "list")
	if got := strings.Fields(r.stdout); strings.Join(got, " ") != `module.hire["budi"].proofylink_verification.this module.hire["budi"].usapi_account.this` {
		t.Fatalf("state after -target: %v", got)
	}
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, "Plan: 4 to add, 0 to change")
	r = must(t, 2, dir, "plan", "-detailed-exitcode", `-replace=module.hire["budi"].proofylink_verification.this`, `-target=module.hire["budi"]`)
	contains(t, r, `# module.hire["budi"].proofylink_verification.this must be replaced`, "Plan: 0 to add, 0 to change, 1 to replace")
	// A module is not an instance: Terraform refuses it, and so does
	// daftar, rather than replace (and pay for) every verification in it.
	r = daftar(t, dir, "apply", "-auto-approve", `-replace=module.hire["budi"]`)
	if r.code != 1 || !strings.Contains(r.stderr, "Invalid -replace address") || !strings.Contains(r.stderr, "names a module, not a resource instance") {
		t.Errorf("-replace of a module instance: %s", r)
	}
	r = must(t, 0, dir, "state", "list")
	if got := len(strings.Fields(r.stdout)); got != 2 {
		t.Errorf("%d records after a refused -replace, want 2: %s", got, r.stdout)
	}
}

// sandboxEndpoint points examples/modules at an external sandbox.
func sandboxEndpoint(t *testing.T, dir, url string) {
	t.Helper()
	write(t, filepath.Join(dir, "daftar.vars"), "endpoint = \""+url+"\"\n")
}

// TestMovedIntoModule moves accounts made by a root resource into the
// module that now declares them: the plan shows the moves, apply sends
// no account request, and the module's verifications are created.
func TestMovedIntoModule(t *testing.T) {
	sb := startSandbox(t)
	dir := example(t, "modules")
	sandboxEndpoint(t, dir, sb.URL())
	main := filepath.Join(dir, "main.hcl")
	orig := readFile(t, main)
	// Before: the accounts were a root resource.
	before := orig[:strings.Index(orig, `module "hire"`)] + `
resource "usapi_account" "p" {
  for_each     = local.people
  username     = each.key
  password     = var.initial_password
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = lower(each.value.email)
  phone_number = each.value.phone_number
  registration = "internal"
}
`
	write(t, main, before)
	must(t, 0, dir, "apply", "-auto-approve")
	if n := len(sb.Records().Accounts); n != 3 {
		t.Fatalf("%d accounts before the move, want 3", n)
	}
	requests := sb.Records().Requests.Total

	write(t, main, orig)
	write(t, filepath.Join(dir, "moved.hcl"), `moved {
  for_each = local.people
  from     = usapi_account.p[each.key]
  to       = module.hire[each.key].usapi_account.this
}
`)
	r := must(t, 2, dir, "plan", "-detailed-exitcode", "-target=module.hire.usapi_account.this")
	contains(t, r, `# usapi_account.p["ani"] has moved to module.hire["ani"].usapi_account.this`,
		"Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	r = must(t, 0, dir, "apply", "-auto-approve", "-target=module.hire.usapi_account.this")
	if strings.Contains(r.stdout, "Creating") {
		t.Errorf("apply of the moves created something:\n%s", r)
	}
	if got := sb.Records().Requests.Total - requests; got != 0 {
		t.Errorf("applying the moves sent %d requests, want none", got)
	}
	r = must(t, 0, dir, "state", "list", "module.hire")
	if got := strings.Fields(r.stdout); len(got) != 3 || got[0] != `module.hire["ani"].usapi_account.this` {
		t.Errorf("state after the move: %v", got)
	}
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 3 added")
	if n := len(sb.Records().Accounts); n != 3 {
		t.Errorf("%d accounts after the move, want still 3", n)
	}
	must(t, 0, dir, "plan", "-detailed-exitcode")
}

// TestModuleFailureSkipsOnlyThatPerson: budi's username is taken
// remotely, so his account fails; his verification, which uses his
// account's e-mail, is skipped; everyone else's module instance is
// applied.
func TestModuleFailureSkipsOnlyThatPerson(t *testing.T) {
	sb := startSandbox(t)
	dir := example(t, "modules")
	sandboxEndpoint(t, dir, sb.URL())
	preRegister(t, sb.URL(), "budi", 9)
	r := daftar(t, dir, "apply", "-auto-approve")
	if r.code != 1 {
		t.Fatalf("apply: want exit 1, got\n%s", r)
	}
	contains(t, r, "Username already taken",
		`module.hire["budi"].proofylink_verification.this: module.hire["budi"].usapi_account.this failed`,
		"Apply failed! Resources: 4 added")
	if n := len(sb.Records().Verifications); n != 2 {
		t.Errorf("%d verifications created, want 2 (ani's and citra's)", n)
	}
	r = must(t, 0, dir, "state", "list")
	got := strings.Join(strings.Fields(r.stdout), " ")
	if strings.Contains(got, `"budi"`) || !strings.Contains(got, `module.hire["citra"].proofylink_verification.this`) {
		t.Errorf("state after the failure: %s", got)
	}
}
