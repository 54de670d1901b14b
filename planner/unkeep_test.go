package planner_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// unkeepDependents is a dependent per row reading its account's e-mail,
// named from its row (a note with a "!" makes its name one the provider
// refuses), and an output of their count.
const unkeepDependents = `
resource "fake_account" "dep" {
  for_each = local.people
  name     = "d-${each.key}${each.value.note}"
  email    = other_account.person[each.key].email
}
output "verified" {
  value = length(fake_account.dep)
}
`

// TestLazyKeptBesideAnError: one row in error in a batch's plan, as apply
// makes it, does not give every other instance a step. The outcome apply
// of 150 dependents, one of which the API cannot read (a 404, an error by
// design), keeps the 149 others lazily. The creates of 150 dependents
// keep none, as before: one whose name the provider refuses stops the
// plan before the walk (nothing is planned), and an account the API
// cannot read leaves every dependent's e-mail unknown (no create is kept
// with an unknown value). Each time the diagnostics, the changes listed
// (as the renderer reads them), the counts of what the refresh found
// final and the plan's outputs are those of the same plan made with every
// change. It fails if an error gives every kept outcome its step back, or
// if the plan read through its lazy blocks differs from the eager one.
func TestLazyKeptBesideAnError(t *testing.T) {
	const n, bad = 150, "p042"
	for name, tc := range map[string]struct {
		note     string // the note of row bad
		outcomes bool   // the dependents applied, their outcomes read; bad unreadable
		account  bool   // bad's account read by the refresh, and unreadable
		lazy     int    // the instances kept lazily
	}{
		"an outcome the API cannot read": {outcomes: true, lazy: n - 1},
		"a create the provider refuses":  {note: "!", lazy: 0},
		"an account the API cannot read": {account: true, lazy: 0},
	} {
		t.Run(name, func(t *testing.T) {
			var csv strings.Builder
			csv.WriteString("name,email,note\n")
			for i := range n {
				key, note := fmt.Sprintf("p%03d", i), ""
				if key == bad {
					note = tc.note
				}
				fmt.Fprintf(&csv, "%s,%s@example.id,%s\n", key, key, note)
			}
			var want, got string
			for _, lazy := range []bool{false, true} {
				ba, fake := newBatchApplier(csv.String(), lazy)
				src := applyKeysAccounts
				if tc.outcomes {
					src += unkeepDependents
				}
				res := ba.plan(t, src)
				if rep, _ := ba.apply(t, res, res.Evaluator()); rep.Failed != 0 {
					t.Fatalf("failed %d: %s", rep.Failed, rep.Diagnostics.Error())
				}
				if tc.outcomes {
					readOutcomes(t, ba, fake, n)
					fake.Unreadable = map[string]string{`fake_account.dep["` + bad + `"]`: "The fake API answered 404: verification_not_found."}
				}
				if tc.account {
					addr := `other_account.person["` + bad + `"]`
					ba.backend.Resource(addr).Settled = false
					other := ba.provs["other"].(*enginetest.Provider)
					other.SettledAccounts = false // every account read
					other.Unreadable = map[string]string{addr: "The fake API answered 404: account_not_found."}
				}
				res, diags := planWithErrors(t, ba, applyKeysAccounts+unkeepDependents)
				if !res.Plan.Errored || !diags.HasErrors() {
					t.Fatalf("lazy %v: the plan has no error", lazy)
				}
				kept := res.Plan.Len() - len(res.Plan.Changes)
				if want := map[bool]int{false: 0, true: tc.lazy}[lazy]; kept != want {
					t.Errorf("lazy %v: %d instances kept lazily, want %d", lazy, kept, want)
				}
				out := planOutcome(t, res, diags)
				if lazy {
					got = out
				} else {
					want = out
				}
			}
			if !strings.Contains(want, bad) {
				t.Errorf("the error does not name %s:\n%s", bad, want)
			}
			if got != want {
				t.Errorf("the plan as apply makes it, against the eager one:\n%s", lineDiff(want, got))
			}
		})
	}
}

// readOutcomes makes the refresh of each of the n dependents find its
// outcome: its record not settled, the remote's value its own with an id
// of its outcome.
func readOutcomes(t *testing.T, ba *batchApplier, fake *enginetest.Provider, n int) {
	t.Helper()
	fake.SettledAccounts, fake.Finishes = false, true
	ty := fake.Schema().Resources["fake_account"].ImpliedType()
	for i := range n {
		addr := fmt.Sprintf(`fake_account.dep["p%03d"]`, i)
		rec := ba.backend.Resource(addr)
		rec.Settled = false
		v, err := ctyjson.Unmarshal(backendtest.AttrsOf(rec), ty)
		if err != nil {
			t.Fatal(err)
		}
		m := v.AsValueMap()
		m["id"] = cty.StringVal(fmt.Sprintf("%s-%d", []string{"completed", "failed"}[i%3/2], i))
		fake.Remote[addr] = cty.ObjectVal(m)
	}
}

// planWithErrors is batchApplier.plan of a plan expected to have errors.
func planWithErrors(t *testing.T, ba *batchApplier, src string) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": ba.csv, "main.hcl": providerBlock + src})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, _ := cfg.ResolveVariables(nil, nil)
	return planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: vars, State: ba.backend.State(),
		Digester: enginetest.Digester{}, Options: plans.Options{Refresh: true}, Providers: ba.provs, ApplyOnly: true,
		LazyCreates: ba.lazy, CompactNoOps: ba.lazy})
}

// planOutcome is what a reader finds of res: its diagnostics, the changes
// that call a provider or write the state in the order the renderer reads
// them (Plan.Source), the counts of what refresh found final, and the
// outputs as planned.
func planOutcome(t *testing.T, res *planner.Result, diags hcl.Diagnostics) string {
	t.Helper()
	var b strings.Builder
	for _, d := range diags {
		line := fmt.Sprintf("%v %s: %s (%v)\n", d.Severity, d.Summary, d.Detail, d.Subject)
		if d.Subject != nil { // each plan's configuration is written in a directory of its own
			line = strings.ReplaceAll(line, filepath.Dir(d.Subject.Filename), "DIR")
		}
		b.WriteString(line)
	}
	src := res.Plan.Source()
	for {
		c, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Action != plans.NoOp || c.Persist {
			fmt.Fprintf(&b, "%s %s\n", c.Action, c.Addr)
		}
	}
	fmt.Fprintf(&b, "finished %v\n", res.Plan.Finished)
	for _, o := range res.Plan.Outputs {
		fmt.Fprintf(&b, "%s = %#v\n", o.Name, o.Value)
	}
	return b.String()
}
