package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefreshOnlyBatch: -refresh-only of a batch (more than the hundred
// instances at which the planner keeps a batch's values encoded) through
// the command line, against the sandbox, with a provider block changed
// since the apply (no configuration's digest is its record's then): a
// record found changed is exactly one update, printed and in -json, and
// apply -refresh-only writes exactly it; every other record is a no-op
// holding its stored value and is written back the same. An input error
// is reported before any read.
func TestRefreshOnlyBatch(t *testing.T) {
	dir := batchDir(t, 120, "")
	must(t, 0, dir, "apply", "-auto-approve")
	r := must(t, 0, dir, "plan", "-refresh-only", "-detailed-exitcode")
	if !strings.HasPrefix(lastLine(r), "No changes.") {
		t.Fatalf("refresh-only plan after apply:\n%s", r)
	}

	// Two records say the account is not registered yet: the remote says
	// it is, which a refresh-only plan finds.
	statePath := filepath.Join(dir, "daftar.state.json")
	before := stateLines(t, statePath)
	for _, id := range []string{"u0007", "u0100"} {
		line := before[`usapi_account.hire["`+id+`"]`]
		edited := strings.Replace(line, `"email_registered":true`, `"email_registered":false`, 1)
		if edited == line {
			t.Fatalf("no email_registered in %s", line)
		}
		editFile(t, statePath, line, edited)
	}
	editFile(t, filepath.Join(dir, "main.hcl"), "rate_limit = 0", "rate_limit = 100000")

	r = must(t, 2, dir, "plan", "-refresh-only", "-detailed-exitcode")
	if got := lastLine(r); got != "Plan: 0 to add, 2 to change, 0 to replace, 0 to forget." {
		t.Fatalf("refresh-only plan %q\n%s", got, r)
	}
	contains(t, r, `usapi_account.hire["u0007"] will be updated in place`, `usapi_account.hire["u0100"] will be updated in place`,
		"changed outside daftar (refresh-only)", "email_registered = false -> true")

	r = must(t, 0, dir, "plan", "-refresh-only", "-json")
	var plan struct {
		Changes []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string       `json:"actions"`
				Before  map[string]any `json:"before"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("plan -json: %v\n%s", err, r.stdout[:min(len(r.stdout), 2000)])
	}
	if len(plan.Changes) != 120 {
		t.Fatalf("%d resource changes, want 120", len(plan.Changes))
	}
	for _, c := range plan.Changes {
		want, registeredBefore := "no-op", true
		if c.Address == `usapi_account.hire["u0007"]` || c.Address == `usapi_account.hire["u0100"]` {
			want, registeredBefore = "update", false
		}
		if len(c.Change.Actions) != 1 || c.Change.Actions[0] != want {
			t.Errorf("%s: %v, want %s", c.Address, c.Change.Actions, want)
		}
		user := strings.TrimSuffix(strings.TrimPrefix(c.Address, `usapi_account.hire["`), `"]`)
		if c.Change.Before["email_registered"] != registeredBefore || c.Change.After["email_registered"] != true ||
			c.Change.Before["email"] != user+"@example.id" || c.Change.After["email"] != user+"@example.id" {
			t.Errorf("%s: before %v, after %v", c.Address, c.Change.Before, c.Change.After)
		}
	}

	r = must(t, 0, dir, "apply", "-refresh-only", "-auto-approve")
	contains(t, r, "Apply complete! Resources: 0 added, 2 changed, 0 replaced, 0 forgotten.")
	after := stateLines(t, statePath)
	if len(after) != len(before) {
		t.Fatalf("%d records after apply -refresh-only, %d before", len(after), len(before))
	}
	for addr, line := range before {
		switch addr {
		case `usapi_account.hire["u0007"]`, `usapi_account.hire["u0100"]`:
			if !strings.Contains(after[addr], `"email_registered":true`) {
				t.Errorf("%s not recorded registered: %s", addr, after[addr])
			}
		default:
			if after[addr] != line {
				t.Errorf("%s written differently by apply -refresh-only:\n%s\n%s", addr, line, after[addr])
			}
		}
	}
	must(t, 0, dir, "plan", "-refresh-only", "-detailed-exitcode")

	// A row in error: reported, naming it, before any read.
	audit := filepath.Join(dir, "daftar.audit.jsonl")
	sent := len(readFile(t, audit))
	people := filepath.Join(dir, "people.csv")
	editFile(t, people, "u0042@example.id", "not-an-email")
	r = daftar(t, dir, "plan", "-refresh-only")
	if r.code != 1 || !strings.Contains(r.stderr, "people.csv") || !strings.Contains(r.stderr, "u0042") {
		t.Fatalf("refresh-only plan with a bad row: %s", r)
	}
	if now := len(readFile(t, audit)); now != sent {
		t.Errorf("the audit log grew by %d bytes: requests were sent before the input error", now-sent)
	}
}

// stateLines maps each address of a local state file to its line.
func stateLines(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(strings.TrimSpace(line), ",")
		var r struct {
			Address string `json:"address"`
		}
		if strings.HasPrefix(line, `{"address"`) && json.Unmarshal([]byte(line), &r) == nil {
			out[r.Address] = line
		}
	}
	return out
}
