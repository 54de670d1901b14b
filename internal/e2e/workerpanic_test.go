package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/e2e/binrun"
)

// TestWorkerPanicIsReportedNotDumped makes a planner worker and an
// executor worker panic in a real process (DAFTAR_DEBUG_PANIC): each ends
// as a panic of the command's own goroutine does, in one line on the
// terminal, exit 1, and the worker's stack in .daftar/crash-TIME.log; the
// lock is released and nothing was sent.
func TestWorkerPanicIsReportedNotDumped(t *testing.T) {
	for where, args := range map[string][]string{
		"planner":  {"plan"},
		"executor": {"apply", "-auto-approve"},
	} {
		t.Run(where, func(t *testing.T) {
			dir := t.TempDir()
			writeConfig(t, dir, "main.hcl", `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

resource "usapi_account" "p" {
  for_each     = toset(["ani", "budi", "citra"])
  username     = "panic-${each.key}"
  password     = "Kartu-Prakerja-2026"
  first_name   = each.key
  last_name    = "Test"
  email        = "${each.key}@example.id"
  phone_number = each.key == "ani" ? "6281234500001" : each.key == "budi" ? "6281234500002" : "6281234500003"
  registration = "internal"
}
`)
			stdout, stderr, code := binrun.Run(t, bin(t), dir, []string{"DAFTAR_DEBUG_PANIC=" + where}, args...)
			text := stdout + stderr
			if code != 1 || !strings.Contains(stderr, "daftar crashed: this is a bug; please report it. The error was: DAFTAR_DEBUG_PANIC="+where) {
				t.Fatalf("exit %d, output:\n%s", code, text)
			}
			if strings.Contains(text, "goroutine ") || strings.Contains(text, ".go:") {
				t.Fatalf("a Go stack trace on the terminal:\n%s", text)
			}
			files, _ := filepath.Glob(filepath.Join(dir, ".daftar", "crash-*.log"))
			if len(files) != 1 || !strings.Contains(text, filepath.Base(files[0])) {
				t.Fatalf("crash files %v, output:\n%s", files, text)
			}
			report, err := os.ReadFile(files[0])
			if err != nil || !strings.Contains(string(report), "goroutine ") || !strings.Contains(string(report), where+"/") {
				t.Fatalf("the crash file lacks the %s worker's stack (%v):\n%s", where, err, report)
			}
			// The lock is released, and nothing was created.
			if list := must(t, 0, dir, "state", "list"); strings.TrimSpace(list.stdout) != "" {
				t.Errorf("the state holds records after the crash:\n%s", list)
			}
			must(t, 0, dir, "plan")
		})
	}
}
