package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// TestBatchNoChangePlanPrintedAsSaved: plan keeps a batch's unchanged
// instances without a change each (planner.Request.CompactNoOps); what it
// prints and its exit code are those of the same plan saved with -out, with
// nothing changed, and with a row changed, one new and one gone beside the
// unchanged ones; the saved plan lists every instance, no-ops included,
// and plan -json the same changes (both make each no-op as they write it,
// planner.Result.Source);
// an apply then records what the plan said. An output reads the batch's
// keys (length), which the instances kept compactly are counted in.
func TestBatchNoChangePlanPrintedAsSaved(t *testing.T) {
	sb := startSandbox(t)
	dir := t.TempDir()
	const n = 120 // a batch: more than 100 instances
	writeCSV := func(rows map[int]string) {
		var b strings.Builder
		b.WriteString("username,first_name,email,phone,gender\n")
		for i := range n + 1 {
			if gender, ok := rows[i]; ok {
				p := crashtest.PersonAt(i)
				fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", p.Username, p.FirstName, p.Email, p.Phone, gender)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%s/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = "Batch"
  email        = each.value.email
  phone_number = each.value.phone
  registration = "internal"
  basic_profile {
    gender        = each.value.gender
    phone_number  = each.value.phone
    date_of_birth = "1990-08-12"
  }
}

output "accounts" {
  value = length(usapi_account.person)
}
`, sb.URL())
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := map[int]string{}
	for i := range n {
		rows[i] = "Perempuan"
	}
	writeCSV(rows)
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, fmt.Sprintf("Apply complete! Resources: %d added", n))

	// printed compares the plan printed alone with the plan saved, and
	// returns the saved plan's changes as show -json lists them.
	printed := func(code int) (string, []map[string]any) {
		t.Helper()
		alone := must(t, code, dir, "plan", "-refresh=false", "-detailed-exitcode")
		saved := must(t, code, dir, "plan", "-refresh=false", "-detailed-exitcode", "-out=saved.plan")
		shown, _, _ := strings.Cut(saved.stdout, "\nSaved the plan to: ")
		if alone.stdout != shown || alone.stderr != saved.stderr {
			t.Errorf("plan printed\n%s\n%s\nsaved, it printed\n%s\n%s", alone.stdout, alone.stderr, saved.stdout, saved.stderr)
		}
		var doc, planned struct {
			ResourceChanges []map[string]any `json:"resource_changes"`
		}
		js := must(t, 0, dir, "show", "-json", "saved.plan")
		if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil {
			t.Fatalf("%v: %s", err, js.stdout)
		}
		// plan -json writes the changes the plan file holds, but for
		// the password, which the file holds as unknown (its digest).
		pj := must(t, code, dir, "plan", "-refresh=false", "-detailed-exitcode", "-json")
		if err := json.Unmarshal([]byte(pj.stdout), &planned); err != nil {
			t.Fatalf("%v: %s", err, pj.stdout)
		}
		if got, want := withoutAfterUnknown(planned.ResourceChanges), withoutAfterUnknown(doc.ResourceChanges); got != want {
			t.Errorf("plan -json wrote the changes\n%s\nshow -json of the plan saved\n%s", got, want)
		}
		return alone.stdout, doc.ResourceChanges
	}
	actions := func(changes []map[string]any) map[string]int {
		out := map[string]int{}
		for _, c := range changes {
			acts, _ := c["change"].(map[string]any)["actions"].([]any)
			out[fmt.Sprint(acts)]++
		}
		return out
	}

	out, changes := printed(0)
	if !strings.Contains(out, "No changes.") || len(changes) != n || actions(changes)["[no-op]"] != n {
		t.Errorf("no change: printed\n%s\nsaved %d changes: %v", out, len(changes), actions(changes))
	}

	// One row fewer: the output changes.
	delete(rows, 9)
	writeCSV(rows)
	out, _ = printed(2)
	if !strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to replace, 1 to forget.") || !strings.Contains(out, fmt.Sprintf("accounts = %d", n-1)) {
		t.Errorf("a row fewer: printed\n%s", out)
	}
	rows[9] = "Perempuan"

	// Row 7's gender changed, row 8 gone, row n new.
	rows[7] = "Laki-Laki"
	delete(rows, 8)
	rows[n] = "Perempuan"
	writeCSV(rows)
	out, changes = printed(2)
	u7, u8, un := crashtest.PersonAt(7).Username, crashtest.PersonAt(8).Username, crashtest.PersonAt(n).Username
	if !strings.Contains(out, "Plan: 1 to add, 1 to change, 0 to replace, 1 to forget.") ||
		!strings.Contains(out, fmt.Sprintf(`usapi_account.person["%s"]`, u7)) || !strings.Contains(out, fmt.Sprintf(`usapi_account.person["%s"]`, u8)) ||
		!strings.Contains(out, fmt.Sprintf(`usapi_account.person["%s"]`, un)) {
		t.Errorf("changed rows: printed\n%s", out)
	}
	if got := actions(changes); len(changes) != n+1 || got["[no-op]"] != n-2 || got["[create]"] != 1 || got["[update]"] != 1 || got["[forget]"] != 1 {
		t.Errorf("changed rows: saved %d changes: %v", len(changes), got)
	}
	r = must(t, 0, dir, "apply", "-auto-approve", "-refresh=false")
	contains(t, r, "Apply complete! Resources: 1 added, 1 changed, 0 replaced, 1 forgotten.")
	out, changes = printed(0)
	if !strings.Contains(out, "No changes.") || len(changes) != n || actions(changes)["[no-op]"] != n {
		t.Errorf("after the apply: printed\n%s\nsaved %d changes: %v", out, len(changes), actions(changes))
	}
}

// withoutAfterUnknown spells changes as JSON without their
// change.after_unknown.
func withoutAfterUnknown(changes []map[string]any) string {
	for _, c := range changes {
		delete(c["change"].(map[string]any), "after_unknown")
	}
	data, _ := json.MarshalIndent(changes, "", " ")
	return string(data)
}
