package e2e

import (
	"strings"
	"testing"
)

// checkDataConfig has two check blocks with a scoped prakerja_profile data
// source each: one whose profile passes its assert, one whose token the
// sandbox refuses (ERROAUTH4051, expired).
const checkDataConfig = `
provider "prakerja" {
  endpoint    = "sandbox"
  client_code = "sandbox-client"
}

check "budi_profile" {
  data "prakerja_profile" "p" {
    access_token = "sbx-budi-santoso"
  }
  assert {
    condition     = data.prakerja_profile.p.email == "budi.santoso@prakerja.sandbox"
    error_message = "Budi's profile has the email ${data.prakerja_profile.p.email}."
  }
  assert {
    condition     = data.prakerja_profile.p.name == "Nobody"
    error_message = "Budi's profile is named ${data.prakerja_profile.p.name}, not Nobody."
  }
}

check "expired_profile" {
  data "prakerja_profile" "q" {
    access_token = "sbx-expired-citra"
  }
  assert {
    condition     = data.prakerja_profile.q.name != ""
    error_message = "never shown: the read fails first"
  }
}
`

// TestCheckScopedDataAgainstTheSandbox reads data sources scoped to check
// blocks from the sandbox: a failed assert and a failed read are warnings,
// the plan and the apply succeed, and nothing is stored in the state.
func TestCheckScopedDataAgainstTheSandbox(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "main.hcl", checkDataConfig)
	for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
		r := must(t, 0, dir, args...)
		contains(t, r, "Warning: Check block budi_profile assertion failed", "Budi's profile is named Budi Santoso, not Nobody.",
			"Warning: Check block expired_profile failed", "check.expired_profile.data.prakerja_profile.q")
		all := r.stdout + r.stderr
		if strings.Contains(all, "Error") || strings.Contains(all, "has the email") || strings.Contains(all, "never shown") {
			t.Errorf("daftar %s: an assert that holds or was not evaluated is reported, or an error:\n%s", args[0], r)
		}
		if strings.Contains(all, "sbx-expired-citra") || strings.Contains(all, "sbx-budi-santoso") {
			t.Errorf("daftar %s shows an access token:\n%s", args[0], r)
		}
	}
	if list := must(t, 0, dir, "state", "list"); strings.Contains(list.stdout, "prakerja_profile") {
		t.Errorf("a scoped data source is in the state:\n%s", list)
	}

	writeConfig(t, dir, "main.hcl", checkDataConfig+`
output "email" {
  value = data.prakerja_profile.p.email
}
`)
	r := must(t, 1, dir, "plan")
	contains(t, r, "Reference to scoped data source", "main.hcl:32:11", `declared in check "budi_profile"`)
}

// TestCheckScopedDataReadDuringApply reads a scoped data source whose
// argument is known only after apply: its failed read during apply is a
// warning too, and the apply succeeds with the account in the state.
func TestCheckScopedDataReadDuringApply(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "main.hcl", `
provider "prakerja" {
  endpoint    = "sandbox"
  client_code = "sandbox-client"
}

provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

resource "usapi_account" "dewi" {
  username     = "checkdata-dewi"
  password     = "Kartu-Prakerja-2026"
  first_name   = "Dewi"
  last_name    = "Lestari"
  email        = "dewi.lestari@example.id"
  phone_number = "6281234567890"
  registration = "internal"
}

check "dewi_profile" {
  data "prakerja_profile" "p" {
    access_token = "sbx-expired-${usapi_account.dewi.registered_at}"
  }
  assert {
    condition     = data.prakerja_profile.p.name != ""
    error_message = "never shown: the read fails first"
  }
}
`)
	// The plan shows the data source by its own address, as Terraform
	// does, and says which check block holds it.
	p := must(t, 0, dir, "plan")
	contains(t, p, "# data.prakerja_profile.p will be read during apply", `# (scoped to check "dewi_profile"; its configuration depends on values known only after apply)`)
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Warning: Check block dewi_profile failed", "ERROAUTH4051", "check.dewi_profile.data.prakerja_profile.p",
		"data.prakerja_profile.p: Read failed after ", ", a warning (the apply goes on): Check block dewi_profile failed: Prakerja refused the request (ERROAUTH4051)")
	if all := r.stdout + r.stderr; strings.Contains(all, "Error") || strings.Contains(all, "never shown") || strings.Contains(all, "Read complete") {
		t.Errorf("the failed read during apply is an error or reads as complete, or the assert was evaluated:\n%s", r)
	}
	if list := must(t, 0, dir, "state", "list"); !strings.Contains(list.stdout, "usapi_account.dewi") || strings.Contains(list.stdout, "prakerja_profile") {
		t.Errorf("the state should hold the account and no data source:\n%s", list)
	}
}
