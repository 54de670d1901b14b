package e2e

import (
	"strings"
	"testing"
)

// TestShortSecretNotEchoed: a password shorter than the redactor's
// everywhere-length (USAPI sets no minimum) and a short sensitive
// variable are masked where an API echoes them whole as JSON values, in
// every output and file, while the same characters in ordinary text stay.
func TestShortSecretNotEchoed(t *testing.T) {
	const password, pin = "k9Qz", "4821"
	dir := t.TempDir()
	writeConfig(t, dir, "main.hcl", `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

variable "pin" {
  type      = string
  sensitive = true
}

resource "usapi_account" "short" {
  username     = "shortsecret"
  password     = "`+password+`"
  first_name   = "Tolakecho"
  last_name    = var.pin
  email        = "short.secret@example.id"
  phone_number = "6281234567833"
  registration = "internal"
}
`)
	env := []string{"DAFTAR_SANDBOX_ECHO_REFUSE=Tolakecho", "DAFTAR_VAR_pin=" + pin}
	scan := newLeakScan(t, "")
	for _, args := range [][]string{{"apply", "-auto-approve"}, {"apply", "-auto-approve", "-json"}} {
		r := mustEnv(t, 1, dir, env, args...)
		scan.addOutput(args, r)
		if !strings.Contains(strings.Join(strings.Fields(r.stdout+r.stderr), " "), "the sandbox echoes it") {
			t.Fatalf("no echoed request was shown, so nothing was tested:\n%s", r)
		}
	}
	scan.addFiles(dir)
	scan.find([]string{`"` + password + `"`, `"` + pin + `"`, `\"` + password + `\"`, `\"` + pin + `\"`})
}
