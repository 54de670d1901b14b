package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// TestReplaceOneVerificationOfBatch: -replace of one verification of a
// batch with a verification per row (rowsDir) keeps the batch's fast
// paths (the planner's prediction and compaction), the replaced instance
// a step of its own: what plan prints is the plan saved with -out, and
// the apply spends one token, creates one verification and leaves every
// other record of the state as it was.
func TestReplaceOneVerificationOfBatch(t *testing.T) {
	sb := startSandbox(t)
	const n = 120 // a batch: more than 100 instances
	dir := rowsDir(t, sb.URL(), n)
	must(t, 0, dir, "apply", "-auto-approve")
	p7 := crashtest.PersonAt(7)
	replaced := fmt.Sprintf(`proofylink_verification.person["%s"]`, p7.Username)

	alone := must(t, 2, dir, "plan", "-refresh=false", "-detailed-exitcode", "-replace="+replaced)
	saved := must(t, 2, dir, "plan", "-refresh=false", "-detailed-exitcode", "-replace="+replaced, "-out=saved.plan")
	shown, _, _ := strings.Cut(saved.stdout, "\nSaved the plan to: ")
	if alone.stdout != shown || alone.stderr != saved.stderr {
		t.Errorf("plan printed\n%s\n%s\nsaved, it printed\n%s\n%s", alone.stdout, alone.stderr, saved.stdout, saved.stderr)
	}
	contains(t, alone, replaced+" must be replaced", "Plan: 0 to add, 0 to change, 1 to replace, 0 to forget.")

	records := func() map[string]string {
		t.Helper()
		var st struct {
			Resources []json.RawMessage `json:"resources"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "daftar.state.json"))), &st); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, raw := range st.Resources {
			var r struct{ Address string }
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			out[r.Address] = string(raw)
		}
		return out
	}
	before, tokens := records(), sb.Records().TokensLeft
	verifications := len(sb.Records().Verifications)

	must(t, 0, dir, "apply", "-auto-approve", "-refresh=false", "-replace="+replaced)
	after, recs := records(), sb.Records()
	if spent := tokens - recs.TokensLeft; spent != 1 {
		t.Errorf("%d tokens spent, want 1", spent)
	}
	if got := len(recs.Verifications); got != verifications+1 {
		t.Errorf("%d verifications on the sandbox, want %d", got, verifications+1)
	}
	if len(after) != len(before) || len(before) != 2*n+1 {
		t.Errorf("%d records after, %d before, want %d", len(after), len(before), 2*n+1)
	}
	for addr, rec := range before {
		if changed := after[addr] != rec; changed != (addr == replaced) {
			t.Errorf("%s: record changed %v, want %v", addr, changed, addr == replaced)
		}
	}
	contains(t, must(t, 0, dir, "plan", "-refresh=false", "-detailed-exitcode"), "No changes.")
}
