package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// TestBatchDuplicatesAcrossRowsWithDependents: the plan's pre-pass of a
// batch with dependents (accounts applied, a verification per row to
// create, reading its account's e-mail) finds what repeats across rows:
// a new row's e-mail, in other case, another applied row's; two rows
// given one phone number; two verifications of one NIK, one of an applied
// row. Each is reported once, on the second row, naming the first, with
// the value as written, beside a bad row's error with its CSV line; the
// accounts' check is asked before the verifications are checked
// (askCheck), and its errors still come where they came, first. A
// batch without them plans without any.
func TestBatchDuplicatesAcrossRowsWithDependents(t *testing.T) {
	sb := startSandbox(t)
	dir := t.TempDir()
	const rows = 150
	type row struct{ user, email, phone, nik string }
	all := make([]row, rows)
	for i := range all {
		p := crashtest.PersonAt(i)
		all[i] = row{p.Username, p.Email, p.Phone, p.NIK}
	}
	writeCSV := func(rs []row) {
		var b strings.Builder
		b.WriteString("username,first_name,last_name,email,phone_number,nik\n")
		for _, r := range rs {
			fmt.Fprintf(&b, "%s,Nama,Uji,%s,%s,%s\n", r.user, r.email, r.phone, r.nik)
		}
		if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	accounts := fmt.Sprintf(`
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
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}
`, sb.URL())
	verifications := fmt.Sprintf(`
provider "proofylink" {
  endpoint        = "%s/proofylink"
  token           = "sandbox-proofylink-token"
  rate_limit      = 0
  duplicate_check = false
}

resource "proofylink_verification" "person" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = usapi_account.person[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = "ktp.jpg"
  form_consent         = "form.pdf"
}
`, sb.URL())
	writeConfig(t, dir, "main.hcl", accounts)
	writeCSV(all[:rows-2])
	must(t, 0, dir, "apply", "-auto-approve")

	writeConfig(t, dir, "main.hcl", accounts+verifications)
	for f, src := range map[string]string{"ktp.jpg": "ktp/p1.jpg", "form.pdf": "consent/form.pdf"} {
		data, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "batch", src))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f), data, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	writeCSV(all)
	if r := must(t, 0, dir, "plan"); strings.Contains(r.stderr, "Duplicate") || strings.Contains(r.stderr, "Same subject") {
		t.Fatalf("a batch without repeats plans with a duplicate:\n%s", r)
	}

	bad := append([]row(nil), all...)
	bad[rows-1].email = strings.ToUpper(all[3].email) // a new row's, an applied row's
	bad[60].phone = all[20].phone                     // two applied rows'
	bad[rows-2].nik = all[7].nik                      // a new row's verification, an applied row's
	bad[90].email = "not-an-email"                    // line 92 of people.csv
	writeCSV(bad)
	r := must(t, 1, dir, "plan")
	out := strings.Join(strings.Fields(r.stderr), " ") // wrapped at 100 columns
	want := []string{
		"Error: Duplicate account e-mail address",
		fmt.Sprintf(`usapi_account.person["%s"] has the same e-mail address (compared ignoring case) as usapi_account.person["%s"] ("%s")`,
			bad[rows-1].user, bad[3].user, bad[rows-1].email),
		"Error: Invalid e-mail address",
		fmt.Sprintf(`(in usapi_account.person["%s"]) The instance comes from line 92 of people.csv.`, bad[90].user),
		"Error: Duplicate account phone number",
		fmt.Sprintf(`usapi_account.person["%s"] has the same phone number as usapi_account.person["%s"] ("%s")`,
			bad[60].user, bad[20].user, all[20].phone),
		"Warning: Same subject verified twice",
		fmt.Sprintf(`proofylink_verification.person["%s"] verifies the NIK 3171********%s with verification_type_id 1, as proofylink_verification.person["%s"] does.`,
			bad[rows-2].user, all[7].nik[12:], bad[7].user),
	}
	at := 0
	for _, w := range want {
		i := strings.Index(out[at:], w)
		if i < 0 {
			t.Fatalf("the plan does not report, after what came before, %q:\n%s", w, r.stderr)
		}
		at += i + len(w)
	}
	for _, w := range []string{"Duplicate account e-mail", "Duplicate account phone", "Same subject"} {
		if n := strings.Count(out, w); n != 1 {
			t.Errorf("%q reported %d times, want once:\n%s", w, n, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, all[7].nik) {
		t.Errorf("the NIK is shown in clear:\n%s", r)
	}
}
