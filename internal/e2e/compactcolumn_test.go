package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// TestBatchReadPerRowPlanPrintedAsSaved: the accounts a verification per
// row reads (usapi_account.person[each.key].email; rowsDir) are kept without a
// change each by a plan only printed (planner.Request.CompactNoOps), the
// e-mails the verifications read predicted from their records; what plan
// prints and its exit code are those of the same plan saved with -out
// (which plans every instance in full): unchanged, and with an account's
// recorded e-mail changed, whose verification is planned with that
// account's own e-mail, no other's.
func TestBatchReadPerRowPlanPrintedAsSaved(t *testing.T) {
	sb := startSandbox(t)
	const n = 120 // a batch: more than 100 instances
	dir := rowsDir(t, sb.URL(), n)
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, fmt.Sprintf("Apply complete! Resources: %d added", 2*n+1)) // and the team lead

	// printed compares the plan printed alone with the plan saved.
	printed := func(code int) string {
		t.Helper()
		alone := must(t, code, dir, "plan", "-refresh=false", "-detailed-exitcode")
		saved := must(t, code, dir, "plan", "-refresh=false", "-detailed-exitcode", "-out=saved.plan")
		shown, _, _ := strings.Cut(saved.stdout, "\nSaved the plan to: ")
		if alone.stdout != shown || alone.stderr != saved.stderr {
			t.Errorf("plan printed\n%s\n%s\nsaved, it printed\n%s\n%s", alone.stdout, alone.stderr, saved.stdout, saved.stderr)
		}
		return alone.stdout
	}
	if out := printed(0); !strings.Contains(out, "No changes.") {
		t.Errorf("no change: printed\n%s", out)
	}

	// The account's e-mail as recorded differs from its row (USAPI has no
	// endpoint to change it): with -refresh=false the account is a no-op
	// from its digest, and its verification reads the recorded e-mail.
	p7, p8 := crashtest.PersonAt(7), crashtest.PersonAt(8)
	stateFile := filepath.Join(dir, "daftar.state.json")
	data, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	edited := 0
	for i, l := range lines {
		if strings.Contains(l, fmt.Sprintf(`"address":"usapi_account.person[\"%s\"]"`, p7.Username)) {
			lines[i] = strings.Replace(l, `"email":"`+p7.Email+`"`, `"email":"baru.`+p7.Email+`"`, 1)
			edited++
		}
	}
	if edited != 1 {
		t.Fatalf("%d records of %s edited", edited, p7.Username)
	}
	if err := os.WriteFile(stateFile, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	out := printed(2)
	if !strings.Contains(out, fmt.Sprintf(`proofylink_verification.person["%s"]`, p7.Username)) || strings.Contains(out, fmt.Sprintf(`usapi_account.person["%s"]`, p7.Username)) ||
		!strings.Contains(out, "baru."+p7.Email) || strings.Contains(out, p8.Username) {
		t.Errorf("an account's recorded e-mail changed: printed\n%s", out)
	}
}
