package command

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// console evaluates expressions against the configuration and the state,
// reading standard input to its end when it is not a terminal; type()
// names a value's type; sensitive values stay hidden; the first error ends
// a scripted session with exit 1.
func TestConsole(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), accountsConfig+`
variable "key" {
  default   = "s3cret-value"
  sensitive = true
}
locals {
  names = sort(keys(var.people))
}
`)
	mustRun(t, 0, dir, "apply", "-auto-approve")
	t.Chdir(dir)
	var out, errs bytes.Buffer
	input := strings.Join([]string{
		`local.names`,
		`usapi_account.hire["budi"].email`,
		`type(usapi_account.hire["ani"].username)`,
		`usapi_account.hire["ani"].password`,
		`var.key`,
		`upper(var.people["ani"])`,
		`length(usapi_account.hire)`,
	}, "\n")
	code := Run([]string{"console"}, IO{Stdin: strings.NewReader(input), Stdout: &out, Stderr: &errs})
	want := `["ani", "budi"]
"budi@example.id"
string
(sensitive value)
(sensitive value)
"6281234567801"
2
`
	if code != 0 || out.String() != want {
		t.Errorf("console: exit %d\n--- stdout\n%s\n--- want\n%s\n--- stderr\n%s", code, out.String(), want, errs.String())
	}
	out.Reset()
	errs.Reset()
	code = Run([]string{"console"}, IO{Stdin: strings.NewReader("var.nope\nlocal.names\n"), Stdout: &out, Stderr: &errs})
	if code != 1 || out.Len() != 0 || !strings.Contains(errs.String(), "nope") {
		t.Errorf("console with an error: exit %d, stdout %q, stderr %q", code, out.String(), errs.String())
	}
}

// graph draws one node per resource, or per instance with -instances,
// with an edge from each to what it depends on.
func TestGraph(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), accountsConfig+`
resource "usapi_account" "boss" {
  username     = "boss"
  password     = "Selamat-Datang-2026"
  first_name   = usapi_account.hire["ani"].first_name
  last_name    = "Test"
  email        = "boss@example.id"
  phone_number = "6281234567809"
}
data "usapi_email" "all" {
  for_each = usapi_account.hire
  email    = each.value.email
}
`)
	out := mustRun(t, 0, dir, "graph")
	for _, want := range []string{"digraph {", `"usapi_account.boss" -> "usapi_account.hire"`, `"data.usapi_email.all" -> "usapi_account.hire"`} {
		if !strings.Contains(out, want) {
			t.Errorf("graph lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, 0, dir, "graph", "-instances")
	for _, want := range []string{
		`"usapi_account.boss" -> "usapi_account.hire[\"ani\"]"`,
		`"data.usapi_email.all[\"budi\"]" -> "usapi_account.hire[\"budi\"]"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("graph -instances lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"usapi_account.boss" -> "usapi_account.hire[\"budi\"]"`) {
		t.Errorf("graph -instances draws an edge to an instance boss does not use:\n%s", out)
	}
}
