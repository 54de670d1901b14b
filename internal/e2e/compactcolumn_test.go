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

// TestBatchRowsChangedPlanPrintedAsSaved: the nightly change of a batch
// with a verification per row (rowsDir) — a row added, one whose NIK
// changed (USAPI changes none of an account's fields: only its
// verification changes), one gone, one renamed — plans the accounts not
// kept compactly as holes in the e-mails the verifications read (planner's
// predictColumn; predictValues with the team lead, whose dependence on the
// accounts keeps their configurations, and with -out), and evaluates again
// only the verifications that read one; what plan prints, as text and as
// JSON, and its exit code are those of the same plan saved with -out, and
// the apply that follows leaves a state whose plan has no change.
func TestBatchRowsChangedPlanPrintedAsSaved(t *testing.T) {
	for _, lead := range []bool{false, true} {
		t.Run(fmt.Sprintf("lead=%v", lead), func(t *testing.T) { rowsChangedPrintedAsSaved(t, lead) })
	}
}

func rowsChangedPrintedAsSaved(t *testing.T, lead bool) {
	sb := startSandbox(t)
	const n = 120 // a batch: more than 100 instances
	dir := rowsDir(t, sb.URL(), n)
	if !lead {
		// Without the team lead, an account of the same provider that
		// depends on the others: scripts/bench.sh's shape, whose unchanged
		// accounts the pre-pass keeps compactly (a provider with a
		// dependent resource keeps its configurations: dropAllowed).
		hcl := filepath.Join(dir, "main.hcl")
		src, err := os.ReadFile(hcl)
		if err != nil {
			t.Fatal(err)
		}
		start := strings.Index(string(src), `resource "usapi_account" "lead" {`)
		end := strings.Index(string(src), `output "accounts"`)
		if start < 0 || end < start {
			t.Fatalf("no team lead in\n%s", src)
		}
		if err := os.WriteFile(hcl, append(src[:start:start], src[end:]...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must(t, 0, dir, "apply", "-auto-approve")

	csvFile := filepath.Join(dir, "people.csv")
	data, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	row := func(p crashtest.Person) string {
		return fmt.Sprintf("%s,%s,%s,%s,%s,%s", p.Username, p.FirstName, p.LastName, p.Email, p.Phone, p.NIK)
	}
	changed, gone, renamed, added := crashtest.PersonAt(5), crashtest.PersonAt(8), crashtest.PersonAt(9), crashtest.PersonAt(n)
	newName := crashtest.PersonAt(n + 1)
	newName.Username = "baru0009"
	rows := string(data)
	rows = strings.Replace(rows, row(changed)+"\n", strings.Replace(row(changed), changed.NIK, "3171010101909999", 1)+"\n", 1)
	rows = strings.Replace(rows, row(gone)+"\n", "", 1)
	rows = strings.Replace(rows, row(renamed)+"\n", row(newName)+"\n", 1)
	rows += row(added) + "\n"
	if err := os.WriteFile(csvFile, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, format := range [][]string{nil, {"-json"}} {
		args := append([]string{"plan", "-refresh=false", "-detailed-exitcode"}, format...)
		alone := must(t, 2, dir, args...)
		saved := must(t, 2, dir, append(args, "-out=saved.plan")...)
		shown, _, _ := strings.Cut(saved.stdout, "\nSaved the plan to: ")
		if format != nil {
			shown = saved.stdout // the JSON says where it saved the plan: compared below without
			alone.stdout = dropSaved(alone.stdout)
			shown = dropSaved(shown)
		}
		if alone.stdout != shown || alone.stderr != saved.stderr {
			t.Errorf("plan %v printed\n%s\n%s\nsaved, it printed\n%s\n%s", format, alone.stdout, alone.stderr, saved.stdout, saved.stderr)
		}
		if format != nil {
			continue
		}
		for _, want := range []string{
			fmt.Sprintf(`usapi_account.person["%s"] will be created`, added.Username),
			fmt.Sprintf(`proofylink_verification.person["%s"] will be created`, added.Username),
			fmt.Sprintf(`proofylink_verification.person["%s"]`, changed.Username),
			fmt.Sprintf(`usapi_account.person["%s"] will be created`, newName.Username),
			fmt.Sprintf(`usapi_account.person["%s"]`, gone.Username),
			fmt.Sprintf(`usapi_account.person["%s"]`, renamed.Username),
		} {
			if !strings.Contains(alone.stdout, want) {
				t.Errorf("plan lacks %q:\n%s", want, alone.stdout)
			}
		}
	}
	must(t, 0, dir, "apply", "-auto-approve")
	contains(t, must(t, 0, dir, "plan", "-refresh=false", "-detailed-exitcode"), "No changes.")
	contains(t, must(t, 0, dir, "output"), fmt.Sprintf("accounts = %d", n))
}

// dropSaved is a JSON plan's lines without the one that says where the
// plan was saved.
func dropSaved(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.Contains(l, "saved.plan") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
