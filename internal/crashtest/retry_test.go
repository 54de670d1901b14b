package crashtest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A run's retries are counted against its budget and reported at the end
// of apply, in the text output before the summary line and in -json's
// summary event. With -error-rate=0.2 only the requests that are safe to
// repeat are retried (reads, and USAPI's /auth, /check/email and
// /update-basic-profile): the report must match the 500s the audit log
// shows for them (each retried, except the fifth in a row).
func TestRetriesReported(t *testing.T) {
	sb := StartSandbox(t, bin, "-error-rate=0.2", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 20, Verifications: 20, SandboxURL: sb.URL(), RateLimit: 200}.Write(t, dir)
	p := Run(t, bin, dir, "apply", "-auto-approve")
	m := regexp.MustCompile(`\nRetried (\d+) requests? \(budget 1000\)\.\n\n(?:Changes: [^\n]*\n\n)?(Apply [a-z]+!)`).FindStringSubmatch(p.Stdout())
	if m == nil {
		t.Fatalf("want \"Retried N requests (budget 1000).\" before the summary line:\n%s", p)
	}
	retried, _ := strconv.Atoi(m[1])
	failed := safeFailures(t, filepath.Join(dir, "daftar.audit.jsonl"))
	checkNoBlindResend(t, filepath.Join(dir, "daftar.audit.jsonl"))
	if retried == 0 || retried > failed || 5*retried < 4*failed {
		t.Errorf("reported %d retries; the audit log shows %d failed answers to requests safe to repeat", retried, failed)
	}

	// -json: the summary event carries the figures.
	// A read the sandbox answers 500 five times in a row (one in 3,125
	// at -error-rate=0.2) fails the plan, which ends with its diagnostic
	// and no summary, as Terraform's does: the next apply goes on from
	// there, and must end with the summary.
	Batch{Accounts: 30, Verifications: 30, SandboxURL: sb.URL(), RateLimit: 200}.Write(t, dir)
	var summary struct {
		Type        string `json:"type"`
		Retries     *int   `json:"retries"`
		RetryBudget *int   `json:"retry_budget"`
	}
	var j *Proc
	var err error
	for range 3 {
		j = Run(t, bin, dir, "apply", "-auto-approve", "-json")
		lines := strings.Split(strings.TrimSpace(j.Stdout()), "\n")
		summary.Type = ""
		if err = json.Unmarshal([]byte(lines[len(lines)-1]), &summary); err == nil && summary.Type == "change_summary" || !planFailed(lines) {
			break
		}
	}
	if err != nil || summary.Type != "change_summary" {
		t.Fatalf("the last -json event must be the summary (%v):\n%s", err, j)
	}
	if summary.Retries == nil || *summary.Retries == 0 || summary.RetryBudget == nil || *summary.RetryBudget != 1000 {
		t.Errorf("summary event: retries %v, retry_budget %v; want the run's retries and 1000", summary.Retries, summary.RetryBudget)
	}
}

// checkNoBlindResend reads the audit log resource by resource: a create
// answered 5xx (which may come after the API acted) is never followed by
// the same create without a resolution request in between.
func checkNoBlindResend(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	failedCreate := map[string]bool{} // by resource: its last request was a failed create
	resolved := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Resource, Method, Path string
			Status                 int
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Resource == "" {
			continue
		}
		create := line.Method == "POST" && (strings.HasSuffix(line.Path, "/signup") || strings.HasSuffix(line.Path, "-consent"))
		if create && failedCreate[line.Resource] {
			t.Errorf("%s: %s sent again right after a 5xx, without asking the API what became of the first", line.Resource, line.Path)
		}
		if !create && failedCreate[line.Resource] {
			resolved++
		}
		failedCreate[line.Resource] = create && line.Status >= 500
	}
	if resolved == 0 {
		t.Error("no create answered 5xx was resolved: the test proves nothing about resends")
	}
}

// safeFailures counts the 5xx answers to requests that are safe to repeat
// in the audit log.
func safeFailures(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Method, Path string
			Status       int
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		idempotent := strings.HasSuffix(line.Path, "/auth") || strings.HasSuffix(line.Path, "/check/email") ||
			strings.HasSuffix(line.Path, "/update-basic-profile")
		if line.Status >= 500 && (line.Method == "GET" || idempotent) {
			n++
		}
	}
	return n
}

// planFailed reports whether a -json apply's events end before apply
// started: its plan failed (no "apply_start" event).
func planFailed(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, `"type":"apply_start"`) {
			return false
		}
	}
	return true
}
