package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// TestBatchLocalAsTable: the batch's local, { for row in
// csvdecode(file("people.csv")) : row.username => row }, which the planner
// reads as a table (its rows never built as objects unless something reads
// the local whole), plans and applies through the sandbox what HCL's value
// gives: the rows' accounts, a changed row, a removed one, a new one; the
// outputs that read the local; a duplicate username refused before any
// request, with HCL's own error.
func TestBatchLocalAsTable(t *testing.T) {
	sb := startSandbox(t)
	dir := t.TempDir()
	row := func(i int, gender string) string {
		p := crashtest.PersonAt(i)
		if gender == "" {
			gender = "Perempuan"
		}
		return fmt.Sprintf("%s,%s,%s,%s,%s,%s\n", p.Username, p.FirstName, p.LastName, strings.ToUpper(p.Email), p.Phone, gender)
	}
	const header = "username,first_name,last_name,email,phone_number,gender\n"
	writeCSV := func(rows ...string) {
		if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(header+strings.Join(rows, "")), 0o644); err != nil {
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
  last_name    = each.value.last_name
  email        = lower(each.value.email)
  phone_number = each.value.phone_number
  registration = "internal"
  basic_profile {
    gender        = each.value.gender
    phone_number  = each.value.phone_number
    date_of_birth = "1990-08-12"
  }
}

output "people" {
  value = length(local.people)
}

output "first" {
  value = local.people["%s"].first_name
}
`, sb.URL(), crashtest.PersonAt(0).Username)
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	writeCSV(row(2, ""), row(0, ""), row(1, ""))
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 3 added, 0 changed, 0 replaced, 0 forgotten.", "people = 3", `first = "Nama0000"`)
	must(t, 0, dir, "plan", "-detailed-exitcode")

	// Row 1 changed (its gender), row 2 gone, row 3 new.
	writeCSV(row(0, ""), row(3, ""), row(1, "Laki-Laki"))
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	u1, u2, u3 := crashtest.PersonAt(1).Username, crashtest.PersonAt(2).Username, crashtest.PersonAt(3).Username
	contains(t, r, fmt.Sprintf(`usapi_account.person["%s"]`, u1), fmt.Sprintf(`usapi_account.person["%s"]`, u2), fmt.Sprintf(`usapi_account.person["%s"]`, u3))
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 1 added, 1 changed, 0 replaced, 1 forgotten.", "people = 3")
	recs := sb.Records()
	genders := map[string]string{}
	for _, a := range recs.Accounts {
		if a.BasicProfile != nil {
			genders[a.Username] = a.BasicProfile.Gender
		}
	}
	if u0 := crashtest.PersonAt(0).Username; genders[u1] != "Laki-Laki" || genders[u3] != "Perempuan" || genders[u0] != "Perempuan" {
		t.Errorf("the sandbox's genders: %v", genders)
	}
	state := readFile(t, filepath.Join(dir, "daftar.state.json"))
	if strings.Contains(state, fmt.Sprintf(`usapi_account.person[\"%s\"]`, u2)) || !strings.Contains(state, fmt.Sprintf(`usapi_account.person[\"%s\"]`, u3)) {
		t.Errorf("the state's accounts after the apply:\n%s", state)
	}
	must(t, 0, dir, "plan", "-detailed-exitcode")

	// A username twice: HCL's error at the local, before any request.
	before := len(sb.Records().Accounts)
	writeCSV(row(0, ""), row(3, ""), row(1, "Laki-Laki"), row(4, ""), row(4, "Laki-Laki"))
	r = must(t, 1, dir, "plan")
	contains(t, r, "Duplicate object key", fmt.Sprintf(`Two different items produced the key "%s"`, crashtest.PersonAt(4).Username), "main.hcl:")
	if after := len(sb.Records().Accounts); after != before {
		t.Errorf("%d accounts after a refused plan, %d before", after, before)
	}
}
