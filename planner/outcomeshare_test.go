package planner_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// TestLazyOutcomesSharedWithTheirRecords: an apply that records a
// batch's outcomes keeps each refreshed value in its lazy block as what
// differs from the block's first and from its own stored record, and
// records, prints and outputs exactly what the same apply made with every
// change does: outcomes equal to their record but for their id (the
// fake's status), and outcomes whose record holds no id (an attribute the
// record does not hold); records whose attributes are in memory, and
// records loaded from a state file, whose attributes are left there until
// apply reads them. Each outcome is kept in a few bytes, its mask and its
// id: what it shares with its record (its name and e-mail, another in
// every row) is not kept. It fails if an outcome is made again with
// another record's values, or kept without its record's sharing.
func TestLazyOutcomesSharedWithTheirRecords(t *testing.T) {
	for _, inFile := range []bool{false, true} {
		t.Run(fmt.Sprintf("attributes left in the file %v", inFile), func(t *testing.T) {
			want := outcomeApply(t, false, inFile)
			got := outcomeApply(t, true, inFile)
			if got.lazy != 150 || want.lazy != 0 {
				t.Errorf("%d outcomes kept lazily (%d eagerly), want 150", got.lazy, want.lazy)
			}
			// The mask (2 bytes for 7 attributes) and the id (1 + up to 11).
			if got.bytes > got.lazy*(2+12) {
				t.Errorf("%d outcomes kept in %d bytes; want what differs from their records alone", got.lazy, got.bytes)
			}
			if c := strings.Count(want.printed, "\n"); c != 150 {
				t.Errorf("%d outcomes planned, want 150", c)
			}
			if got.printed != want.printed {
				t.Errorf("the changes as printed:\n%s", lineDiff(want.printed, got.printed))
			}
			if got.recorded != want.recorded {
				t.Errorf("recorded:\n%s", lineDiff(want.recorded, got.recorded))
			}
		})
	}
}

// sharedOutcome is what outcomeApply planned, printed and recorded.
type sharedOutcome struct {
	lazy, bytes       int // outcomes kept lazily, and the bytes of their kept values
	printed, recorded string
}

// outcomeApply creates 150 accounts and a dependent each, settled and
// not, then records the dependents' outcomes: lazily as apply plans, or
// with every change; inFile, from records loaded from a state file.
func outcomeApply(t *testing.T, lazy, inFile bool) sharedOutcome {
	const n = 150
	var csv strings.Builder
	csv.WriteString("name,email\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id\n", i, i)
	}
	src := applyKeysAccounts + `
resource "fake_account" "dep" {
  for_each = local.people
  name     = "d-${each.key}"
  email    = other_account.person[each.key].email
}
output "verified" {
  value = length(fake_account.dep)
}
`
	ba, fake := newBatchApplier(csv.String(), lazy)
	apply := func(res *planner.Result) string {
		t.Helper()
		rep, outs := ba.apply(t, res, res.Evaluator())
		if rep.Failed != 0 {
			t.Fatalf("failed %d: %s", rep.Failed, rep.Diagnostics.Error())
		}
		return fmt.Sprintf("added %d, changed %d, outputs %#v\n", rep.Added, rep.Changed, outs[len(outs)-1].Value)
	}
	apply(ba.plan(t, src))

	// The outcomes: each dependent's record not settled, and the
	// remote's value its own with another id; every other one's record
	// without an id.
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
		m["id"] = cty.StringVal(fmt.Sprintf("completed-%d", i))
		if i%2 == 1 {
			m["id"] = cty.StringVal(fmt.Sprintf("failed-%d", i))
			without := v.AsValueMap()
			without["id"] = cty.NullVal(cty.String)
			raw, err := ctyjson.Marshal(cty.ObjectVal(without), ty)
			if err != nil {
				t.Fatal(err)
			}
			rec.SetAttributes(raw)
		}
		fake.Remote[addr] = cty.ObjectVal(m)
	}
	if inFile {
		// Written and loaded again: the records' attributes are left in
		// the file, read back as each is needed.
		b := state.NewLocal(filepath.Join(t.TempDir(), "daftar.state.json"), state.LocalOptions{})
		if err := b.Compact(context.Background(), ba.backend.State()); err != nil {
			t.Fatal(err)
		}
		loaded, err := b.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		ba.backend = enginetest.NewBackend(loaded)
	}
	res := ba.plan(t, src)
	var out sharedOutcome
	out.lazy = res.Plan.Len() - len(res.Plan.Changes)
	_, out.bytes = planner.LazyOutcomeBytes(res)
	var printed strings.Builder
	add := func(c *plans.Change) {
		if c.Persist {
			if err := c.ReadDeferred(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&printed, "%s %s %#v\n", c.Addr, c.Action, c.After)
		}
	}
	for _, c := range res.Plan.Changes {
		add(c)
	}
	for _, l := range res.Plan.Lazy {
		for i := range l.N {
			add(l.Change(i)) // as the renderer reads them
		}
	}
	out.printed = sortedLines(printed.String())
	var recorded strings.Builder
	recorded.WriteString(apply(res))
	for addr, rec := range ba.backend.State().Resources {
		fmt.Fprintf(&recorded, "%s %s %s %v\n", addr, backendtest.AttrsOf(rec), rec.ConfigDigest(), rec.Settled)
	}
	out.recorded = sortedLines(recorded.String())
	return out
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}
