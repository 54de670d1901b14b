package planner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"weak"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// TestOutcomeWalkPacksTheCSV: the apply that records a batch's outcomes
// lets go of the CSV's text when its walk starts to refresh the
// verifications (packTable), keeping it compressed in blocks, and the
// text is held by nothing at the plan's end (a weak pointer). The walk
// reads every verification's row from the packed blocks (its refresh
// found its outcome: its configuration is evaluated again), and so do a
// drifted verification's update and the line of the row whose outcome
// the API cannot read (a 404): the rows the plan read, even with the CSV
// on disk changed once the walk packed it. The configurations are
// checked once, by the pre-pass, even with that error: the pre-pass saw
// them all (a check made again of the others evaluated every row again,
// 180 bytes a row held at the plan's end). Each time the plan (its diagnostics, its changes and the values of
// those not no-ops, what refresh found final, its outputs) is the plan
// made with every change, which packs nothing. A table whose whole value
// an output reads is not packed (the value's strings are the text's). It
// fails if the text stays held (a key sliced from it, the file sources'
// copy), or if a row read after the pack is not the one the plan read.
func TestOutcomeWalkPacksTheCSV(t *testing.T) {
	const n, bad = 150, "p042"
	for name, tc := range map[string]struct {
		drift, unreadable bool
		later             bool // an output reads the table's value whole: not packed
	}{
		"every outcome found":          {},
		"one drifted":                  {drift: true},
		"one unreadable":               {unreadable: true},
		"an output after":              {later: true},
		"one drifted, an output after": {drift: true, later: true},
	} {
		t.Run(name, func(t *testing.T) {
			var csv strings.Builder
			csv.WriteString("name,email,note\n")
			for i := range n {
				fmt.Fprintf(&csv, "p%03d,p%03d@example.id,n%d\n", i, i, i%7)
			}
			src := applyKeysAccounts + unkeepDependents
			if tc.later {
				src += packLater
			}
			var want, got string
			for _, lazy := range []bool{false, true} {
				ba, fake := newBatchApplier(csv.String(), lazy)
				res := ba.plan(t, src)
				if rep, _ := ba.apply(t, res, res.Evaluator()); rep.Failed != 0 {
					t.Fatalf("failed %d: %s", rep.Failed, rep.Diagnostics.Error())
				}
				readOutcomes(t, ba, fake, n)
				addr := `fake_account.dep["` + bad + `"]`
				if tc.drift {
					m := fake.Remote[addr].AsValueMap()
					m["name"] = cty.StringVal("renamed remotely")
					fake.Remote[addr] = cty.ObjectVal(m)
				}
				if tc.unreadable {
					fake.Unreadable = map[string]string{addr: "The fake API answered 404: verification_not_found."}
				}
				var table *schema.CSVTable
				var text weak.Pointer[byte]
				var dir string
				planner.PackingTable(func(a string, tab *schema.CSVTable) {
					if a != "fake_account.dep" || table != nil {
						t.Errorf("packing the table of %s (once before: %v)", a, table != nil)
					}
					table, text = tab, weak.Make(tab.TextHeld())
					// The plan read the file once: what it holds now
					// must not matter.
					changed := strings.ReplaceAll(ba.csv, ",n", ",changed-")
					if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(changed), 0o644); err != nil {
						t.Fatal(err)
					}
				})
				checks := fake.ConfigsChecks()
				res, diags := planIn(t, ba, src, &dir)
				planner.PackingTable(nil)
				if n := fake.ConfigsChecks() - checks; n != 1 {
					t.Errorf("lazy %v: %d checks of the configurations, want the pre-pass's alone", lazy, n)
				}
				if diags.HasErrors() != tc.unreadable {
					t.Fatalf("lazy %v: errors %v: %s", lazy, diags.HasErrors(), diags.Error())
				}
				out := planOutcome(t, res, diags) + plannedValues(t, res)
				if !lazy {
					if table != nil {
						t.Errorf("the plan with every change packed the table")
					}
					want = out
					continue
				}
				got = out
				if table == nil {
					t.Fatal("the outcomes' walk did not pack the table")
				}
				runtime.GC()
				if tc.later {
					if table.Packed() {
						t.Error("a table whose value is read whole packed")
					}
				} else if !table.Packed() || text.Value() != nil {
					t.Errorf("the CSV's text held once the walk packed it (packed: %v)", table.Packed())
				}
				runtime.KeepAlive(res)
			}
			if got != want {
				t.Errorf("the plan as apply makes it, against the eager one:\n%s", lineDiff(want, got))
			}
			if tc.unreadable && !strings.Contains(got, "line 44 of DIR/people.csv") {
				t.Errorf("the error does not name the row's line:\n%s", got)
			}
			if (tc.drift || tc.unreadable) && !strings.Contains(want, bad) {
				t.Errorf("the plan does not name %s:\n%s", bad, want)
			}
			if tc.later && !strings.Contains(want, `note = cty.StringVal("n6")`) {
				t.Errorf("the output is not evaluated from the rows:\n%s", want)
			}
		})
	}
}

// packLater is an output evaluated after the dependents' walk from the
// same table's rows.
const packLater = `
output "note" {
  value = local.people["p006"].note
}
`

// planIn is planWithErrors, setting *dir to the configuration's
// directory before planning.
func planIn(t *testing.T, ba *batchApplier, src string, dir *string) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	*dir = enginetest.WriteConfig(t, map[string]string{"people.csv": ba.csv, "main.hcl": providerBlock + src})
	cfg, diags := schema.Load(*dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, _ := cfg.ResolveVariables(nil, nil)
	return planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: vars, State: ba.backend.State(),
		Digester: enginetest.Digester{}, Options: plans.Options{Refresh: true}, Providers: ba.provs, ApplyOnly: true,
		LazyCreates: ba.lazy, CompactNoOps: ba.lazy})
}

// plannedValues lists the planned values of the plan's changes other
// than no-ops: a drifted instance's update, planned from its row.
func plannedValues(t *testing.T, res *planner.Result) string {
	t.Helper()
	var b strings.Builder
	for _, c := range res.Plan.Changes {
		if c.Action == plans.NoOp { // the eager plan's outcomes, kept lazily otherwise (planOutcome lists them)
			continue
		}
		_, after, err := c.Values()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s = %#v\n", c.Action, c.Addr, after)
	}
	return b.String()
}

// TestNoChangePlanPacksNothing: once a batch's outcomes are recorded, the
// next plan keeps every instance without planning it again, reads no row
// after its pre-pass, and leaves the CSV's text as it is: packing it
// cost a no-change plan of a million rows 0.5 s of CPU for nothing. The
// plan before, which reads the outcomes, packs it. It fails if the
// no-change plan packs the table, or if the plan before does not.
func TestNoChangePlanPacksNothing(t *testing.T) {
	const n = 150
	var csv strings.Builder
	csv.WriteString("name,email,note\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id,n%d\n", i, i, i%7)
	}
	src := applyKeysAccounts + unkeepDependents
	ba, fake := newBatchApplier(csv.String(), true)
	packed := 0
	planner.PackingTable(func(string, *schema.CSVTable) { packed++ })
	defer planner.PackingTable(nil)
	for step, want := range []struct {
		name   string
		packed int
	}{{"the creates", 0}, {"the outcomes", 1}, {"no change", 0}} {
		if step == 1 {
			readOutcomes(t, ba, fake, n)
		}
		packed = 0
		res := ba.plan(t, src)
		if packed != want.packed {
			t.Errorf("%s: the table packed %d times, want %d", want.name, packed, want.packed)
		}
		if step == 2 {
			for _, c := range res.Plan.Changes {
				if c.Action != plans.NoOp {
					t.Fatalf("%s: %s %s", want.name, c.Action, c.Addr)
				}
			}
			break
		}
		// The outcomes recorded are final: the next plan reads none.
		fake.SettledAccounts = step == 1
		if rep, _ := ba.apply(t, res, res.Evaluator()); rep.Failed != 0 {
			t.Fatalf("%s: failed %d: %s", want.name, rep.Failed, rep.Diagnostics.Error())
		}
	}
}
