package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs daftar in process in dir (t.Chdir: these tests are not
// parallel) with no standard input, as cron does.
func runIn(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(dir)
	var out, errs bytes.Buffer
	code = Run(args, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Environ: []string{}})
	return out.String(), errs.String(), code
}

func mustRun(t *testing.T, want int, dir string, args ...string) string {
	t.Helper()
	out, errs, code := runIn(t, dir, args...)
	if code != want {
		t.Fatalf("daftar %s: exit %d, want %d\n--- stdout\n%s\n--- stderr\n%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out + errs
}

const accountsConfig = `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}
variable "people" {
  default = {
    ani  = "6281234567801"
    budi = "6281234567802"
  }
}
resource "usapi_account" "hire" {
  for_each     = var.people
  username     = each.key
  password     = "Selamat-Datang-2026"
  first_name   = each.key
  last_name    = "Test"
  email        = "${each.key}@example.id"
  phone_number = each.value
}
`

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// An import block adopts a record that exists: the plan shows and counts
// it, apply records it with reads only (no second signup in the audit
// log), and once in the state the block is a no-op.
func TestImportBlocks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), accountsConfig)
	mustRun(t, 0, dir, "apply", "-auto-approve")
	mustRun(t, 0, dir, "state", "rm", `usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`)
	writeFile(t, filepath.Join(dir, "imports.hcl"), `
import {
  for_each = var.people
  to       = usapi_account.hire[each.key]
  id       = each.key
}
`)
	out := mustRun(t, 2, dir, "plan", "-detailed-exitcode", "-out=imp.plan")
	for _, want := range []string{`# usapi_account.hire["ani"] will be imported`, `# (imported from "budi")`,
		"Plan: 2 to import, 0 to add, 0 to change, 0 to replace, 0 to forget."} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	js := mustRun(t, 0, dir, "show", "-json", "imp.plan")
	if !strings.Contains(js, `"importing": {`) || !strings.Contains(js, `"id": "ani"`) || !strings.Contains(js, `"import": 2`) {
		t.Errorf("show -json lacks change.importing or summary.import:\n%s", js)
	}
	out = mustRun(t, 0, dir, "apply", "imp.plan")
	if !strings.Contains(out, "Apply complete! Resources: 2 imported, 0 added, 0 changed, 0 replaced, 0 forgotten.") {
		t.Errorf("apply:\n%s", out)
	}
	list := mustRun(t, 0, dir, "state", "list")
	if !strings.Contains(list, `usapi_account.hire["ani"]`) || !strings.Contains(list, `usapi_account.hire["budi"]`) {
		t.Errorf("state list after the import:\n%s", list)
	}
	out = mustRun(t, 0, dir, "plan", "-detailed-exitcode")
	if !strings.Contains(out, "No changes.") {
		t.Errorf("an import of a managed record is a no-op; plan says:\n%s", out)
	}
	audit, err := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(audit), `"event":"request","time"`); n == 0 {
		t.Fatalf("the audit log holds no request:\n%s", audit)
	}
	if n := strings.Count(string(audit), `"path":"/usapi/signup","status"`); n != 2 {
		t.Errorf("%d signups answered, want the 2 of the first apply (an import never creates)", n)
	}
}

// An import block naming a resource the configuration does not declare, or
// an instance its for_each does not produce, is an error at plan time
// with the block's range; so is a record that does not exist.
func TestImportBlockErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), accountsConfig)
	cases := map[string]struct{ block, want string }{
		"undeclared resource": {`import {
  to = usapi_account.nobody
  id = "x"
}`, "imports.hcl:2:8"},
		"validate: undeclared resource": {`import {
  to = usapi_account.nobody
  id = "x"
}`, "Import to an undeclared resource"},
		"undeclared instance": {`import {
  to = usapi_account.hire["citra"]
  id = "citra"
}`, "Import to an undeclared instance"},
		"no such record": {`import {
  to = usapi_account.hire["ani"]
  id = "ani"
}`, "Login refused"},
		"not an address": {`import {
  to = "usapi_account.hire"
  id = "ani"
}`, "Invalid import address"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			writeFile(t, filepath.Join(dir, "imports.hcl"), tc.block)
			cmd := "plan"
			if strings.HasPrefix(name, "validate:") {
				cmd = "validate"
			}
			out := mustRun(t, 1, dir, cmd)
			if !strings.Contains(out, tc.want) {
				t.Errorf("plan lacks %q:\n%s", tc.want, out)
			}
			if strings.Count(out, "Error: ") != 1 {
				t.Errorf("plan reports %d errors, want 1:\n%s", strings.Count(out, "Error: "), out)
			}
		})
	}
}
