package e2e

// Issue 14: secrets never shown, on every path, even when an API echoes
// the request in its errors. The scenario of security_test.go runs against
// the embedded sandbox in echo mode (DAFTAR_SANDBOX_ECHO_REFUSE): every
// request holding "Tolakecho" is refused with a 400 that quotes it whole,
// headers and body. Each secret carries its own marker, and none may show
// in anything daftar prints or writes.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// echoMarkers are the secrets of the echo scenario, each written another
// way: a literal password, a password from a plain variable, from -var and
// from DAFTAR_VAR_; a literal basic_auth key; a Proofylink token from a
// plain variable; a Prakerja access token; a NIK; the uploaded KTP photo
// and consent form; NIKs spelled with spaces, dashes and 17 digits; a
// literal password in a snippet and in a diff.
var echoMarkers = []string{
	"Tolakecho-Literal-Pass-7f3a", "Tolakecho-Plainvar-Pass-91c2", "Tolakecho-Flagvar-Pass-44d8", "Tolakecho-Envvar-Pass-0b6e",
	"sandbox-usapi-key", "sandbox-proofylink-token", "sbx-Tolakecho-ACCESS-MARK-5e1a",
	"3174094508900007", "KTP-ECHO-MARK-aa11", "CONSENT-ECHO-MARK-bb22",
	"3171 0155 0496 0009", "3171015504960009", "31710155049600012",
	"Snippet-Pass-MARK-31", "Fmt-Literal-Pass-MARK-62", "3171-0155-0496-0011", "3171015504960011",
}

const echoAccounts = `
variable "plain_proofylink_token" {
  default = "sandbox-proofylink-token"
}

variable "plain_password" {
  default = "Tolakecho-Plainvar-Pass-91c2"
}

variable "flag_password" {
  default = "placeholder-password"
}

variable "env_password" {
  default = "placeholder-password"
}

resource "usapi_account" "echo_literal" {
  username     = "echolit"
  password     = "Tolakecho-Literal-Pass-7f3a"
  first_name   = "Echo"
  last_name    = "Literal"
  email        = "echo.literal@example.id"
  phone_number = "6281234567811"
  registration = "internal"
}

resource "usapi_account" "echo_plain" {
  username     = "echoplain"
  password     = var.plain_password
  first_name   = "Echo"
  last_name    = "Plain"
  email        = "echo.plain@example.id"
  phone_number = "6281234567812"
  registration = "internal"
}

resource "usapi_account" "echo_flag" {
  username     = "echoflag"
  password     = var.flag_password
  first_name   = "Echo"
  last_name    = "Flag"
  email        = "echo.flag@example.id"
  phone_number = "6281234567814"
  registration = "internal"
}

resource "usapi_account" "echo_env" {
  username     = "echoenv"
  password     = var.env_password
  first_name   = "Echo"
  last_name    = "Env"
  email        = "echo.env@example.id"
  phone_number = "6281234567815"
  registration = "internal"
}

resource "proofylink_verification" "echo" {
  consent              = "upload"
  verification_type_id = 1
  id_number            = "3174094508900007"
  full_name            = "Budi Tolakecho"
  email                = "echo.v@example.id"
  phone_number         = "6281234567813"
  ktp_image            = "ktp/echo.jpg"
  form_consent         = "consent/echo.pdf"
}
`

const echoData = `
data "prakerja_profile" "echo" {
  access_token = "sbx-Tolakecho-ACCESS-MARK-5e1a"
}
`

// badNIKs are NIKs in other spellings and a password in a snippet: each a
// validation error whose snippet shows the line.
const badNIKs = `
resource "proofylink_verification" "spaced" {
  consent              = "own"
  verification_type_id = 1
  id_number            = "3171 0155 0496 0009"
  full_name            = "Spaced Nik"
  email                = "spaced@example.id"
  phone_number         = "6281234567821"
  ktp_image            = "ktp/echo.jpg"
}

resource "proofylink_verification" "long" {
  consent              = "own"
  verification_type_id = 1
  id_number            = "31710155049600012"
  full_name            = "Long Nik"
  email                = "long@example.id"
  phone_number         = "6281234567822"
  ktp_image            = "ktp/echo.jpg"
}

resource "usapi_account" "listed" {
  username     = "listed"
  password     = ["Snippet-Pass-MARK-31"]
  first_name   = "Listed"
  last_name    = "Password"
  email        = "listed@example.id"
  phone_number = "6281234567823"
}
`

// unformatted is a file fmt rewrites, whose diff holds a password and a
// NIK.
const unformatted = `
resource "usapi_account" "fmt" {
  username="fmtuser"
  password="Fmt-Literal-Pass-MARK-62"
  first_name   = "Fmt"
  last_name    = "User"
  email        = "fmt@example.id"
  phone_number = "6281234567831"
}

resource "proofylink_verification" "fmt" {
  consent="own"
  verification_type_id = 1
  id_number="3171-0155-0496-0011"
  full_name            = "Fmt User"
  email                = "fmt@example.id"
  phone_number         = "6281234567831"
  ktp_image            = "ktp/echo.jpg"
}
`

func writeConfig(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEchoedRequestsShowNoSecret(t *testing.T) {
	dir := secretsDir(t)
	main := filepath.Join(dir, "main.hcl")
	editFile(t, main, "basic_auth = var.usapi_key", `basic_auth = "sandbox-usapi-key"`)
	editFile(t, main, "token    = var.proofylink_token", "token    = var.plain_proofylink_token")
	writeConfig(t, dir, "echo.hcl", echoAccounts)
	env := []string{"DAFTAR_SANDBOX_ECHO_REFUSE=Tolakecho", "DAFTAR_VAR_env_password=Tolakecho-Envvar-Pass-0b6e"}
	scan := newLeakScan(t, "")
	// shown holds what daftar printed and the reports: they must not show
	// citra's last_name, which comes from a sensitive variable (the state
	// keeps it, as any attribute: docs/security.md).
	shown := newLeakScan(t, "")
	run := func(want int, args ...string) result {
		t.Helper()
		r := mustEnv(t, want, dir, env, args...)
		scan.addOutput(args, r)
		shown.addOutput(args, r)
		return r
	}
	echoed := func(r result) {
		t.Helper()
		if !strings.Contains(strings.Join(strings.Fields(r.stdout+r.stderr), " "), "the sandbox echoes it") {
			t.Fatalf("no echoed request was shown, so nothing was tested:\n%s", r)
		}
	}

	run(0, "validate")
	run(0, "validate", "-json")
	run(0, "plan", "-var", "flag_password=Tolakecho-Flagvar-Pass-44d8")
	r := run(1, "apply", "-auto-approve", "-var", "flag_password=Tolakecho-Flagvar-Pass-44d8")
	echoed(r)
	contains(t, r, "usapi_account.echo_literal", "usapi_account.echo_plain", "usapi_account.echo_flag", "usapi_account.echo_env",
		"proofylink_verification.echo", "Registration refused", "3174********0007")
	if strings.Contains(r.stdout+r.stderr, "Phone number refused") {
		t.Errorf("an echoed 400 is titled after a word it quotes:\n%s", r)
	}
	echoed(run(1, "apply", "-auto-approve", "-json", "-var", "flag_password=Tolakecho-Flagvar-Pass-44d8"))
	echoed(run(1, "import", "usapi_account.echo_literal", "echolit"))

	writeConfig(t, dir, "echo_data.hcl", echoData)
	echoed(run(1, "plan"))
	echoed(run(1, "plan", "-json"))
	os.Remove(filepath.Join(dir, "echo_data.hcl"))

	for _, args := range [][]string{{"show"}, {"show", "-json"}, {"output"}, {"output", "-json"}, {"output", "password"},
		{"state", "list"}, {"state", "show", "usapi_account.ani"}, {"state", "show", "proofylink_verification.budi"},
		{"report", "-out=report.html"}, {"report", "-out=report.csv"}, {"report", "-out=report.json"},
		{"report", "-format=json"}, {"report", "-format=csv"}, {"report", "-format=html"}, {"audit", "verify"}} {
		run(0, args...)
	}

	writeConfig(t, dir, "bad.hcl", badNIKs)
	r = run(1, "validate")
	contains(t, r, "bad.hcl:5:", "bad.hcl:15:", "bad.hcl:24:", "3171********0009", "3171*********0012")
	run(1, "validate", "-json")
	run(1, "plan")
	os.Remove(filepath.Join(dir, "bad.hcl"))

	writeConfig(t, dir, "fmtme.hcl", unformatted)
	r = run(1, "fmt", "-check", "-diff")
	contains(t, r, "fmtme.hcl", "3171********0011")
	os.Remove(filepath.Join(dir, "fmtme.hcl"))

	scan.addFiles(dir)
	scan.find(append(append([]string(nil), secretValues...), echoMarkers...))
	for _, name := range []string{"report.html", "report.csv", "report.json"} {
		shown.add(name, []byte(readFile(t, filepath.Join(dir, name))))
	}
	shown.find([]string{"Kerahasiaan"})
}
