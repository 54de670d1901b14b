package crashtest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The rate-limit figure of issue 5: against a sandbox answering 429 above
// -max-rps=N, providers with rate_limit = N apply a few hundred creates
// with no 429 at all. The pace they reach is logged, measured on the
// audit log (each provider's POST requests, the registrations, logins,
// profiles and verifications that pace a batch, over the time from its
// first to its last: the plan's reads, such as Proofylink's look for
// existing verifications when the first create is planned, come before
// the apply and would count the planning's time); it is not asserted, as
// a loaded machine makes any process slower (docs/reliability.md).
func TestRateLimitFigure(t *testing.T) {
	const rate = 20
	sb := StartSandbox(t, bin, "-max-rps=20", "-verify-delay=0s")
	dir := t.TempDir()
	Batch{Accounts: 50, Verifications: 100, SandboxURL: sb.URL(), RateLimit: rate}.Write(t, dir)
	p := Run(t, bin, dir, "apply", "-auto-approve", "-parallelism=20")
	if p.Code() != 0 {
		t.Fatalf("apply:\n%s", p)
	}
	rec := sb.Records()
	if rec.Requests.Throttled != 0 {
		t.Errorf("the sandbox answered %d requests with 429, want none", rec.Requests.Throttled)
	}
	perProvider := auditTimes(t, filepath.Join(dir, "daftar.audit.jsonl"))
	for _, provider := range []string{"usapi", "proofylink"} {
		times := perProvider[provider]
		if len(times) < 100 {
			t.Fatalf("%s: %d requests in the audit log, want at least 100", provider, len(times))
		}
		got := float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
		t.Logf("%s: %d requests at %.2f/s (rate_limit %d)", provider, len(times), got, rate)
	}
	checkExactlyOnce(t, rec, 50, 100, 1000)
}

// auditTimes reads when each request was sent, by provider, from the
// audit log, and fails on any 429 there.
func auditTimes(t *testing.T, path string) map[string][]time.Time {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]time.Time{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Event    string    `json:"event"`
			Time     time.Time `json:"time"`
			Provider string    `json:"provider"`
			Status   int       `json:"status"`
			Path     string    `json:"path"`
			Method   string    `json:"method"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("audit log: %v", err)
		}
		if line.Event != "request" {
			continue
		}
		if line.Status == 429 {
			t.Errorf("429 for %s in the audit log", line.Path)
		}
		if line.Method == "POST" {
			out[line.Provider] = append(out[line.Provider], line.Time)
		}
	}
	return out
}
