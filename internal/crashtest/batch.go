package crashtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Batch is a generated onboarding batch: a CSV of people, and for each
// row (by for_each) an account and a verification, against a standalone
// sandbox.
type Batch struct {
	// People is the number of CSV rows; the first Accounts rows get an
	// account and the first Verifications a verification.
	Accounts, Verifications int
	// SandboxURL is the sandbox's base URL (Sandbox.URL).
	SandboxURL string
	// RateLimit is each provider's rate_limit (requests per second).
	RateLimit int
	// ReadAccounts makes each verification read its account's e-mail
	// (usapi_account.person[each.key].email), as scripts/bench.sh's "with
	// dependents" shape does, rather than its row's: every verification
	// row then needs an account row.
	ReadAccounts bool
	// Outputs adds the outputs scripts/bench.sh's "with dependents" shape
	// has: registered = length(usapi_account.person) and verified =
	// length(proofylink_verification.person), which read the
	// verifications by their keys alone.
	Outputs bool
}

// Person is one row of the batch.
type Person struct {
	Username, FirstName, LastName, Email, Phone, NIK string
}

// Every account of the batch signs up, then gets this basic profile
// (POST /auth, POST /update-basic-profile): a create of three requests.
const (
	ProfileBirthDate = "1990-01-01"
	ProfileGender    = "Perempuan"
)

// Password is every account's password in the batch.
const Password = "Crash-Test-2026"

// PersonAt is the i-th row: unique username, e-mail, phone number, name
// and NIK (ending in 0001.., so every verification completes).
func PersonAt(i int) Person {
	return Person{
		Username:  fmt.Sprintf("user%04d", i),
		FirstName: fmt.Sprintf("Nama%04d", i),
		LastName:  "Uji",
		Email:     fmt.Sprintf("user%04d@example.id", i),
		Phone:     fmt.Sprintf("62813%08d", i),
		NIK:       fmt.Sprintf("317101010190%04d", i+1),
	}
}

// FullName is the verification's full_name of the row.
func (p Person) FullName() string { return p.FirstName + " " + p.LastName }

// Write writes main.hcl, accounts.csv, verifications.csv and a small
// KTP image into dir.
func (b Batch) Write(tb testing.TB, dir string) {
	tb.Helper()
	files := map[string]string{
		"main.hcl":          b.config(),
		"accounts.csv":      csv(b.Accounts),
		"verifications.csv": csv(b.Verifications),
		"ktp/ktp.jpg":       "\xff\xd8\xff\xe0 a small KTP photo for the crash test\xff\xd9",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func csv(n int) string {
	var sb strings.Builder
	sb.WriteString("username,first_name,last_name,email,phone_number,nik\n")
	for i := range n {
		p := PersonAt(i)
		fmt.Fprintf(&sb, "%s,%s,%s,%s,%s,%s\n", p.Username, p.FirstName, p.LastName, p.Email, p.Phone, p.NIK)
	}
	return sb.String()
}

func (b Batch) config() string {
	return fmt.Sprintf(`provider "usapi" {
  endpoint   = "%[1]s/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = %[2]d
}

provider "proofylink" {
  endpoint   = "%[1]s/proofylink"
  token      = "sandbox-proofylink-token"
  rate_limit = %[2]d
}

locals {
  accounts      = { for row in csvdecode(file("accounts.csv")) : row.username => row }
  verifications = { for row in csvdecode(file("verifications.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each = local.accounts

  username     = each.key
  password     = "%[3]s"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "signup"
  mode         = "OTP"
  platform     = "ONMART"

  basic_profile {
    date_of_birth = "%[4]s"
    gender        = "%[5]s"
    phone_number  = each.value.phone_number
  }
}

resource "proofylink_verification" "person" {
  for_each = local.verifications

  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = %[6]s
  phone_number         = each.value.phone_number
  ktp_image            = "ktp/ktp.jpg"
  form_consent         = "ktp/ktp.jpg"
}
`, b.SandboxURL, b.RateLimit, Password, ProfileBirthDate, ProfileGender, b.verificationEmail()) + b.outputs()
}

func (b Batch) outputs() string {
	if !b.Outputs {
		return ""
	}
	return `
output "registered" {
  value = length(usapi_account.person)
}

output "verified" {
  value = length(proofylink_verification.person)
}
`
}

// verificationEmail is the expression of a verification's e-mail.
func (b Batch) verificationEmail() string {
	if b.ReadAccounts {
		return "usapi_account.person[each.key].email"
	}
	return "each.value.email"
}
