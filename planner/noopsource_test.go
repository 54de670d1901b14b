package planner_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/state"
)

// TestSourceHandsOutExpandedNoOps: the changes Result.Source hands out of
// a plan made with CompactNoOps are those ExpandNoOps would give it, and
// those of the plan made without, in the same order with the same values
// and DependsOn, and the JSON plan written from them has the same bytes;
// the plan itself is left with its unchanged instances kept compactly.
// With rows changed, new and gone among unchanged ones (merged by key
// within the batch), and with a batch of dependents reading the batch by
// [each.key].email and outputs counting both (length()), whose no-ops
// come between the batch's and the single account's changes.
func TestSourceHandsOutExpandedNoOps(t *testing.T) {
	lengths := `
output "accounts" { value = length(fake_account.batch) }
output "dependents" { value = length(fake_account.dep) }
`
	cases := map[string]struct {
		src   string
		state func(t *testing.T, src string) func() *state.State
	}{
		"unchanged":                             {compactSrc, unedited},
		"changed, new and gone rows":            {compactSrc, edited},
		"keys read, changed, new and gone rows": {compactSrc + `output "n" { value = length(fake_account.batch) }`, edited},
		"dependents":                            {compactSrc + compactDependents, unedited},
		"dependents and lengths":                {compactSrc + compactDependents + lengths, unedited},
		"dependents, changed, new and gone":     {compactSrc + compactDependents + lengths, edited},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			made, lineage := tc.state(t, tc.src), ""
			st := func() *state.State { // the same state three times
				s := made()
				if lineage == "" {
					lineage = s.Lineage
				}
				s.Lineage = lineage
				return s
			}
			full := planCompact(t, tc.src, st(), plans.Options{}, false)
			compact := planCompact(t, tc.src, st(), plans.Options{}, true)
			expanded := planCompact(t, tc.src, st(), plans.Options{}, true)
			kept := len(compact.Plan.Changes)
			var got bytes.Buffer
			if err := render.PlanJSONFrom(&got, compact.Plan, compact.Source()); err != nil {
				t.Fatal(err)
			}
			handed := drain(t, compact.Source())
			if len(compact.Plan.Changes) != kept {
				t.Fatalf("the plan holds %d changes after Source, %d before", len(compact.Plan.Changes), kept)
			}
			if name != "dependents, changed, new and gone" && kept >= len(full.Plan.Changes) {
				t.Fatalf("%d changes with CompactNoOps, %d without: no instance kept compactly", kept, len(full.Plan.Changes))
			}
			expanded.ExpandNoOps()
			for what, want := range map[string]*plans.Plan{"without CompactNoOps": full.Plan, "expanded": expanded.Plan} {
				if got, want := describe(t, &plans.Plan{Changes: handed}), describe(t, want); got != want {
					t.Errorf("the changes handed out differ from the plan %s:\n%s", what, lineDiff(want, got))
				}
				var wantJSON bytes.Buffer
				if err := render.PlanJSON(&wantJSON, want); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), wantJSON.Bytes()) {
					t.Errorf("the JSON plan differs from the plan's %s:\n%s", what, lineDiff(wantJSON.String(), got.String()))
				}
			}
		})
	}
}

func unedited(t *testing.T, src string) func() *state.State { return digestedEdited(t, src, noEdit) }
func edited(t *testing.T, src string) func() *state.State   { return digestedEdited(t, src, editRows) }

// drain is every change src hands out.
func drain(t *testing.T, src plans.ChangeSource) []*plans.Change {
	t.Helper()
	var out []*plans.Change
	for {
		c, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
}

// TestSourceOfPlanWithoutCompactNoOps: a plan made without CompactNoOps
// hands out through Result.Source exactly its Changes.
func TestSourceOfPlanWithoutCompactNoOps(t *testing.T) {
	full := planCompact(t, compactSrc, unedited(t, compactSrc)(), plans.Options{}, false)
	handed := drain(t, full.Source())
	if len(handed) != len(full.Plan.Changes) {
		t.Fatalf("%d changes handed out, the plan has %d", len(handed), len(full.Plan.Changes))
	}
	for i, c := range handed {
		if c != full.Plan.Changes[i] {
			t.Errorf("change %d is %s, want the plan's %s", i, c.Addr, full.Plan.Changes[i].Addr)
		}
	}
}
