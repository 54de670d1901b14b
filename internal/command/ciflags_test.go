package command

import (
	"path/filepath"
	"strings"
	"testing"
)

// The flags CI scripts pass to Terraform are accepted; output -raw prints
// a value as it is; -input=false refuses to ask; -lock=false is honoured
// by plan only; -compact-warnings prints one line per warning; unknown
// flags keep failing with a suggestion.
func TestCIFlags(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), `variable "n" {
  default = 3
}
output "s" {
  value = "ani-${var.n}"
}
output "n" {
  value = var.n
}
output "m" {
  value = { a = 1 }
}
output "secret" {
  value     = "hush-hush"
  sensitive = true
}
`)
	writeFile(t, filepath.Join(dir, "other.auto.vars"), "undeclared = 1\n")
	out := mustRun(t, 0, dir, "apply", "-auto-approve", "-no-color", "-input=false", "-lock=false", "-compact-warnings")
	if !strings.Contains(out, "-lock=false is ignored by daftar apply") {
		t.Errorf("apply -lock=false does not say that it locks anyway:\n%s", out)
	}
	if !strings.Contains(out, "Warning: Value for undeclared variable (other.auto.vars:1:1)\n") || strings.Contains(out, "so the value is ignored") {
		t.Errorf("-compact-warnings does not print the warning on one line:\n%s", out)
	}
	if out := mustRun(t, 0, dir, "plan", "-lock=false", "-no-color"); strings.Contains(out, "-lock=false") {
		t.Errorf("plan -lock=false warns:\n%s", out)
	}
	for name, want := range map[string]string{"s": "ani-3", "n": "3"} {
		if out, _, code := runIn(t, dir, "output", "-raw", name); code != 0 || out != want {
			t.Errorf("output -raw %s: exit %d, %q, want %q", name, code, out, want)
		}
	}
	for _, args := range [][]string{{"output", "-raw", "m"}, {"output", "-raw", "secret"}, {"output", "-raw"}, {"output", "-raw", "-json", "s"}} {
		out, errs, code := runIn(t, dir, args...)
		if code != 1 || out != "" || !strings.Contains(errs, "-raw") || strings.Contains(errs, "hush") {
			t.Errorf("daftar %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errs)
		}
	}
	// A change to apply, and no way to ask: refused before any create.
	acc := t.TempDir()
	writeFile(t, filepath.Join(acc, "main.hcl"), accountsConfig)
	_, errs, code := runIn(t, acc, "apply", "-input=false")
	if code != 1 || !strings.Contains(errs, "-input=false forbids asking") {
		t.Errorf("apply -input=false: exit %d, %s", code, errs)
	}
	if list := mustRun(t, 0, acc, "state", "list"); strings.TrimSpace(list) != "" {
		t.Errorf("apply -input=false applied something:\n%s", list)
	}
	_, errs, code = runIn(t, dir, "plan", "-no-colour")
	if code != 1 || !strings.Contains(errs, `has no flag -no-colour. Did you mean -no-color?`) {
		t.Errorf("unknown flag: exit %d, %s", code, errs)
	}
}

// -help of each command prints its positional arguments in the usage line
// and exits 0.
func TestHelpUsageLines(t *testing.T) {
	dir := t.TempDir()
	for args, want := range map[string]string{
		"import -help":     "Usage: daftar import [flags] ADDR ID\n",
		"apply -help":      "Usage: daftar apply [flags] [PLANFILE]\n",
		"output --help":    "Usage: daftar output [flags] [NAME]\n",
		"fmt -h":           "Usage: daftar fmt [flags] [FILE...]\n",
		"state rm -help":   "Usage: daftar state rm [flags] ADDR...\n",
		"force-unlock -h":  "Usage: daftar force-unlock [flags] LOCK_ID\n",
		"plan -help":       "Usage: daftar plan [flags]\n",
		"show -help":       "Usage: daftar show [flags] [PLANFILE]\n",
		"state show -help": "Usage: daftar state show [flags] ADDR\n",
		"audit verify -h":  "Usage: daftar audit verify [flags] [FILE]\n",
		"validate -help":   "-compact-warnings",
	} {
		out, errs, code := runIn(t, dir, strings.Fields(args)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("daftar %s: exit %d, want %q in\n%s%s", args, code, want, out, errs)
		}
	}
}
