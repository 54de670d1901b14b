package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBatchDependentsFollowUpstream: a verification reads its account's
// e-mail and profile. Apply records with each verification the digest of
// the configuration it applied, so that the next plan of an unchanged
// batch plans none of them in full; a change of the account's profile
// changes what the verification reads, and plans it again, never a no-op
// from its digest.
func TestBatchDependentsFollowUpstream(t *testing.T) {
	dir := example(t, "batch")
	main := filepath.Join(dir, "main.hcl")
	editFile(t, main, `  registration = "internal"
`, `  registration = "internal"

  basic_profile {
    date_of_birth = "1990-01-01"
    gender        = "Perempuan"
    phone_number  = replace(each.value.phone_number, "628131", "628777")
  }
`)
	editFile(t, main, `  phone_number         = each.value.phone_number
  ktp_image`, `  phone_number         = usapi_account.person[each.key].basic_profile.phone_number
  ktp_image`)
	must(t, 0, dir, "apply", "-auto-approve")

	data, err := os.ReadFile(filepath.Join(dir, "daftar.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Address      string `json:"address"`
			ConfigDigest string `json:"config_digest"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	verifications := 0
	for _, r := range st.Resources {
		if strings.HasPrefix(r.Address, "proofylink_verification.") {
			verifications++
			if r.ConfigDigest == "" {
				t.Errorf("%s recorded without its configuration's digest", r.Address)
			}
		}
	}
	if verifications != 5 {
		t.Fatalf("%d verifications in the state, want 5", verifications)
	}

	r := must(t, 2, dir, "plan", "-detailed-exitcode") // the balance output changed, nothing else
	if !strings.HasPrefix(lastLine(r), "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.") {
		t.Fatalf("plan of the unchanged batch changes resources:\n%s", r)
	}

	// The same e-mail in capitals: the account's is lower(...), unchanged,
	// and so is what the verification reads.
	editFile(t, filepath.Join(dir, "people.csv"), "joko.prasetyo@example.id", "Joko.Prasetyo@example.id")
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	if !strings.HasPrefix(lastLine(r), "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.") {
		t.Fatalf("plan of an e-mail in capitals changes resources:\n%s", r)
	}

	// Another profile phone number for every account: updated in place,
	// and every verification reads the new one.
	editFile(t, main, `"628777")`, `"628999")`)
	r = must(t, 2, dir, "plan", "-detailed-exitcode")
	for _, name := range []string{"sari", "joko", "dewi", "agus", "rina"} {
		contains(t, r, `usapi_account.person["`+name+`"] will be updated in place`, `proofylink_verification.person["`+name+`"] must be replaced`)
	}
}
