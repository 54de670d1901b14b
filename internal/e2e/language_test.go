package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLanguageAgainstTheSandbox applies the quickstart with a dynamic
// basic_profile (ani's only), a postcondition that only apply can decide
// (a verification's credibility_level), and a check block: apply records
// every record, then reports the failed postcondition as an error (exit
// 1) and the check as a warning.
func TestLanguageAgainstTheSandbox(t *testing.T) {
	dir := example(t, "quickstart")
	main := filepath.Join(dir, "main.hcl")
	editFile(t, main, `  basic_profile {
    date_of_birth = each.value.date_of_birth
    gender        = each.value.gender
    phone_number  = each.value.phone_number
  }`, `  dynamic "basic_profile" {
    for_each = each.key == "ani" ? [each.value] : []
    content {
      date_of_birth = basic_profile.value.date_of_birth
      gender        = basic_profile.value.gender
      phone_number  = basic_profile.value.phone_number
    }
  }`)
	editFile(t, main, "  wait_for_result = true\n", `  wait_for_result = true

  lifecycle {
    postcondition {
      condition     = self.credibility_level == "Z"
      error_message = "${each.key} has credibility level ${self.credibility_level}, not Z."
    }
  }
`)
	f, err := os.OpenFile(main, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`
check "everyone_budi" {
  assert {
    condition     = alltrue([for a in usapi_account.hire : a.username == "budi"])
    error_message = "Not every account is budi's."
  }
}
`)
	f.Close()

	r := must(t, 0, dir, "plan")
	if strings.Contains(r.stdout+r.stderr, "postcondition failed") {
		t.Fatalf("the plan decided a postcondition only apply can:\n%s", r)
	}
	r = must(t, 1, dir, "apply", "-auto-approve")
	contains(t, r, "Resource postcondition failed", "ani has credibility level", "not Z.",
		"Warning: Check block everyone_budi assertion failed", "Not every account is budi's.", "main.hcl:")
	list := must(t, 0, dir, "state", "list")
	for _, addr := range []string{`proofylink_verification.check["ani"]`, `proofylink_verification.check["budi"]`} {
		if !strings.Contains(list.stdout, addr) {
			t.Errorf("%s is not in the state although it was created:\n%s", addr, list)
		}
	}
	if ani := must(t, 0, dir, "state", "show", `usapi_account.hire["ani"]`); !strings.Contains(ani.stdout, "date_of_birth") {
		t.Errorf("ani's account has no basic_profile:\n%s", ani)
	}
	if budi := must(t, 0, dir, "state", "show", `usapi_account.hire["budi"]`); strings.Contains(budi.stdout, "date_of_birth") {
		t.Errorf("budi's account has a basic_profile:\n%s", budi)
	}
}
