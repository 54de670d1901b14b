package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMovedBlocks renames applied accounts with moved blocks: a key change
// written as a for_each over the old keys, then a whole-resource rename.
// Each plan shows the moves and apply sends nothing; a moved block with
// nothing left to move is silent; a destination already in the state is
// an error at the moved block's line.
func TestMovedBlocks(t *testing.T) {
	dir := example(t, "quickstart")
	main := filepath.Join(dir, "main.hcl")
	must(t, 0, dir, "apply", "-auto-approve")

	// The accounts' keys become "ani@corp"; their usernames stay.
	editFile(t, main, "for_each = local.hires\n\n  username     = each.key",
		"for_each = { for k, v in local.hires : \"${k}@corp\" => v }\n\n  username     = split(\"@\", each.key)[0]")
	editFile(t, main, "usapi_account.hire[each.key].email", "usapi_account.hire[\"${each.key}@corp\"].email")
	write(t, filepath.Join(dir, "moved.hcl"), `moved {
  for_each = local.hires
  from     = usapi_account.hire[each.key]
  to       = usapi_account.hire["${each.key}@corp"]
}
`)
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	contains(t, r, `# usapi_account.hire["ani"] has moved to usapi_account.hire["ani@corp"]`,
		`# usapi_account.hire["budi"] has moved to usapi_account.hire["budi@corp"]`,
		"Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	r = must(t, 0, dir, "plan", "-json")
	contains(t, r, `"previous_address": "usapi_account.hire[\"ani\"]"`) // Terraform's name for it
	r = must(t, 0, dir, "apply", "-auto-approve")
	if strings.Contains(r.stdout, "Creat") || strings.Contains(r.stdout, "creat") {
		t.Errorf("apply of moves created something:\n%s", r)
	}
	r = must(t, 0, dir, "state", "list", "usapi_account.hire")
	if got := strings.Fields(r.stdout); strings.Join(got, " ") != `usapi_account.hire["ani@corp"] usapi_account.hire["budi@corp"]` {
		t.Fatalf("state after the moves: %v", got)
	}
	r = must(t, 0, dir, "plan", "-detailed-exitcode") // the moved block is left: silent
	contains(t, r, "No changes.")
	if strings.Contains(r.stdout, "moved") {
		t.Errorf("a moved block with nothing to move is not silent:\n%s", r)
	}

	// A destination already in the state.
	write(t, filepath.Join(dir, "conflict.hcl"), `moved {
  from = usapi_account.hire["ani@corp"]
  to   = usapi_account.hire["budi@corp"]
}
`)
	r = must(t, 1, dir, "plan")
	contains(t, r, "Moved object destination already in state", "conflict.hcl:3")
	if err := os.Remove(filepath.Join(dir, "conflict.hcl")); err != nil {
		t.Fatal(err)
	}

	// A whole resource renamed.
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.ReplaceAll(string(data), "usapi_account.hire", "usapi_account.staff")
	renamed = strings.ReplaceAll(renamed, `resource "usapi_account" "hire"`, `resource "usapi_account" "staff"`)
	write(t, main, renamed)
	write(t, filepath.Join(dir, "renamed.hcl"), "moved {\n  from = usapi_account.hire\n  to   = usapi_account.staff\n}\n")
	r = must(t, 0, dir, "plan")
	contains(t, r, `# usapi_account.hire["ani@corp"] has moved to usapi_account.staff["ani@corp"]`)
	must(t, 0, dir, "apply", "-auto-approve")
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
