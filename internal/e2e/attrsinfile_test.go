package e2e

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// stateAttributes reads each record's attributes from the state file as
// written, with encoding/json.
func stateAttributes(t *testing.T, dir string) map[string]string {
	t.Helper()
	var doc struct {
		Resources []struct {
			Address    string          `json:"address"`
			Attributes json.RawMessage `json:"attributes"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "daftar.state.json"))), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range doc.Resources {
		out[r.Address] = string(r.Attributes)
	}
	return out
}

// An apply that replaces one record, in a process whose loaded records
// read their attributes back from the state file it then compacts over:
// the records it did not touch are written with the same attributes, the
// replaced one with the new record's, and the commands after read them
// back as written.
func TestApplyKeepsAttributesLeftInTheStateFile(t *testing.T) {
	dir := example(t, "modules")
	must(t, 0, dir, "apply", "-auto-approve")
	before := stateAttributes(t, dir)
	shownBefore := must(t, 0, dir, "show", "-json").stdout
	replaced := `module.hire["budi"].proofylink_verification.this`
	if len(before) < 4 || len(before[replaced]) < 48 {
		t.Fatalf("the test needs records whose attributes are left in the file: %v", before)
	}

	r := must(t, 0, dir, "apply", "-auto-approve", "-replace="+replaced)
	contains(t, r, "Apply complete! Resources: 0 added, 0 changed, 1 replaced")
	after := stateAttributes(t, dir)
	if len(after) != len(before) {
		t.Fatalf("%d records after the apply, %d before", len(after), len(before))
	}
	field := func(attrs, name string) string {
		var m map[string]any
		if err := json.Unmarshal([]byte(attrs), &m); err != nil {
			t.Fatalf("%v: %s", err, attrs)
		}
		s, _ := m[name].(string)
		return s
	}
	accounts := 0
	for addr, attrs := range before {
		switch {
		case addr == replaced:
			if after[addr] == attrs || field(after[addr], "reference_code") == field(attrs, "reference_code") ||
				field(after[addr], "email") != field(attrs, "email") {
				t.Errorf("%s was replaced, and holds\n%s\nit held\n%s", addr, after[addr], attrs)
			}
		case field(attrs, "reference_code") != "":
			// A verification in progress the apply refreshed: its own
			// record still, its status maybe further on.
			if field(after[addr], "reference_code") != field(attrs, "reference_code") || field(after[addr], "email") != field(attrs, "email") {
				t.Errorf("%s holds\n%s\nafter the apply, and held\n%s", addr, after[addr], attrs)
			}
		default:
			// An account, settled: written again as it was read.
			accounts++
			if after[addr] != attrs {
				t.Errorf("%s holds\n%s\nafter the apply, and held\n%s", addr, after[addr], attrs)
			}
		}
	}
	if accounts < 3 {
		t.Fatalf("%d accounts compared, want 3", accounts)
	}
	// Read back by a command from the new file: the same as written.
	r = must(t, 0, dir, "plan", "-detailed-exitcode")
	contains(t, r, "No changes.")
	shownAfter := must(t, 0, dir, "show", "-json").stdout
	if shownAfter == shownBefore {
		t.Error("show -json shows the same state after the replacement")
	}
	r = must(t, 0, dir, "state", "show", replaced)
	var rec map[string]any
	if err := json.Unmarshal([]byte(after[replaced]), &rec); err != nil {
		t.Fatal(err)
	}
	if ref, _ := rec["reference_code"].(string); ref == "" {
		t.Fatalf("the replaced record has no reference code: %s", after[replaced])
	} else {
		contains(t, r, ref)
	}
}
