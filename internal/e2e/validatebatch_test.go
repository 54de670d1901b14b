package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateBatchAsPlanChecksIt: daftar validate checks a batch of more
// than a hundred rows as a plan from an empty state checks it before any
// request (every instance new, validated from its attributes, let go of
// once checked), so it finds the same errors, each naming its CSV row: an
// invalid e-mail, a NIK that is not one, a KTP image that does not exist
// (the verifications, which read their accounts), and two rows given one
// phone number (the check across instances). A valid batch passes both.
func TestValidateBatchAsPlanChecksIt(t *testing.T) {
	dir := example(t, "batch")
	write := func(bad bool) {
		var csv strings.Builder
		csv.WriteString("username,first_name,last_name,email,phone_number,nik,ktp\n")
		for i := range 250 {
			email, phone := fmt.Sprintf("p%04d@example.id", i), fmt.Sprintf("62813%08d", i)
			nik, ktp := fmt.Sprintf("327301%02d%02d90%04d", i%28+1, i%12+1, i+1), "ktp/p1.jpg"
			if bad {
				switch i {
				case 17:
					email = "not-an-email"
				case 41:
					phone = fmt.Sprintf("62813%08d", 40)
				case 90:
					nik = "12345"
				case 201:
					ktp = "ktp/nobody.jpg"
				}
			}
			fmt.Fprintf(&csv, "p%04d,Nama%d,Keluarga%d,%s,%s,%s,%s\n", i, i, i, email, phone, nik, ktp)
		}
		if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(false)
	must(t, 0, dir, "validate")
	write(true)
	validate := must(t, 1, dir, "validate")
	plan := must(t, 1, dir, "plan")
	if validate.stderr != plan.stderr {
		t.Errorf("validate and plan report other errors:\nplan:\n%s\nvalidate:\n%s", plan.stderr, validate.stderr)
	}
	for _, want := range []string{
		`usapi_account.person["p0017"]`, "line 19 of people.csv",
		`usapi_account.person["p0041"]`, `usapi_account.person["p0040"]`,
		`proofylink_verification.person["p0090"]`, "line 92 of people.csv",
		`proofylink_verification.person["p0201"]`, "line 203 of people.csv",
	} {
		if !strings.Contains(strings.Join(strings.Fields(validate.stderr), " "), want) { // wrapped at 100 columns
			t.Errorf("validate does not name %s:\n%s", want, validate.stderr)
		}
	}
}
