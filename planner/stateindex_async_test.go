package planner_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
)

// TestUnreadableRecordPlansNothing: the state is indexed while the
// pre-pass starts, yet a state with a record daftar cannot read gives what
// indexing it first gave: that record's error first, then what preparing
// the configuration found, and nothing of the pre-pass (a row's
// attribute that a string has not, which it reports with a readable
// state), and no plan.
func TestUnreadableRecordPlansNothing(t *testing.T) {
	const src = `
locals {
  rows = { ani = "seven", budi = "8" }
}
resource "fake_account" "row" {
  for_each = local.rows
  name     = each.key
  tag      = each.value.nope
}
`
	records := map[string]string{`fake_account.row["ani"]`: account("ani", ""), `fake_account.row["budi"]`: account("budi", "")}

	// With a readable state, the pre-pass reports the variable.
	_, diags := run(t, src, stateOf(t, records), plans.Options{}, nil)
	if !strings.Contains(diags.Error(), "Unsupported attribute") {
		t.Fatalf("a readable state: diagnostics %q, want the rows' unsupported attribute", diags.Error())
	}

	for _, extra := range []string{"", "resource \"fake_nothing\" \"x\" {\n}\n"} {
		st := stateOf(t, records)
		st.Resources[`fake_account.row["budi"]`].SetIndexKey(json.RawMessage(`{`))
		res, diags := run(t, src+extra, st, plans.Options{}, nil)
		if len(diags) == 0 || diags[0].Summary != "Invalid resource in the state" {
			t.Fatalf("diagnostics %v, want the unreadable record first", diags)
		}
		var all []string
		for _, d := range diags {
			all = append(all, d.Summary+": "+d.Detail)
		}
		if text := strings.Join(all, "\n"); strings.Contains(text, "Unsupported attribute") {
			t.Errorf("diagnostics\n%s\nhold the pre-pass's, which should not have run", text)
		} else if extra != "" && (len(diags) < 2 || !strings.Contains(text, "fake_nothing")) {
			t.Errorf("diagnostics\n%s\nwant prepare's unknown resource type after the record's", text)
		}
		if res == nil || !res.Plan.Errored || len(res.Plan.Changes) > 0 {
			t.Errorf("a plan was made: %+v", res)
		}
	}
}
