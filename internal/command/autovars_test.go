package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// daftar.vars and *.auto.vars(.json) load themselves, in Terraform's order
// (daftar.vars, then the auto files in name order, then -var), and are
// never read as configuration; fmt formats them, and fmt FILE formats the
// files named only.
func TestAutoVarFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), `variable "who" {}
variable "team" {
  default = "ops"
}
output "x" {
  value = "${var.who}-${var.team}"
}
`)
	writeFile(t, filepath.Join(dir, "daftar.vars"), "who=\"ani\"\nteam = \"hr\"\n")
	out := mustRun(t, 0, dir, "plan")
	if !strings.Contains(out, `x = "ani-hr"`) {
		t.Errorf("daftar.vars not loaded:\n%s", out)
	}
	writeFile(t, filepath.Join(dir, "a.auto.vars"), "team=\"dev\"\n")
	writeFile(t, filepath.Join(dir, "b.auto.vars.json"), `{"team": "it"}`)
	out = mustRun(t, 0, dir, "plan")
	if !strings.Contains(out, `x = "ani-it"`) {
		t.Errorf("the auto files, in name order, win over daftar.vars:\n%s", out)
	}
	out = mustRun(t, 0, dir, "plan", "-var", "team=cli")
	if !strings.Contains(out, `x = "ani-cli"`) {
		t.Errorf("-var wins over the auto files:\n%s", out)
	}

	writeFile(t, filepath.Join(dir, "other.txt"), "a  =  1\n")
	out = mustRun(t, 1, dir, "fmt", "-check")
	for _, name := range []string{"daftar.vars", "a.auto.vars"} {
		if !strings.Contains(out, name) {
			t.Errorf("fmt -check does not list %s:\n%s", name, out)
		}
	}
	if strings.Contains(out, "other.txt") || strings.Contains(out, "b.auto.vars.json") {
		t.Errorf("fmt -check lists a file it does not format:\n%s", out)
	}
	if out := mustRun(t, 0, dir, "fmt", "other.txt"); strings.TrimSpace(out) != "other.txt" {
		t.Errorf("fmt other.txt printed %q", out)
	}
	for name, want := range map[string]string{"other.txt": "a = 1\n", "daftar.vars": "who=\"ani\"\nteam = \"hr\"\n"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("after fmt other.txt, %s holds %q, want %q", name, got, want)
		}
	}
	mustRun(t, 0, dir, "fmt")
	if got, _ := os.ReadFile(filepath.Join(dir, "daftar.vars")); string(got) != "who  = \"ani\"\nteam = \"hr\"\n" {
		t.Errorf("fmt left daftar.vars as %q", got)
	}
	out = mustRun(t, 1, dir, "fmt", "nothere.hcl")
	if !strings.Contains(out, "nothere.hcl") {
		t.Errorf("fmt of a missing file:\n%s", out)
	}
}
