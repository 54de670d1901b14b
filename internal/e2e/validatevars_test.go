package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestValidateFindsDuplicatesThroughVariables: two accounts given one
// phone number through a variable are a duplicate for validate -json as
// for plan, whether the value comes from daftar.vars or DAFTAR_VAR_; with
// no value the variable is unknown to validate, which passes. A sensitive
// variable's value found this way is masked like any other.
func TestValidateFindsDuplicatesThroughVariables(t *testing.T) {
	dir := t.TempDir()
	writeConfig(t, dir, "main.hcl", `
provider "usapi" {
  endpoint   = "sandbox"
  basic_auth = "sandbox-usapi-key"
}

variable "phone" {
  type = string
}

variable "password" {
  type      = string
  sensitive = true
}

resource "usapi_account" "p" {
  for_each     = toset(["ani", "budi"])
  username     = "vars-${each.key}"
  password     = var.password
  first_name   = each.key
  last_name    = "Lestari"
  email        = "vars-${each.key}@example.id"
  phone_number = var.phone
  registration = "internal"
}
`)
	const password = "Rahasia-Validate-2026"
	if r := daftar(t, dir, "validate", "-json"); r.code != 0 {
		t.Fatalf("validate with the variables unknown should pass:\n%s", r)
	}
	for name, setup := range map[string]func() []string{
		"daftar.vars": func() []string {
			writeConfig(t, dir, "daftar.vars", "phone = \"6281234509301\"\npassword = \""+password+"\"\n")
			return nil
		},
		"DAFTAR_VAR_": func() []string {
			writeConfig(t, dir, "daftar.vars", "")
			return []string{"DAFTAR_VAR_phone=6281234509301", "DAFTAR_VAR_password=" + password}
		},
	} {
		t.Run(name, func(t *testing.T) {
			env := setup()
			plan := daftarEnv(t, dir, env, "plan")
			if plan.code != 1 || !strings.Contains(plan.stderr, "Duplicate account phone number") {
				t.Fatalf("plan should find the duplicate:\n%s", plan)
			}
			r := daftarEnv(t, dir, env, "validate", "-json")
			var out struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Summary, Detail string
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatalf("validate -json: %v\n%s", err, r)
			}
			if r.code != 1 || out.Valid || len(out.Diagnostics) != 1 || out.Diagnostics[0].Summary != "Duplicate account phone number" ||
				!strings.Contains(out.Diagnostics[0].Detail, `usapi_account.p["budi"] has the same phone number as usapi_account.p["ani"]`) {
				t.Errorf("validate -json should report the duplicate plan finds:\n%s", r)
			}
			if strings.Contains(r.stdout+r.stderr+plan.stdout+plan.stderr, password) {
				t.Errorf("the sensitive variable's value is shown:\n%s\n%s", r, plan)
			}
		})
	}
}
