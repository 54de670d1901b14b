package planner_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// columnSrc is a batch of 150 accounts, a dependent per row reading its
// account's e-mail (usapi_account.person[each.key].email's shape), and the
// two outputs of scripts/bench.sh's "with dependents" shape. The accounts
// are another provider's than the dependents', as usapi's are not
// proofylink's: the pre-pass drops the configurations of a provider whose
// resources depend on none (dropAllowed).
const columnSrc = `
provider "other" {
  endpoint = "sandbox"
}

locals {
  rows = { for i in range(150) : format("p%03d", i) => { email = "p${i}@example.id" } }
}

resource "other_account" "batch" {
  for_each = local.rows
  name     = each.key
  email    = each.value.email
}

resource "fake_account" "dep" {
  for_each = local.rows
  name     = "d-${each.key}"
  tag      = other_account.batch[each.key].email
}

output "registered" {
  value = length(other_account.batch)
}

output "verified" {
  value = length(fake_account.dep)
}
`

// columnRecords are the records of columnSrc (extra's resources too: a
// dependent "name" reading its account's name), applied.
func columnRecords(extra ...string) map[string]string {
	records := map[string]string{}
	for i := range 150 {
		key := fmt.Sprintf("p%03d", i)
		records[fmt.Sprintf("other_account.batch[%q]", key)] = account(key, fmt.Sprintf(`"email":"p%d@example.id"`, i))
		records[fmt.Sprintf("fake_account.dep[%q]", key)] = account("d-"+key, fmt.Sprintf(`"tag":"p%d@example.id"`, i))
		for _, name := range extra {
			records[fmt.Sprintf("fake_account.%s[%q]", name, key)] = account(name+"-"+key, fmt.Sprintf(`"tag":%q`, key))
		}
	}
	return records
}

// The configurations of rows added, changed, gone and renamed since
// columnSrc was applied, and a dependent reading the accounts' count.
var (
	addedRow      = strings.Replace(columnSrc, "range(150)", "range(151)", 1)
	renamedRow    = strings.Replace(columnSrc, `format("p%03d", i)`, `format(i == 9 ? "q%03d" : "p%03d", i)`, 1)
	eachRowChange = strings.Replace(columnSrc, `rows = { for i in range(150) : format("p%03d", i) => { email = "p${i}@example.id" } }`,
		`rows = { for i in range(151) : format(i == 9 ? "q%03d" : "p%03d", i) => { email = i == 5 ? "new5@example.id" : "p${i}@example.id" } if i != 8 }`, 1)
	countDep = `
resource "fake_account" "count" {
  for_each = local.rows
  name     = "c-${each.key}"
  tag      = "${length(other_account.batch)} accounts"
}
`
)

// countRecords are columnRecords with countDep's, applied.
func countRecords() map[string]string {
	records := columnRecords()
	for i := range 150 {
		key := fmt.Sprintf("p%03d", i)
		records[fmt.Sprintf("fake_account.count[%q]", key)] = account("c-"+key, `"tag":"150 accounts"`)
	}
	return records
}

// wantOutputs fails unless p's outputs are want, as name=value pairs.
func wantOutputs(t *testing.T, p *plans.Plan, want string) {
	t.Helper()
	var got []string
	for _, o := range p.Outputs {
		v := o.Value.GoString()
		if o.Value.IsKnown() && o.Value.Type() == cty.Number {
			v = o.Value.AsBigFloat().String()
		}
		got = append(got, o.Name+"="+v)
	}
	if g := strings.Join(got, " "); g != want {
		t.Errorf("outputs %s, want %s", g, want)
	}
}

// TestCompactReferencedPerRowSamePlan: a batch its dependents read per row
// (R[each.key].email) and by its keys (length) keeps its unchanged
// instances without steps (CompactNoOps), the values they read being
// predicted from the records; the plan, its counts and outputs, and once
// ExpandNoOps made them every change, digest and step are the plan made
// without, and so is the value every reader of each resource sees (the
// walk's whole value of the resource, and each step's): unchanged; an
// account whose recorded e-mail differs from its row (its dependent
// updated with the account's own e-mail); an account whose row changed
// (its dependent updated with its own new e-mail); a new and a gone row;
// a dependent reading another attribute; an output reading the whole
// resource; a condition; a -target.
func TestCompactReferencedPerRowSamePlan(t *testing.T) {
	nameDep := `
resource "fake_account" "name" {
  for_each = local.rows
  name     = "name-${each.key}"
  tag      = other_account.batch[each.key].name
}
`
	changedRow := strings.Replace(columnSrc, `email = "p${i}@example.id"`, `email = i == 5 ? "new5@example.id" : "p${i}@example.id"`, 1)
	none := func(map[string]string) {}
	cases := []struct {
		name      string
		src       string
		state     func(t *testing.T) *state.State
		opts      plans.Options
		compacted []string // the resources some of whose instances are left out
		check     func(t *testing.T, p *plans.Plan)
	}{
		{"unchanged", columnSrc, columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, nil},
		{"an account's recorded e-mail differs", columnSrc, columnApplied(columnSrc, columnRecords(), func(r map[string]string) {
			r[`other_account.batch["p007"]`] = account("p007", `"email":"old@example.id"`)
		}), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantUpdate(t, p, `fake_account.dep["p007"]`, "old@example.id")
		}},
		{"an account's row changed", changedRow, columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantUpdate(t, p, `fake_account.dep["p005"]`, "new5@example.id")
		}},
		{"a new and a gone row", columnSrc, columnApplied(columnSrc, columnRecords(), func(r map[string]string) {
			r[`other_account.batch["p008"]`] = ""
			r[`fake_account.dep["p008"]`] = ""
			r[`other_account.batch["p999"]`] = account("p999", "")
			r[`fake_account.dep["p999"]`] = account("d-p999", "")
		}), plans.Options{}, []string{"batch", "dep"}, nil},
		// A row gone from the CSV: its account and its dependent are
		// forgotten, which no value of the resources includes, so the
		// others are still predicted from their records and kept
		// compactly (a deleted row once planned every dependent again).
		{"a gone row", columnSrc, columnApplied(columnSrc, columnRecords(), func(r map[string]string) {
			r[`other_account.batch["p999"]`] = account("p999", `"email":"p999@example.id"`)
			r[`fake_account.dep["p999"]`] = account("d-p999", `"tag":"p999@example.id"`)
		}), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantAction(t, p, `other_account.batch["p999"]`, plans.Forget)
			wantAction(t, p, `fake_account.dep["p999"]`, plans.Forget)
			if s := p.Summary(); s.Forget != 2 || s.Add+s.Change+s.Replace != 0 {
				t.Errorf("summary %+v, want the two forgets alone", s)
			}
		}},
		{"a dependent reading another attribute", columnSrc + nameDep, columnApplied(columnSrc+nameDep, columnRecords("name"), none), plans.Options{}, []string{"batch", "dep", "name"}, nil},
		{"an output reading the whole resource", columnSrc + `output "all" {
  value     = other_account.batch
  sensitive = true
}`,
			columnApplied(columnSrc+`output "all" {
  value     = other_account.batch
  sensitive = true
}`, columnRecords(), none), plans.Options{}, []string{"dep"}, nil},
		{"an output reading one account", columnSrc + `output "one" { value = other_account.batch["p003"].email }`,
			columnApplied(columnSrc+`output "one" { value = other_account.batch["p003"].email }`, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, nil},
		{"a condition reading an account", strings.Replace(columnSrc, `  tag      = other_account.batch[each.key].email
`, `  tag      = other_account.batch[each.key].email
  lifecycle {
    precondition {
      condition     = other_account.batch[each.key].email != ""
      error_message = "no e-mail"
    }
  }
`, 1), columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch"}, nil}, // it reads the e-mail predicted
		{"a condition of the accounts", strings.Replace(columnSrc, `  email    = each.value.email
`, `  email    = each.value.email
  lifecycle {
    postcondition {
      condition     = self.email != ""
      error_message = "no e-mail"
    }
  }
`, 1), columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"dep"}, nil},
		// Rows added, changed, gone or renamed: the accounts planned
		// are holes in the prediction of the others (predictColumn), the
		// dependents whose evaluation read one are evaluated again by the
		// walk, the others taken over; the plan is the one made without.
		{"a row added", addedRow, columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantAction(t, p, `other_account.batch["p150"]`, plans.Create)
			wantAction(t, p, `fake_account.dep["p150"]`, plans.Create)
			wantOutputs(t, p, "registered=151 verified=151")
		}},
		{"a row renamed", renamedRow, columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantAction(t, p, `other_account.batch["p009"]`, plans.Forget)
			wantAction(t, p, `other_account.batch["q009"]`, plans.Create)
			wantAction(t, p, `fake_account.dep["q009"]`, plans.Create)
			wantOutputs(t, p, "registered=150 verified=150")
		}},
		{"a row of each: added, changed, gone, renamed", eachRowChange, columnApplied(columnSrc, columnRecords(), none), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantUpdate(t, p, `fake_account.dep["p005"]`, "new5@example.id")
			wantAction(t, p, `fake_account.dep["p008"]`, plans.Forget)
			wantAction(t, p, `fake_account.dep["q009"]`, plans.Create)
			wantAction(t, p, `fake_account.dep["p150"]`, plans.Create)
			wantOutputs(t, p, "registered=150 verified=150")
		}},
		// A dependent that reads the accounts with a hole in a way that
		// stays known (their number): taken over from the pre-pass, with
		// the count the walk gives.
		{"a row added, a dependent reading the count", addedRow + countDep, columnApplied(columnSrc+countDep, countRecords(), none), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantUpdate(t, p, `fake_account.count["p000"]`, "151 accounts")
			wantUpdate(t, p, `fake_account.count["p149"]`, "151 accounts")
			wantAction(t, p, `fake_account.count["p150"]`, plans.Create)
		}},
		{"target", columnSrc, columnApplied(columnSrc, columnRecords(), none), plans.Options{Targets: []string{`fake_account.dep["p001"]`}}, nil, nil},
		// An account replaced is a step of its own, a hole of the
		// prediction; the other rows keep the fast path.
		{"an account replaced", columnSrc, columnApplied(columnSrc, columnRecords(), none), plans.Options{Replace: []string{`other_account.batch["p004"]`}}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			wantAction(t, p, `other_account.batch["p004"]`, plans.Replace)
		}},
		// What must not take the fast path although every row and record
		// is as applied: an account whose apply was interrupted (a
		// pending intent), the accounts' provider configured otherwise
		// (every digest changes: each account is planned by its provider).
		{"an account with a pending intent", columnSrc, withPending(columnApplied(columnSrc, columnRecords(), none), `other_account.batch["p006"]`), plans.Options{}, []string{"batch", "dep"}, func(t *testing.T, p *plans.Plan) {
			if !p.HasChanges() {
				t.Errorf("no change planned for the account whose apply was interrupted")
			}
		}},
		{"the accounts' provider configured otherwise", strings.Replace(columnSrc, `endpoint = "sandbox"`, `endpoint = "http://127.0.0.1:1/"`, 1), columnApplied(columnSrc, columnRecords(), none), plans.Options{}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var taken int
			defer planner.OnPredictedWhole(func(addr string, v, built cty.Value) {
				taken++
				if !v.RawEquals(built) {
					t.Errorf("%s: the predicted value taken over is not the one built", addr)
				}
			})()
			full := planColumn(t, tc.src, tc.state(t), tc.opts, false)
			compact := planColumn(t, tc.src, tc.state(t), tc.opts, true)
			left, all := map[string]int{}, map[string]int{}
			for _, c := range full.Plan.Changes {
				left[c.Addr.Resource.Name]++
				if c.Action != plans.Forget { // in no value of its resource
					all[c.Addr.Resource.Name]++
				}
			}
			for _, c := range compact.Plan.Changes {
				left[c.Addr.Resource.Name]--
			}
			var got []string
			for name, n := range left {
				if n > 0 {
					got = append(got, name)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.compacted, ",") {
				t.Errorf("instances left out of %v, want of %v (%v)", got, tc.compacted, left)
			}
			if tc.check != nil {
				tc.check(t, compact.Plan)
				tc.check(t, full.Plan)
			}
			if f, c := full.Plan.Summary(), compact.Plan.Summary(); f != c || full.Plan.HasChanges() != compact.Plan.HasChanges() {
				t.Errorf("summary %+v (changes %v) with CompactNoOps, %+v (%v) without", c, compact.Plan.HasChanges(), f, full.Plan.HasChanges())
			}
			if f, c := outputsOf(full.Plan), outputsOf(compact.Plan); f != c {
				t.Errorf("outputs %s with CompactNoOps, %s without", c, f)
			}
			fv, cv := planner.ResourceValues(full), planner.ResourceValues(compact)
			for addr, v := range fv {
				if _, ok := schema.ColumnsOf(v); ok {
					t.Errorf("%s: held as columns without CompactNoOps", addr)
				}
				// A resource something reads whose instances are
				// left out: the accounts (a column of what is read,
				// the holes the walk planned filled in), the
				// dependents when every one is (predicted, of their
				// keys, length), or else when no row is gone (keysColumn:
				// a forget's step is not in their value).
				_, isColumns := schema.ColumnsOf(cv[addr])
				name := addr[strings.LastIndex(addr, ".")+1:]
				forgets := full.Plan.Summary().Forget > 0
				if want := left[name] > 0 && (addr == "other_account.batch" || addr == "fake_account.dep" && (!forgets || left[name] == all[name])); isColumns != want {
					t.Errorf("%s: held as columns %v with CompactNoOps, want %v", addr, isColumns, want)
				}
				if !schema.Whole(cv[addr]).RawEquals(v) {
					t.Errorf("%s: the value its readers see differs with CompactNoOps", addr)
				}
			}
			compact.ExpandNoOps()
			if want, got := describe(t, full.Plan), describe(t, compact.Plan); got != want {
				t.Errorf("expanded plan differs:\n%s", lineDiff(want, got))
			}
			steps, fullSteps := compact.Steps(), full.Steps()
			if len(steps) != len(fullSteps) {
				t.Fatalf("%d steps, %d without CompactNoOps", len(steps), len(fullSteps))
			}
			for i, s := range steps {
				if s.Change != compact.Plan.Changes[i] || s.Addr() != fullSteps[i].Addr() || compact.ConfigDigest(s) != full.ConfigDigest(fullSteps[i]) {
					t.Errorf("step %d: %s, digest %q; want %s, digest %q", i, s.Addr(), compact.ConfigDigest(s), fullSteps[i].Addr(), full.ConfigDigest(fullSteps[i]))
				}
			}
			fs, cs := planner.StepValues(full), planner.StepValues(compact)
			for addr, v := range fs {
				if !cs[addr].RawEquals(v) {
					t.Errorf("%s: the value dependents see is %#v with CompactNoOps once expanded, %#v without", addr, cs[addr], v)
				}
			}
		})
	}
}

// withPending is stateOf with a pending intent on the record addr: an
// apply of it was interrupted.
func withPending(stateOf func(t *testing.T) *state.State, addr string) func(t *testing.T) *state.State {
	return func(t *testing.T) *state.State {
		st := stateOf(t)
		st.Resources[addr].SetPending(&state.Intent{ID: "intent-1", Operation: "update", RunID: "run-1"})
		return st
	}
}

// wantAction fails unless p plans action for addr.
func wantAction(t *testing.T, p *plans.Plan, addr string, action plans.Action) {
	t.Helper()
	if err := p.Read(); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		if c.Addr.String() == addr {
			if c.Action != action {
				t.Errorf("%s: %s, want %s", addr, c.Action, action)
			}
			return
		}
	}
	t.Errorf("%s: no change", addr)
}

// wantUpdate fails unless p updates addr with its tag set to tag.
func wantUpdate(t *testing.T, p *plans.Plan, addr, tag string) {
	t.Helper()
	if err := p.Read(); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Changes {
		if c.Addr.String() != addr {
			continue
		}
		if c.Action != plans.Update || !c.After.GetAttr("tag").RawEquals(cty.StringVal(tag)) {
			t.Errorf("%s: %s to %#v, want an update with tag %q", addr, c.Action, c.After, tag)
		}
		return
	}
	t.Errorf("%s: no change", addr)
}

// planColumn plans src against st, the fake provider as "fake" and as
// "other", with or without Request.CompactNoOps.
func planColumn(t *testing.T, src string, st *state.State, opts plans.Options, compact bool) *planner.Result {
	t.Helper()
	res, diags := planColumnDiags(t, src, st, opts, compact)
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// planColumnDiags is planColumn, which returns the plan's diagnostics.
func planColumnDiags(t *testing.T, src string, st *state.State, opts plans.Options, compact bool) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	res, diags, _ := planColumnRechecks(t, src, st, opts, compact, false)
	return res, diags
}

// planColumnRechecks is planColumnDiags, the fake's check a
// providers.ConfigsRecheck when rechecks is set; it returns the fake's
// calls too.
func planColumnRechecks(t *testing.T, src string, st *state.State, opts plans.Options, compact, rechecks bool) (*planner.Result, hcl.Diagnostics, []enginetest.Call) {
	t.Helper()
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	vars, diags := cfg.ResolveVariables(nil, nil)
	if diags.HasErrors() {
		t.Fatalf("variables: %s", diags.Error())
	}
	fake, other := enginetest.NewProvider(), enginetest.NewProvider()
	fake.Fingerprints, other.Fingerprints, other.Name = true, true, "other"
	fake.Rechecks = rechecks
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: opts, Digester: enginetest.Digester{},
		Providers: map[string]providers.Provider{"fake": fake, "other": other}, CompactNoOps: compact,
	})
	return res, diags, fake.Calls()
}

// columnApplied is the state of records applied with src, each record's
// digest src's (its plan of them all no-ops), then edited (edit sets a
// record's attributes, or "" to delete it).
func columnApplied(src string, records map[string]string, edit func(map[string]string)) func(t *testing.T) *state.State {
	return func(t *testing.T) *state.State {
		st := stateOf(t, records)
		for _, rec := range st.Resources {
			k := rec.Kind()
			k.Provider = strings.Split(k.Type, "_")[0]
			rec.SetKind(k)
		}
		res := planColumn(t, src, st, plans.Options{}, false)
		for _, s := range res.Steps() {
			d := res.ConfigDigest(s)
			if d == "" || s.Change.Action != plans.NoOp {
				t.Fatalf("%s: %s with digest %q, want a no-op with a digest", s.Addr(), s.Change.Action, d)
			}
			st.Resources[s.Addr()].SetConfigDigest(d)
		}
		edits := map[string]string{}
		edit(edits)
		for addr, attrs := range edits {
			if attrs == "" {
				delete(st.Resources, addr)
				continue
			}
			rec := stateOf(t, map[string]string{addr: attrs}).Resources[addr]
			k := rec.Kind()
			k.Provider = strings.Split(k.Type, "_")[0]
			rec.SetKind(k)
			if old := st.Resources[addr]; old != nil {
				rec.SetConfigDigest(old.ConfigDigest()) // the digest of what was applied
			}
			st.Resources[addr] = rec
		}
		return st
	}
}

// TestHoleReadValidatedAgain: a dependent instance whose evaluation read
// a hole (a row added since apply) was validated by the pre-pass with an
// unknown value; the walk validates it with its own and checks it against
// every other dependent, so that the plan reports what the plan made
// without CompactNoOps (no prediction) reports: an invalid name, a name
// another dependent has. It does so whether the second check across
// instances is one of its own or the pre-pass's asked again
// (providers.ConfigsRecheck).
func TestHoleReadValidatedAgain(t *testing.T) {
	src := strings.Replace(columnSrc, `name     = "d-${each.key}"`, `name     = other_account.batch[each.key].email`, 1)
	records := columnRecords()
	for i := range 150 {
		key := fmt.Sprintf("p%03d", i)
		records[fmt.Sprintf("fake_account.dep[%q]", key)] = account(fmt.Sprintf("p%d@example.id", i), fmt.Sprintf(`"tag":"p%d@example.id"`, i))
	}
	added := func(src, email string) string {
		return strings.Replace(src, `rows = { for i in range(150) : format("p%03d", i) => { email = "p${i}@example.id" } }`,
			`rows = { for i in range(151) : format("p%03d", i) => { email = i == 150 ? "`+email+`" : "p${i}@example.id" } }`, 1)
	}
	cases := map[string]struct{ src, want string }{
		"valid":             {added(src, "p150@example.id"), ""},
		"invalid":           {added(src, "bad!@example.id"), "Invalid name"},
		"another's already": {added(src, "p3@example.id"), "Duplicate account name"},
	}
	for name, tc := range cases {
		for _, rechecks := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/rechecks=%v", name, rechecks), func(t *testing.T) {
				holeReadValidatedAgain(t, tc.src, tc.want, columnApplied(src, records, func(map[string]string) {}), rechecks)
			})
		}
	}
	// Its name known, its tag a hole: the pre-pass's check holds its
	// name, which the check asked again must not hold twice.
	for _, rechecks := range []bool{false, true} {
		t.Run(fmt.Sprintf("name known/rechecks=%v", rechecks), func(t *testing.T) {
			holeReadValidatedAgain(t, added(columnSrc, "p150@example.id"), "", columnApplied(columnSrc, columnRecords(), func(map[string]string) {}), rechecks)
		})
	}
}

func holeReadValidatedAgain(t *testing.T, src, want string, applied func(*testing.T) *state.State, rechecks bool) {
	t.Helper()
	_, full, _ := planColumnRechecks(t, src, applied(t), plans.Options{}, false, rechecks)
	compact, diags, calls := planColumnRechecks(t, src, applied(t), plans.Options{}, true, rechecks)
	if got, want := diagLines(diags), diagLines(full); got != want {
		t.Errorf("diagnostics %q with CompactNoOps, %q without", got, want)
	}
	var asked int
	for _, c := range calls {
		if c.Method == "Recheck" {
			asked++
		}
	}
	if want := map[bool]int{false: 0, true: 1}[rechecks]; asked != want {
		t.Errorf("the pre-pass's check asked again %d times, want %d", asked, want)
	}
	if !strings.Contains(full.Error(), want) || want == "" && full.HasErrors() {
		t.Errorf("diagnostics %q, want %q", full.Error(), want)
	}
	if want != "" {
		return
	}
	_, isColumns := schema.ColumnsOf(planner.ResourceValues(compact)["other_account.batch"])
	if !isColumns {
		t.Errorf("the accounts not predicted with a hole: the case tests nothing")
	}
}

// TestPredictedWithHolesSamePlan: rows added, changed, gone and renamed
// since apply are holes in the prediction of the batch (its column when
// its instances are kept compactly, its values otherwise: a resource of
// its provider that depends on it keeps their configurations, and the
// plan's caller may read every no-op); the plan, its outputs, the values
// every reader sees and the diagnostics are those of the plan made with
// no prediction at all.
func TestPredictedWithHolesSamePlan(t *testing.T) {
	lead := `
resource "other_account" "lead" {
  name  = "lead of ${length(other_account.batch)}"
  email = "lead@example.id"
}
`
	leadRecords := func(records map[string]string) map[string]string {
		records[`other_account.lead`] = account("lead of 150", `"email":"lead@example.id"`)
		return records
	}
	changedRow := strings.Replace(columnSrc, `email = "p${i}@example.id"`, `email = i == 5 ? "new5@example.id" : "p${i}@example.id"`, 1)
	srcs := map[string]string{
		"a row added":   addedRow,
		"a row renamed": renamedRow,
		"a row changed": changedRow,
		"one of each":   eachRowChange,
	}
	shapes := map[string]struct {
		extra   string
		records func() map[string]string
	}{
		"batch":                    {"", func() map[string]string { return columnRecords() }},
		"batch and lead":           {lead, func() map[string]string { return leadRecords(columnRecords()) }},
		"batch and count":          {countDep, countRecords},
		"batch, lead and count":    {lead + countDep, func() map[string]string { return leadRecords(countRecords()) }},
		"batch, every no-op read":  {"", func() map[string]string { return columnRecords() }},
		"batch and lead, all read": {lead, func() map[string]string { return leadRecords(columnRecords()) }},
	}
	for shapeName, shape := range shapes {
		compact := !strings.Contains(shapeName, "read")
		for srcName, src := range srcs {
			t.Run(shapeName+"/"+srcName, func(t *testing.T) {
				applied := func(t *testing.T) *state.State { return appliedColumn(t, columnSrc+shape.extra, shape.records()) }
				holes := 0
				restore := planner.OnPredictedHoles(func(string, int) { holes++ })
				got, gotDiags := planColumnDiags(t, src+shape.extra, applied(t), plans.Options{}, compact)
				restore()
				if holes == 0 {
					t.Errorf("nothing predicted with holes: the case tests nothing")
				}
				off := planner.SetPredicting(false)
				want, wantDiags := planColumnDiags(t, src+shape.extra, applied(t), plans.Options{}, compact)
				off()
				samePlan(t, got, want, gotDiags, wantDiags, "without predictions")
			})
		}
	}
}

// appliedColumn is the state of records as applied with src: each
// record's provider its type's, its digest src's.
func appliedColumn(t *testing.T, src string, records map[string]string) *state.State {
	t.Helper()
	return columnApplied(src, records, func(map[string]string) {})(t)
}

// samePlan fails unless the plan got and its diagnostics are want's, the
// same plan made another way (other says how): diagnostics, outputs, the
// values every reader sees, every change. It expands both plans' no-ops
// and returns want's changes, described.
func samePlan(t *testing.T, got, want *planner.Result, gotDiags, wantDiags hcl.Diagnostics, other string) string {
	t.Helper()
	if g, w := diagLines(gotDiags), diagLines(wantDiags); g != w {
		t.Fatalf("diagnostics\n%s\n%s\n%s", g, other, w)
	}
	if f, c := outputsOf(want.Plan), outputsOf(got.Plan); f != c {
		t.Errorf("outputs %s, %s %s", c, other, f)
	}
	wv, gv := planner.ResourceValues(want), planner.ResourceValues(got)
	for addr, v := range wv {
		if !schema.Whole(gv[addr]).RawEquals(schema.Whole(v)) {
			t.Errorf("%s: the value its readers see differs from the one %s", addr, other)
		}
	}
	got.ExpandNoOps()
	want.ExpandNoOps()
	w, g := describe(t, want.Plan), describe(t, got.Plan)
	if g != w {
		t.Errorf("plan differs from the one %s:\n%s", other, lineDiff(w, g))
	}
	return w
}

// TestNoPredictionOfHolesAlone: a batch none of whose instances the state
// holds yet (its first apply) is not predicted as holes, which would spare
// no dependent its evaluation by the walk and keep a step of each new one
// in the pre-pass (not forgettableNew); nor is one of more holes than
// instances predicted from their records.
func TestNoPredictionOfHolesAlone(t *testing.T) {
	lead := `
resource "other_account" "lead" {
  name  = "lead of ${length(other_account.batch)}"
  email = "lead@example.id"
}
`
	half := map[string]string{}
	for addr, attrs := range columnRecords() {
		if !strings.Contains(addr, `["p1`) { // p000–p099 kept, p100–p149 gone: 50 of 150 new
			half[addr] = attrs
		}
	}
	for name, tc := range map[string]struct {
		records map[string]string
		holes   bool
	}{
		"no record":       {map[string]string{}, false},
		"a third new":     {half, true},
		"all but one new": {map[string]string{`other_account.batch["p000"]`: account("p000", `"email":"p0@example.id"`)}, false},
	} {
		for _, extra := range []string{"", lead} {
			t.Run(fmt.Sprintf("%s/lead=%v", name, extra != ""), func(t *testing.T) {
				st := stateOf(t, tc.records)
				for _, rec := range st.Resources {
					k := rec.Kind()
					k.Provider = strings.Split(k.Type, "_")[0]
					rec.SetKind(k)
				}
				if len(tc.records) > 0 { // as applied: their digests recorded
					res := planColumn(t, columnSrc+extra, st, plans.Options{}, false)
					for _, s := range res.Steps() {
						if rec := st.Resources[s.Addr()]; rec != nil {
							rec.SetConfigDigest(res.ConfigDigest(s))
						}
					}
				}
				holes := 0
				defer planner.OnPredictedHoles(func(string, int) { holes++ })()
				planColumn(t, columnSrc+extra, st, plans.Options{}, true)
				if got := holes > 0; got != tc.holes {
					t.Errorf("predicted with holes %v, want %v", got, tc.holes)
				}
			})
		}
	}
}
