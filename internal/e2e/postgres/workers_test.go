package postgres_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// batchConfig is people accounts and as many verifications of them, each
// verification using its account's e-mail (so the verifications wait for
// the accounts), against the standalone sandbox at url, the state in
// PostgreSQL schema.
func batchConfig(url, schema string, people, rate int) map[string]string {
	return map[string]string{
		"backend.hcl": fmt.Sprintf("daftar {\n  backend \"postgres\" {\n    schema_name = %q\n  }\n}\n", schema),
		"main.hcl": fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%[1]s/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = %[3]d
}
provider "proofylink" {
  endpoint   = "%[1]s/proofylink"
  token      = "sandbox-proofylink-token"
  rate_limit = %[3]d
}
locals {
  # range() stops at 1024 values: hundreds times units.
  people = { for i in flatten([for h in range(ceil(%[2]d / 100)) : [for u in range(100) : h * 100 + u]]) : format("u%%04d", i) => i if i < %[2]d }
}
resource "usapi_account" "p" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = "Person"
  last_name    = each.key
  email        = "${each.key}@example.id"
  phone_number = format("62813%%08d", each.value)
  registration = "internal"
}
resource "proofylink_verification" "p" {
  for_each             = local.people
  consent              = "email"
  verification_type_id = 1
  id_number            = format("32730110079%%05d", each.value + 1)
  full_name            = "Person ${each.key}"
  email                = usapi_account.p[each.key].email
  phone_number         = format("62813%%08d", each.value)
  ktp_image            = "ktp.jpg"
}
output "accounts" { value = length(usapi_account.p) }
`, url, people, rate),
	}
}

// One plan of 3,000 resources applied by three worker processes, each in
// its own directory as on its own machine, one of them killed with
// SIGKILL midway: every account and verification is created exactly once,
// the sandbox (whose -max-rps equals the providers' rate_limit) never
// throttled a request, so the three together kept to the rate limit, and
// the state holds every resource with nothing left to plan.
func TestThreeWorkersOneBatchOneKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("a batch of 3,000 resources takes about a minute")
	}
	const people, rate = 1500, 60
	schema := pgtest.Schema(t)
	url := sandbox(t, fmt.Sprintf("-max-rps=%d", rate), "-tokens=10000", "-verify-delay=100ms")
	ktp, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "quickstart", "ktp", "ani.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 3)
	for i := range dirs {
		dirs[i] = t.TempDir()
		writeFiles(t, dirs[i], batchConfig(url, schema, people, rate))
		writeFiles(t, dirs[i], map[string]string{"ktp.jpg": string(ktp)})
	}
	must(t, 0, dirs[0], "plan", "-out=batch.plan")
	plan, err := os.ReadFile(filepath.Join(dirs[0], "batch.plan"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs[1:] {
		writeFiles(t, d, map[string]string{"batch.plan": string(plan)})
	}

	workers := make([]*exec.Cmd, 3)
	for i, d := range dirs {
		workers[i] = startWorker(t, d)
	}
	waitFor(t, 3*time.Minute, func() bool { return len(readSandbox(t, url).Accounts) >= people/3 })
	if err := workers[1].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	workers[1].Wait()
	for _, i := range []int{0, 2} {
		if err := waitExit(workers[i], 4*time.Minute); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, tail(dirs[i], "out"))
		}
	}

	sb := readSandbox(t, url)
	names := map[string]bool{}
	for _, a := range sb.Accounts {
		names[a.Username] = true
	}
	if n := len(names); len(sb.Accounts) != people || n != people {
		t.Errorf("the sandbox holds %d accounts (%d usernames), want %d, each once", len(sb.Accounts), n, people)
	}
	ids := map[string]int{}
	for _, v := range sb.Verifications {
		ids[v.IDNumber]++
	}
	if len(sb.Verifications) != people || len(ids) != people {
		t.Errorf("the sandbox holds %d verifications of %d NIKs, want %d, each once", len(sb.Verifications), len(ids), people)
	}
	if sb.Requests.Throttled != 0 {
		t.Errorf("the sandbox throttled %d of %d requests: the workers together went above rate_limit = %d/s", sb.Requests.Throttled, sb.Requests.Total, rate)
	}
	list := must(t, 0, dirs[2], "state", "list")
	if n := strings.Count(list.stdout, "\n"); n != 2*people {
		t.Errorf("state list shows %d resources, want %d", n, 2*people)
	}
	must(t, 0, dirs[0], "plan", "-detailed-exitcode", "-refresh=false")
	if killed, _ := os.ReadFile(filepath.Join(dirs[1], "daftar.audit.jsonl")); strings.Count(string(killed), "\n") == 0 {
		t.Error("the killed worker made no request before it was killed: the test killed it too early to show anything")
	}
	checkAuditRate(t, dirs, rate)
	for _, i := range []int{0, 2} {
		must(t, 0, dirs[i], "audit", "verify")
	}
	t.Logf("sandbox: %d requests, %d throttled; workers: 0 %q, 2 %q", sb.Requests.Total, sb.Requests.Throttled, lastLine(dirs[0]), lastLine(dirs[2]))
}

func startWorker(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd := exec.Command(daftarBin, "apply", "-join", "-parallelism=8", "batch.plan")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env(t), out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd
}

func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > limit {
			t.Fatalf("gave up waiting after %v", limit)
		}
	}
}

func waitExit(cmd *exec.Cmd, limit time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		cmd.Process.Kill()
		return fmt.Errorf("still running after %v", limit)
	}
}

func tail(dir, name string) string {
	data, _ := os.ReadFile(filepath.Join(dir, name))
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

func lastLine(dir string) string {
	lines := strings.Split(strings.TrimSpace(tail(dir, "out")), "\n")
	return lines[len(lines)-1]
}

// checkAuditRate merges the three workers' audit logs (each writes its
// own) and checks that no window of five seconds holds more requests to
// one API than rate allows, within 5%: a line's time is taken when the
// exchange is logged, so each request's own latency moves it a little
// (the sandbox's throttled counter above is the exact check).
func checkAuditRate(t *testing.T, dirs []string, rate int) {
	t.Helper()
	const window = 5 * time.Second
	times := map[string][]time.Time{}
	for _, d := range dirs {
		f, err := os.Open(filepath.Join(d, "daftar.audit.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Event    string    `json:"event"`
				Time     time.Time `json:"time"`
				Provider string    `json:"provider"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Provider != "" && line.Event == "request" {
				times[line.Provider] = append(times[line.Provider], line.Time)
			}
		}
		f.Close()
	}
	if len(times) == 0 {
		t.Fatal("the audit logs hold no request")
	}
	for p, ts := range times {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		most := 0
		for i, j := 0, 0; j < len(ts); j++ {
			for ts[j].Sub(ts[i]) >= window {
				i++
			}
			most = max(most, j-i+1)
		}
		if limit := rate * 5 * 105 / 100; most > limit {
			t.Errorf("the audit logs show %d requests to %s within %v, rate_limit %d/s allows %d", most, p, window, rate, rate*5)
		}
		t.Logf("%s: %d requests in the audit logs, at most %d in %v", p, len(ts), most, window)
	}
}
