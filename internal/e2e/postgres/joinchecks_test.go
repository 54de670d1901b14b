package postgres_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// apply -join checks what only apply can decide, as apply does: a
// postcondition left to apply that fails is an error (exit 1), and a
// check block's assertion that fails with the applied values a warning.
// The worker that closes the batch reports them, once.
func TestJoinRunsApplyTimeChecks(t *testing.T) {
	schema := pgtest.Schema(t)
	url := sandbox(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"backend.hcl": fmt.Sprintf("daftar {\n  backend \"postgres\" {\n    schema_name = %q\n  }\n}\n", schema),
		"main.hcl": fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%s/usapi"
  basic_auth = "sandbox-usapi-key"
}
resource "usapi_account" "p" {
  for_each     = toset(["u0001", "u0002"])
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = "Person"
  last_name    = each.key
  email        = "${each.key}@example.id"
  phone_number = each.key == "u0001" ? "6281300000001" : "6281300000002"
  registration = "internal"
  lifecycle {
    postcondition {
      condition     = self.registered_at == "never"
      error_message = "registered_at is not never."
    }
  }
}
check "accounts_registered" {
  assert {
    condition     = alltrue([for a in usapi_account.p : a.registered_at == "never"])
    error_message = "some account has a registration time."
  }
}
`, url),
	})
	must(t, 0, dir, "plan", "-out=batch.plan")
	r := daftar(t, dir, "apply", "-join", "batch.plan")
	out := r.stdout + r.stderr
	if r.code != 1 || strings.Count(out, "Error: Resource postcondition failed") != 1 || !strings.Contains(out, "registered_at is not never.") ||
		strings.Count(out, "Warning: Check block accounts_registered assertion failed") != 1 || !strings.Contains(out, "some account has a registration time.") {
		t.Fatalf("want exit 1 with the postcondition error and the check warning, once each:\n%s", r)
	}
}

// A data source scoped to a check block, read during apply -join by
// whichever worker claims it, fails as a warning; every worker's summary
// lists the batch's warnings, so the one that closes the batch shows it
// whoever did the read, and the apply succeeds.
func TestJoinReportsFailedScopedRead(t *testing.T) {
	schema := pgtest.Schema(t)
	url := sandbox(t)
	files := map[string]string{
		"backend.hcl": fmt.Sprintf("daftar {\n  backend \"postgres\" {\n    schema_name = %q\n  }\n}\n", schema),
		"main.hcl": fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%[1]s/usapi"
  basic_auth = "sandbox-usapi-key"
}
provider "prakerja" {
  endpoint    = "%[1]s/prakerja"
  client_code = "sandbox-client"
}
resource "usapi_account" "p" {
  for_each     = toset(["w0001", "w0002", "w0003", "w0004"])
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = "Person"
  last_name    = each.key
  email        = "${each.key}@example.id"
  phone_number = "628130000${substr(each.key, 1, 4)}"
  registration = "internal"
}
check "profile" {
  data "prakerja_profile" "q" {
    access_token = "sbx-expired-${usapi_account.p["w0001"].registered_at}"
  }
  assert {
    condition     = data.prakerja_profile.q.name != ""
    error_message = "never shown: the read fails first"
  }
}
output "closed" {
  value = "this worker closed the batch"
}
`, url),
	}
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		writeFiles(t, d, files)
	}
	must(t, 0, dirs[0], "plan", "-out=batch.plan")
	plan, err := os.ReadFile(filepath.Join(dirs[0], "batch.plan"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dirs[1], map[string]string{"batch.plan": string(plan)})
	workers := []*exec.Cmd{startWorker(t, dirs[0]), startWorker(t, dirs[1])}
	closers := 0
	for i, w := range workers {
		err := waitExit(w, 2*time.Minute)
		out, _ := os.ReadFile(filepath.Join(dirs[i], "out"))
		if err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, out)
		}
		if strings.Contains(string(out), "Error") || strings.Contains(string(out), "never shown") {
			t.Errorf("worker %d reports an error, or evaluated the check's assertion:\n%s", i, out)
		}
		if !strings.Contains(string(out), "this worker closed the batch") {
			continue
		}
		closers++
		if !strings.Contains(string(out), "Warnings of the batch") || !strings.Contains(string(out), "data.prakerja_profile.q: Check block profile failed: Prakerja refused the request (ERROAUTH4051)") {
			t.Errorf("worker %d closed the batch without listing the failed scoped read:\n%s", i, out)
		}
	}
	if closers != 1 {
		t.Errorf("%d workers closed the batch, want 1", closers)
	}
}
