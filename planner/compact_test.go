package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
)

// compactSrc is a batch of 150 accounts (more than a batch's 100) and one
// more account, nothing referring to either.
const compactSrc = `
locals {
  rows = { for i in range(150) : format("p%03d", i) => { email = "p${i}@example.id" } }
}

resource "fake_account" "batch" {
  for_each = local.rows
  name     = each.key
  email    = each.value.email
}

resource "fake_account" "single" {
  name = "solo"
}
`

// compactDependents is a batch that depends on compactSrc's, an instance
// of it reading its row's account (nothing refers to the dependents).
const compactDependents = `
resource "fake_account" "dep" {
  for_each = local.rows
  name     = "d-${each.key}"
  tag      = fake_account.batch[each.key].email
}
`

// compactRecords are compactSrc's records, without digests, and
// compactDependents' with dependents.
func compactRecords(dependents bool) map[string]string {
	records := map[string]string{"fake_account.single": account("solo", "")}
	for i := range 150 {
		name := fmt.Sprintf("p%03d", i)
		records[fmt.Sprintf("fake_account.batch[%q]", name)] = account(name, fmt.Sprintf(`"email":"p%d@example.id"`, i))
		if dependents {
			records[fmt.Sprintf("fake_account.dep[%q]", name)] = account("d-"+name, fmt.Sprintf(`"tag":"p%d@example.id"`, i))
		}
	}
	return records
}

// planCompact plans src against the state st makes, with or without
// Request.CompactNoOps.
func planCompact(t *testing.T, src string, st *state.State, opts plans.Options, compact bool) *planner.Result {
	t.Helper()
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	fake := enginetest.NewProvider()
	fake.Fingerprints = true
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: opts, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": fake}, CompactNoOps: compact,
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// describe spells every change of p with its values read (Plan.Read) and
// what apply reads of it, one line each.
func describe(t *testing.T, p *plans.Plan) string {
	t.Helper()
	if err := p.Read(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "%s %s before=%#v after=%#v persist=%v deps=%v dependsOn=%v sensitive=%v reason=%q digest=%q\n",
			c.Addr, c.Action, c.Before, c.After, c.Persist, c.Deps, c.DependsOn, c.Sensitive, c.Reason, c.ConfigDigest)
	}
	return b.String()
}

// digestedEdited makes the state of src's records (compactRecords, with
// dependents when src has them) with their digests, then edit's records
// in their place ("": none).
func digestedEdited(t *testing.T, src string, edit func(map[string]string)) func() *state.State {
	return func() *state.State {
		st := digestedState(t, src, compactRecords(strings.Contains(src, compactDependents)))
		records := map[string]string{}
		edit(records)
		for addr, attrs := range records {
			if attrs == "" {
				delete(st.Resources, addr)
				continue
			}
			extra := stateOf(t, map[string]string{addr: attrs}).Resources[addr]
			if old := st.Resources[addr]; old != nil {
				extra.SetConfigDigest(old.ConfigDigest()) // the digest of what was applied
			}
			st.Resources[addr] = extra
		}
		return st
	}
}

func noEdit(map[string]string) {}

// editRows changes a batch's row outside, makes one new and one gone.
func editRows(r map[string]string) {
	r[`fake_account.batch["p007"]`] = account("p007", `"email":"old@example.id"`) // changed outside: planned in full
	r[`fake_account.batch["p008"]`] = ""                                          // new
	r[`fake_account.batch["p999"]`] = account("p999", "")                         // gone from the CSV: forget
}

// TestCompactNoOpsSamePlan: a plan whose caller reads no no-op
// (CompactNoOps) keeps a batch's unchanged instances without their changes
// where it may, and its plan, its counts and, once ExpandNoOps made them,
// every change with its values are the plan made without: with a row
// changed, one new, one gone (a forget beside unchanged instances), a
// -target, a -replace of one row among unchanged ones, a moved block, and
// outputs that read the batch's values or keys.
func TestCompactNoOpsSamePlan(t *testing.T) {
	digested, none, edited := digestedEdited, noEdit, editRows
	cases := []struct {
		name      string
		src       string
		state     func() *state.State
		opts      plans.Options
		compacted string // the resource whose unchanged instances are left out ("": none)
	}{
		{"unchanged", compactSrc, digested(t, compactSrc, none), plans.Options{}, "batch"},
		{"changed, new and gone rows", compactSrc, digested(t, compactSrc, edited), plans.Options{}, "batch"},
		{"target", compactSrc, digested(t, compactSrc, none), plans.Options{Targets: []string{`fake_account.batch["p001"]`}}, ""},
		{"replace", compactSrc, digested(t, compactSrc, none), plans.Options{Replace: []string{`fake_account.batch["p002"]`}}, "batch"}, // the replaced one a step of its own
		{"refresh", compactSrc, digested(t, compactSrc, none), plans.Options{Refresh: true}, ""},
		{"moved", compactSrc + `
moved {
  from = fake_account.old
  to   = fake_account.single
}`, digested(t, compactSrc, none), plans.Options{}, ""},
		{"value read", compactSrc + `output "e" { value = fake_account.batch["p003"].email }`,
			digested(t, compactSrc+`output "e" { value = fake_account.batch["p003"].email }`, none), plans.Options{}, "batch"}, // its e-mail predicted
		{"keys read", compactSrc + `output "n" { value = length(fake_account.batch) }`,
			digested(t, compactSrc+`output "n" { value = length(fake_account.batch) }`, none), plans.Options{}, "batch"},
		{"dependents", compactSrc + compactDependents, digested(t, compactSrc+compactDependents, none), plans.Options{}, "dep"},
		{"dependents, changed, new and gone rows", compactSrc + compactDependents, digested(t, compactSrc+compactDependents, edited), plans.Options{}, ""}, // no prediction: planned in full
		{"keys read, changed, new and gone rows", compactSrc + `output "n" { value = length(fake_account.batch) }
output "k" { value = keys(fake_account.batch)[8] }`,
			digested(t, compactSrc+`output "n" { value = length(fake_account.batch) }
output "k" { value = keys(fake_account.batch)[8] }`, edited), plans.Options{}, "batch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			full := planCompact(t, tc.src, tc.state(), tc.opts, false)
			compact := planCompact(t, tc.src, tc.state(), tc.opts, true)
			if len(full.Plan.Changes) < 151 {
				t.Fatalf("%d changes without CompactNoOps, want every instance", len(full.Plan.Changes))
			}
			left := len(full.Plan.Changes) - len(compact.Plan.Changes)
			if (tc.compacted != "") != (left > 0) {
				t.Fatalf("%d of %d changes left out, want some of %q", left, len(full.Plan.Changes), tc.compacted)
			}
			for _, c := range compact.Plan.Changes {
				if c.Addr.Resource.Name == tc.compacted && c.Action == plans.NoOp && c.Deferred() {
					t.Errorf("%s: an unchanged batch instance kept as a change", c.Addr)
				}
			}
			if f, c := full.Plan.Summary(), compact.Plan.Summary(); f != c || full.Plan.HasChanges() != compact.Plan.HasChanges() {
				t.Errorf("summary %+v (changes %v) with CompactNoOps, %+v (%v) without", c, compact.Plan.HasChanges(), f, full.Plan.HasChanges())
			}
			if f, c := outputsOf(full.Plan), outputsOf(compact.Plan); f != c {
				t.Errorf("outputs %s with CompactNoOps, %s without", c, f)
			}
			compact.ExpandNoOps()
			want, got := describe(t, full.Plan), describe(t, compact.Plan)
			if got != want {
				t.Errorf("expanded plan differs:\n%s", lineDiff(want, got))
			}
			steps := compact.Steps()
			if len(steps) != len(compact.Plan.Changes) {
				t.Fatalf("%d steps for %d changes", len(steps), len(compact.Plan.Changes))
			}
			for i, s := range steps {
				if s.Change != compact.Plan.Changes[i] || compact.ConfigDigest(s) != full.ConfigDigest(full.Steps()[i]) {
					t.Errorf("step %d: %s, digest %q; want change %s, digest %q", i, s.Addr(), compact.ConfigDigest(s), compact.Plan.Changes[i].Addr, full.ConfigDigest(full.Steps()[i]))
				}
			}
		})
	}
}

// TestCompactNoOpsEvaluatorKeepsThemCompact: the executor's view of a
// plan made with CompactNoOps (Evaluator, which apply makes) holds the
// changes the plan holds, not the no-ops it kept without steps: each of
// those is, without CompactNoOps, a no-op apply writes nothing for (no
// backfill, no record to persist). ExpandNoOps still makes every change,
// as without.
func TestCompactNoOpsEvaluatorKeepsThemCompact(t *testing.T) {
	st := func() *state.State { return digestedState(t, compactSrc, compactRecords(false)) }
	full := planCompact(t, compactSrc, st(), plans.Options{}, false)
	compact := planCompact(t, compactSrc, st(), plans.Options{}, true)
	if len(compact.Plan.Changes) >= len(full.Plan.Changes) {
		t.Fatalf("%d changes with CompactNoOps, %d without: none left out", len(compact.Plan.Changes), len(full.Plan.Changes))
	}
	held := describe(t, compact.Plan)
	e := compact.Evaluator()
	if got := describe(t, e.Plan()); got != held {
		t.Errorf("the evaluator's plan differs from the plan:\n%s", lineDiff(held, got))
	}
	kept := map[string]bool{}
	for _, c := range compact.Plan.Changes {
		kept[c.Addr.String()] = true
	}
	fe := full.Evaluator()
	for _, c := range full.Plan.Changes {
		if !kept[c.Addr.String()] && (c.Action != plans.NoOp || c.Persist || fe.Backfill(c) != "") {
			t.Errorf("%s left out: a %s (persist %v, backfill %q), want a no-op apply writes nothing for", c.Addr, c.Action, c.Persist, fe.Backfill(c))
		}
	}
	compact.ExpandNoOps()
	if want, got := describe(t, full.Plan), describe(t, compact.Plan); got != want {
		t.Errorf("the plan expanded differs:\n%s", lineDiff(want, got))
	}
}

// outputsOf spells p's outputs.
func outputsOf(p *plans.Plan) string {
	var b strings.Builder
	for _, o := range p.Outputs {
		fmt.Fprintf(&b, "%s=%#v sensitive=%v\n", o.Name, o.Value, o.Sensitive)
	}
	return b.String()
}

// lineDiff lists the lines of want and got that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "- %s\n+ %s\n", wl, gl)
			if b.Len() > 4000 {
				break
			}
		}
	}
	return b.String()
}
