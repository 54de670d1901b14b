package planner_test

import (
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
)

// TestReplaceSamePlanAsEager: a -replace of one instance of a batch of
// 150 with a dependent (an account its dependent reads, the dependent, a
// dependent reading the accounts' count, both of a row) plans, with the
// batch's unchanged instances kept compactly and predicted, what the
// same plan makes eagerly (no CompactNoOps, no prediction): diagnostics,
// outputs, the values every reader sees, every change. Each case fails
// of the batch alone fails unless the unchanged instances were kept
// compactly, as they were not when -replace turned every fast path off
// (with the count, the plan keeps a step of every instance anyway).
func TestReplaceSamePlanAsEager(t *testing.T) {
	shapes := map[string]struct {
		extra   string
		records func() map[string]string
		compact bool // the plan without -replace keeps instances compactly
	}{
		"batch":           {"", func() map[string]string { return columnRecords() }, true},
		"batch and count": {countDep, countRecords, false},
	}
	replaces := map[string][]string{
		"an account read":          {`other_account.batch["p005"]`},
		"a dependent":              {`fake_account.dep["p005"]`},
		"an account and another's": {`other_account.batch["p005"]`, `fake_account.dep["p007"]`},
		"a whole resource":         {`fake_account.dep`},
		"a counting dependent":     {`fake_account.count["p003"]`},
	}
	for shapeName, shape := range shapes {
		for name, replace := range replaces {
			if strings.HasPrefix(replace[0], "fake_account.count") && shape.extra == "" {
				continue
			}
			t.Run(shapeName+"/"+name, func(t *testing.T) {
				applied := func(t *testing.T) *state.State { return appliedColumn(t, columnSrc+shape.extra, shape.records()) }
				opts := plans.Options{Replace: replace}
				got, gotDiags := planColumnDiags(t, columnSrc+shape.extra, applied(t), opts, true)
				off := planner.SetPredicting(false)
				want, wantDiags := planColumnDiags(t, columnSrc+shape.extra, applied(t), opts, false)
				off()
				if g, w := len(got.StepsButLazy()), len(want.StepsButLazy()); shape.compact && !gotDiags.HasErrors() && g >= w {
					t.Errorf("%d steps, eagerly %d: no unchanged instance kept compactly", g, w)
				}
				w := samePlan(t, got, want, gotDiags, wantDiags, "made eagerly")
				if gotDiags.HasErrors() {
					t.Fatalf("plan: %s", gotDiags.Error())
				}
				if name == "a whole resource" {
					// As in Terraform, a keyless address of a resource with
					// for_each names no instance: a warning, no replace.
					if n := strings.Count(w, "replace"); n > 0 || !strings.Contains(gotDiags.Error(), "Incompletely-matched force-replace resource instance") {
						t.Errorf("%d replaces, diagnostics %q: want none, and the warning:\n%s", n, gotDiags.Error(), w)
					}
					return
				}
				if n := strings.Count(w, "replace"); n < len(replace) {
					t.Errorf("%d replaces in the plan, want at least %d:\n%s", n, len(replace), w)
				}
			})
		}
	}
}
