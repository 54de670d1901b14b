package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// The batch features of issue 7 end to end: progress of a large apply,
// -target patterns, and -lock-timeout.

// batchDir writes a configuration of n accounts read from a CSV, on the
// embedded sandbox with no rate limit, plus extra configuration.
func batchDir(t *testing.T, n int, extra string) string {
	t.Helper()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("username,first_name,last_name,email,phone_number\n")
	for i := range n {
		fmt.Fprintf(&csv, "u%04d,Nama%d,Keluarga%d,u%04d@example.id,62812%08d\n", i, i, i, i, i)
	}
	src := `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "hire" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}
` + extra
	for name, content := range map[string]string{"main.hcl": src, "people.csv": csv.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// batchRun is daftar with extra environment variables (DAFTAR_ ones too).
func batchRun(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return daftarEnv(t, dir, env, args...)
}

// TestLargeApplyLogsProgress: without a terminal, an apply of more than 50
// changes prints progress lines at intervals instead of a line per change,
// and still ends with the summary.
func TestLargeApplyLogsProgress(t *testing.T) {
	dir := batchDir(t, 60, "")
	r := batchRun(t, dir, []string{"DAFTAR_PROGRESS_INTERVAL=1ms"}, "apply", "-auto-approve")
	if r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	contains(t, r, "apply: 60 changes; progress every 0s, and each failure as it happens.", "/60 done, 0 failed, ")
	if strings.Contains(r.stdout, "Creating...") || strings.Contains(r.stdout, "Creation complete") {
		t.Errorf("a large apply printed a line per change:\n%s", r)
	}
	if got := lastLine(r); got != "Apply complete! Resources: 60 added, 0 changed, 0 replaced, 0 forgotten." {
		t.Errorf("last line %q", got)
	}
	small := batchDir(t, 3, "")
	r = must(t, 0, small, "apply", "-auto-approve")
	contains(t, r, `usapi_account.hire["u0002"]: Creating...`)
	if strings.Contains(r.stdout, "/3 done") {
		t.Errorf("a small apply printed progress lines:\n%s", r)
	}
}

// TestApplyJSONProgressEvents: -json streams every change's events and a
// progress event per provider at intervals; the summary is last.
func TestApplyJSONProgressEvents(t *testing.T) {
	dir := batchDir(t, 60, "")
	r := batchRun(t, dir, []string{"DAFTAR_PROGRESS_INTERVAL=1ms"}, "apply", "-auto-approve", "-json")
	if r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	counts := map[string]int{}
	var last map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		typ, _ := e["type"].(string)
		counts[typ]++
		if typ == "progress" {
			if e["provider"] != "usapi" || e["total"] != float64(60) || e["in_flight"] == nil || e["rate_per_second"] == nil {
				t.Errorf("progress event %v", e)
			}
		}
		last = e
	}
	if counts["apply_start"] != 60 || counts["apply_complete"] != 60 || counts["progress"] == 0 {
		t.Errorf("events %v", counts)
	}
	if last["type"] != "change_summary" || last["added"] != float64(60) {
		t.Errorf("last event %v", last)
	}
}

// TestTargetPatterns: -target takes an instance address or a whole
// resource; only what it names (and what that depends on) changes.
func TestTargetPatterns(t *testing.T) {
	dir := batchDir(t, 3, `
resource "usapi_account" "lead" {
  username     = "lead"
  password     = "Batch-Onboarding-2026"
  first_name   = "Lead"
  last_name    = "Person"
  email        = "lead@example.id"
  phone_number = "6281299999999"
  registration = "internal"
}
`)
	r := must(t, 0, dir, "plan", `-target=usapi_account.hire["u0001"]`)
	if got := lastLine(r); got != "Plan: 1 to add, 0 to change, 0 to replace, 0 to forget." {
		t.Fatalf("targeted plan: %q\n%s", got, r)
	}
	must(t, 0, dir, "apply", "-auto-approve", `-target=usapi_account.hire["u0001"]`)
	assertState(t, dir, `usapi_account.hire["u0001"]`)

	must(t, 0, dir, "apply", "-auto-approve", "-target=usapi_account.hire")
	assertState(t, dir, `usapi_account.hire["u0000"]`, `usapi_account.hire["u0001"]`, `usapi_account.hire["u0002"]`)

	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 1 added")
	assertState(t, dir, `usapi_account.hire["u0000"]`, `usapi_account.hire["u0001"]`, `usapi_account.hire["u0002"]`, "usapi_account.lead")

	r = daftar(t, dir, "plan", "-target=usapi_account.hire[")
	if r.code != 1 || !strings.Contains(r.stderr, "Invalid -target address") {
		t.Errorf("a malformed -target: %s", r)
	}
}

func assertState(t *testing.T, dir string, want ...string) {
	t.Helper()
	r := must(t, 0, dir, "state", "list")
	if got := strings.Fields(r.stdout); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("state list:\n%s\nwant %v", r.stdout, want)
	}
}

// TestLockTimeoutWaitsForTheLock: while another holds the state lock, a
// command with -lock-timeout waits and then takes it; without, it fails at
// once and says who holds it.
func TestLockTimeoutWaitsForTheLock(t *testing.T) {
	dir := batchDir(t, 2, "")
	must(t, 0, dir, "apply", "-auto-approve")
	holder := state.NewLocal(filepath.Join(dir, "daftar.state.json"), state.LocalOptions{})
	defer holder.Close()
	unlock, err := holder.Lock(context.Background(), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatal(err)
	}

	r := must(t, 1, dir, "plan", "-lock-timeout=0s")
	contains(t, r, "the state is locked by apply")

	cmd := exec.Command(bin(t), "plan", "-lock-timeout=60s", "-detailed-exitcode")
	cmd.Dir = dir
	cmd.Env = withoutEnv(os.Environ(), "DAFTAR_")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("plan did not wait for the lock: %v\n%s", err, out.String())
	case <-time.After(500 * time.Millisecond):
	}
	if err := unlock.Unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("plan after the lock was released: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("plan still waits after the lock was released:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "No changes.") {
		t.Errorf("plan output:\n%s", out.String())
	}
}

// TestCSVRowsDiagnosedEach: a batch CSV with malformed rows fails plan
// before any request, with one diagnostic per bad row at the CSV's file,
// line and column, and its line shown.
func TestCSVRowsDiagnosedEach(t *testing.T) {
	dir := batchDir(t, 0, "")
	csv := "username,first_name,last_name,email,phone_number\n" +
		"ani,Ani,Lestari,ani@example.id,6281200000001\n" +
		"budi,Budi,budi@example.id,6281200000002\n" +
		"cici,Cici,Lestari,cici@example.id,6281200000003\n" +
		"dewi,Dewi,Lestari, Putri,dewi@example.id,6281200000004\n"
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	r := must(t, 1, dir, "plan")
	contains(t, r, "on people.csv:3:1", "3: budi,Budi,budi@example.id,6281200000002", "on people.csv:5:1", "Row at line 5 of people.csv")
	if n := strings.Count(r.stderr, "Error: Invalid CSV row"); n != 2 {
		t.Errorf("%d CSV diagnostics, want 2:\n%s", n, r)
	}
	if _, err := os.Stat(filepath.Join(dir, "daftar.audit.jsonl")); err == nil {
		t.Error("a request was made for a configuration with errors")
	}
}

// TestLargePlanShowsASample: a plan of more than 100 changes shows ten
// blocks of each resource and counts the rest; -json lists them all.
func TestLargePlanShowsASample(t *testing.T) {
	dir := batchDir(t, 120, "")
	r := must(t, 0, dir, "plan")
	if n := strings.Count(r.stdout, "will be created"); n != 10 {
		t.Errorf("%d blocks, want 10:\n%s", n, r.stdout)
	}
	contains(t, r, "# ... and 110 more changes of usapi_account.hire, not shown")
	if got := lastLine(r); got != "Plan: 120 to add, 0 to change, 0 to replace, 0 to forget." {
		t.Errorf("last line %q", got)
	}
	r = must(t, 0, dir, "plan", "-json")
	if n := strings.Count(r.stdout, `"action": "create"`); n != 120 {
		t.Errorf("plan -json lists %d creates, want 120", n)
	}
}

// TestRateLimitDefaultsToTen: a provider block without rate_limit sends
// at most 10 requests a second (the contract's default); rate_limit = 0,
// used by the other tests here, means no limit.
func TestRateLimitDefaultsToTen(t *testing.T) {
	dir := batchDir(t, 12, "")
	editFile(t, filepath.Join(dir, "main.hcl"), "  rate_limit = 0\n", "")
	must(t, 0, dir, "apply", "-auto-approve")
	data, err := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e struct {
			Event string    `json:"event"`
			Time  time.Time `json:"time"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.Event == "request" {
			times = append(times, e.Time)
		}
	}
	if len(times) != 12 {
		t.Fatalf("%d requests, want 12", len(times))
	}
	first, last := times[0], times[0]
	for _, at := range times {
		if at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	if span := last.Sub(first); span < time.Second {
		t.Errorf("12 requests in %s: faster than 10 a second", span)
	}
}
