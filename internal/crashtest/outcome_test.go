package crashtest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledOutcomeApplyFinishesExactlyOnce: the apply that records the
// outcomes of a batch's verifications (scripts/bench.sh's "reads their
// outcome"), printed for people (not -json): the refresh reads each
// verification's final status, and apply writes the records with no
// request, from a lazy block of refreshed no-ops (the planner's
// lazyoutcomes.go), the accounts kept without steps. Killed with SIGKILL
// while it writes them, it leaves a state from which the next apply
// records the rest: every verification once, none created again (the
// tokens spent equal to the verifications declared), each record holding
// the status Proofylink holds, the outputs counting them all, and no
// outcome left for a plan to find.
func TestKilledOutcomeApplyFinishesExactlyOnce(t *testing.T) {
	const people, tokens, delay = crashPeople, crashTokens, 3 * time.Second
	sb := StartSandbox(t, bin, "-latency=2ms", fmt.Sprintf("-verify-delay=%s", delay), fmt.Sprintf("-tokens=%d", tokens))
	dir := t.TempDir()
	Batch{Accounts: people, SandboxURL: sb.URL(), RateLimit: 0, ReadAccounts: true}.Write(t, dir)
	if p := Run(t, bin, dir, "apply", "-auto-approve", "-parallelism=20"); p.Code() != 0 {
		t.Fatalf("the accounts were not applied:\n%s", p)
	}
	Batch{Accounts: people, Verifications: people, SandboxURL: sb.URL(), RateLimit: 0, ReadAccounts: true, Outputs: true}.Write(t, dir)
	if p := Run(t, bin, dir, "apply", "-auto-approve", "-parallelism=20"); p.Code() != 0 {
		t.Fatalf("the verifications were not applied:\n%s", p)
	}
	time.Sleep(delay + 500*time.Millisecond) // every verification final at Proofylink
	// The outcome apply writes 150 records in a fraction of a second: it
	// is run again from the same start until a kill lands among them (its
	// refresh sends only reads, so the sandbox stays as it was).
	start := filepath.Join(t.TempDir(), "start")
	copyDir(t, dir, start)
	// The kill comes once some of them are in the journal, as many as the
	// seed says (its first tries), then as soon as one is.
	target := 1 + int(Seed(t)%uint64(people/2))
	cut := false
	for try := 0; try < 8 && !cut; try++ {
		if try > 0 {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			copyDir(t, start, dir)
		}
		p := Start(t, bin, dir, "apply", "-auto-approve", "-parallelism=1")
		at := target
		if try >= 4 {
			at = 1
		}
		p.WaitUntil(t.Context(), func() bool { return journalOutcomes(t, dir) >= at })
		p.Signal(syscall.SIGKILL)
		if !p.WaitFor(time.Minute) {
			t.Fatalf("the killed apply did not end:\n%s", p)
		}
		n := journalOutcomes(t, dir)
		t.Logf("try %d: killed with %d of %d outcomes recorded", try+1, n, people)
		cut = n > 0 && n < people
	}
	if !cut {
		t.Fatalf("no kill landed while the outcomes were recorded")
	}
	var last *Proc
	for range crashFinishes {
		last = Run(t, bin, dir, "apply", "-auto-approve", "-parallelism=20")
		checkNoRace(t, last)
		if last.Code() == 0 {
			break
		}
	}
	if last.Code() != 0 {
		t.Fatalf("the apply did not succeed in %d runs after the kill; the last:\n%s", crashFinishes, last)
	}
	rec := sb.Records()
	checkExactlyOnce(t, rec, people, people, tokens)
	want := map[string]string{}
	for _, v := range rec.Verifications {
		want[v.ReferenceCode] = v.Status
	}
	got := stateStatuses(t, dir)
	if len(got) != people {
		t.Errorf("%d verifications in the state, want %d", len(got), people)
	}
	for code, status := range got {
		if status != want[code] || (status != "completed" && status != "failed") {
			t.Errorf("verification %s recorded as %q, Proofylink holds %q", code, status, want[code])
		}
	}
	checkStateAndPlan(t, dir, people, people)
	if plan := Run(t, bin, dir, "plan"); strings.Contains(plan.Stdout(), "finished since the last run") {
		t.Errorf("the next plan found outcomes left to record:\n%s", plan)
	}
	for _, name := range []string{"registered", "verified"} {
		if out := Run(t, bin, dir, "output", "-raw", name); out.Code() != 0 || strings.TrimSpace(out.Stdout()) != fmt.Sprint(people) {
			t.Errorf("output %s: %q, want %d:\n%s", name, out.Stdout(), people, out)
		}
	}
}

// journalOutcomes counts the final statuses the state's journal holds: the
// records an outcome apply has written so far.
func journalOutcomes(t *testing.T, dir string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, ".daftar", "journal", "*"))
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // compacted meanwhile
		}
		n += strings.Count(string(b), `"status":"completed"`) + strings.Count(string(b), `"status":"failed"`)
	}
	return n
}

// stateStatuses are the verifications' statuses in dir's state file, by
// reference code.
func stateStatuses(t *testing.T, dir string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "daftar.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type       string `json:"type"`
			Attributes struct {
				ReferenceCode string `json:"reference_code"`
				Status        string `json:"status"`
			} `json:"attributes"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range st.Resources {
		if r.Type == "proofylink_verification" {
			out[r.Attributes.ReferenceCode] = r.Attributes.Status
		}
	}
	return out
}

// copyDir copies the directory src to dst, modes and times kept.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("cp -a %s %s: %s: %s", src, dst, err, out)
	}
}
