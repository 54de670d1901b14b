package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSensitiveVariableStaysHiddenInShow feeds a plain attribute
// (first_name, and through it a verification's full_name) from a sensitive
// variable: apply, show, show -json and state show never print the value,
// and show -json flags the attribute in sensitive_values.
func TestSensitiveVariableStaysHiddenInShow(t *testing.T) {
	const secret = "Rahasiawati"
	dir := example(t, "quickstart")
	main := filepath.Join(dir, "main.hcl")
	editFile(t, main, "  first_name   = each.value.first_name", "  first_name   = var.secret_first_name")
	editFile(t, main, "${each.value.first_name}", "${var.secret_first_name}")
	f, err := os.OpenFile(main, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nvariable \"secret_first_name\" {\n  type      = string\n  default   = \"" + secret + "\"\n  sensitive = true\n}\n")
	f.Close()

	runs := []result{must(t, 0, dir, "apply", "-auto-approve")}
	st := readFile(t, filepath.Join(dir, "daftar.state.json"))
	var doc struct {
		Resources []struct {
			Address        string  `json:"address"`
			SensitivePaths [][]any `json:"sensitive_paths"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(st), &doc); err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, r := range doc.Resources {
		for _, p := range r.SensitivePaths {
			recorded = recorded || r.Address == `usapi_account.hire["ani"]` && len(p) == 1 && p[0] == "first_name"
		}
	}
	if !recorded {
		t.Fatalf("the state records no sensitive path first_name for usapi_account.hire[\"ani\"]:\n%s", st)
	}
	show := must(t, 0, dir, "show")
	contains(t, show, "first_name", "(sensitive value)")
	showJSON := must(t, 0, dir, "show", "-json")
	stateShow := must(t, 0, dir, "state", "show", `usapi_account.hire["ani"]`)
	contains(t, stateShow, "first_name", "(sensitive value)")
	verification := must(t, 0, dir, "state", "show", `proofylink_verification.check["ani"]`)
	runs = append(runs, show, showJSON, stateShow, verification, must(t, 0, dir, "plan"))
	for _, r := range runs {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("the sensitive variable's value was printed:\n%s", r)
		}
	}
	if !sensitiveInJSON(t, showJSON.stdout, `usapi_account.hire["ani"]`, "first_name") {
		t.Errorf("show -json does not flag first_name in sensitive_values:\n%s", showJSON.stdout)
	}
}

// sensitiveInJSON reports whether show -json flags attr of the resource at
// addr as sensitive.
func sensitiveInJSON(t *testing.T, out, addr, attr string) bool {
	t.Helper()
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address         string         `json:"address"`
					SensitiveValues map[string]any `json:"sensitive_values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("show -json is not JSON: %v\n%s", err, out)
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Address == addr {
			return r.SensitiveValues[attr] == true
		}
	}
	return false
}
