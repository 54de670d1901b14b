package executor_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"weak"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// depsSrc is scripts/bench.sh's "with dependents" shape: a batch of
// accounts from a CSV, a dependent per row reading its own account's
// e-mail (usapi_account.person[each.key].email) beside its row's own
// values, and the two outputs. The accounts are another provider's, as
// usapi's are not proofylink's.
const depsSrc = `
provider "other" {
  endpoint = "sandbox"
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.name => row }
}

resource "other_account" "person" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
}
` + depsDependents

const depsDependents = `
resource "fake_account" "dep" {
  for_each = local.people
  name     = "d-${each.key}"
  email    = other_account.person[each.key].email
  tag      = each.value.tag
}

output "registered" {
  value = length(other_account.person)
}

output "verified" {
  value = length(fake_account.dep)
}
`

// TestApplyDependentsSameAsEager: the applies of the shape users write,
// made as apply makes them (its unchanged instances kept without steps,
// Request.CompactNoOps, and a batch's creates lazily, LazyCreates), send,
// record, count and output exactly what the same applies made with every
// change do: the dependents created onto applied accounts, each sent once
// with its own row's tag and its own account's e-mail, and recorded with
// the digest of the configuration sent (the next plan finds nothing to
// do, and kept compactly, holds no change); the apply with no change; an
// account's e-mail changed, its update sent before its dependent's, which
// carries the new e-mail; a row added. It fails if a dependent is sent
// another row's values, before its changed account, or recorded with a
// digest of another configuration, or if an output misses the instances
// kept without steps.
func TestApplyDependentsSameAsEager(t *testing.T) {
	const n = 150 // a batch: more than 100 instances
	rows := func(changed string, extra int) string {
		var b strings.Builder
		b.WriteString("name,email,tag\n")
		for i := range n + extra {
			key := fmt.Sprintf("p%03d", (i*7919)%(n+extra)) // rows not in address order
			email := key + "@example.id"
			if key == changed {
				email = "baru." + email
			}
			fmt.Fprintf(&b, "%s,%s,t-%s\n", key, email, key)
		}
		return b.String()
	}
	stages := []struct {
		name, src, csv string
		changes        int // the changes the apply carries out
		held           int // the changes its plan holds as apply makes it
		lazy           int // of which kept lazily, without a change
		unsettle       string
		outcomes       int    // the refresh reads every dependent's outcome, this round's (readOutcomes)
		drift          string // and this dependent's tag changed on the remote
	}{
		{"accounts", strings.TrimSuffix(depsSrc, depsDependents), rows("", 0), n, n, n, "", 0, ""},
		// The accounts kept without steps: only the dependents' creates,
		// kept lazily (their upstream has nothing to do).
		{"dependents onto applied accounts", depsSrc, rows("", 0), n, n, n, "", 0, ""},
		{"no change", depsSrc, rows("", 0), 0, 0, 0, "", 0, ""},
		// A changed account, a row added: a hole each in the accounts'
		// prediction (planner's predictColumn), planned beside its own
		// dependent, which read it; every other kept without a step.
		{"an account's e-mail changed", depsSrc, rows("p007", 0), 2, 2, 0, "", 0, ""},
		{"a row added", depsSrc, rows("p007", 1), 2, 2, 0, "", 0, ""},
		// A dependent the refresh reads (its record not settled): it keeps
		// its step, beside the others kept without; the value the outputs
		// read, built again once it has finished, holds them all.
		{"a dependent read again", depsSrc, rows("p007", 1), 0, 1, 0, `fake_account.dep["p003"]`, 0, ""},
		// Every dependent's refresh finds an outcome, which apply records
		// with no request (Persist): the accounts kept without steps, the
		// dependents' no-ops kept lazily, each written with its own
		// refreshed value, digest and dependencies.
		{"the dependents' outcomes read", depsSrc, rows("p007", 1), 0, n + 1, n + 1, "", 1, ""},
		// The same, with one dependent changed on the remote: its update
		// keeps its step, listed among the others kept lazily (a block
		// before it, one after), each as the walk made it, what refresh
		// found final included.
		{"outcomes read beside an update", depsSrc, rows("p007", 1), 1, n + 1, n, "", 2, `fake_account.dep["p042"]`},
	}
	eager, lazy := newDepsRun(t, false), newDepsRun(t, true)
	for _, sg := range stages {
		t.Run(sg.name, func(t *testing.T) {
			if sg.unsettle != "" {
				eager.backend.Resource(sg.unsettle).Settled = false
				lazy.backend.Resource(sg.unsettle).Settled = false
			}
			if sg.outcomes > 0 {
				eager.readOutcomes(t, sg.outcomes, sg.drift)
				lazy.readOutcomes(t, sg.outcomes, sg.drift)
			}
			want := eager.apply(t, sg.src, sg.csv)
			got := lazy.apply(t, sg.src, sg.csv)
			if want.changes != sg.changes || got.changes != sg.changes || got.held != sg.held || got.lazy != sg.lazy || want.lazy != 0 {
				t.Errorf("changes: eagerly %d (%d lazy), as apply makes them %d (%d held, %d lazy); want %d (%d held, %d lazy)",
					want.changes, want.lazy, got.changes, got.held, got.lazy, sg.changes, sg.held, sg.lazy)
			}
			compareDeps(t, want, got)
			if want.stepsKept != 0 || got.stepsKept != 0 {
				t.Errorf("%d of the dependents' finished steps held eagerly, %d as apply makes them; want none", want.stepsKept, got.stepsKept)
			}
			checkOwnRows(t, got, sg.csv)
			if sg.name == "an account's e-mail changed" {
				a, d := `other_account.person["p007"]`, `fake_account.dep["p007"]`
				if got.order[a] == 0 || got.order[d] <= got.order[a] {
					t.Errorf("%s sent at %d, its account at %d: want the account first", d, got.order[d], got.order[a])
				}
			}
			// The next plan: nothing to do, every instance kept without a
			// step, which the digests recorded must match.
			if next := lazy.plan(t, sg.src, sg.csv); sg.unsettle == "" && sg.outcomes == 0 && (next.Plan.HasChanges() || len(next.Plan.Changes) != 0) {
				t.Errorf("the next plan: changes %v, %d held, want none", next.Plan.HasChanges(), len(next.Plan.Changes))
			} else if sg.drift == "" && (next.Plan.HasChanges() || len(next.Plan.Finished) > 0) { // a drift stays on the remote
				t.Errorf("the next plan: changes %v, finished %v, want neither", next.Plan.HasChanges(), next.Plan.Finished)
			}
		})
	}
}

// readOutcomes makes the refresh of every dependent find an outcome: its
// record not settled, the remote's value its own with another id, a
// "completed-" or a "failed-" one of this round (enginetest.Provider.
// Finishes); and the remote's tag of drift another than its configuration's.
func (d *depsRun) readOutcomes(t *testing.T, round int, drift string) {
	t.Helper()
	d.fake.SettledAccounts, d.fake.Finishes = false, true
	ty := d.fake.Schema().Resources["fake_account"].ImpliedType()
	for i := range 1000 {
		addr := fmt.Sprintf(`fake_account.dep["p%03d"]`, i)
		rec := d.backend.Resource(addr)
		if rec == nil {
			continue
		}
		rec.Settled = false
		v, err := ctyjson.Unmarshal(backendtest.AttrsOf(rec), ty)
		if err != nil {
			t.Fatal(err)
		}
		m := v.AsValueMap()
		m["id"] = cty.StringVal(fmt.Sprintf("%s-%d-%d", []string{"completed", "failed"}[i%3/2], round, i))
		if addr == drift {
			m["tag"] = cty.StringVal("changed remotely")
		}
		d.fake.Remote[addr] = cty.ObjectVal(m)
	}
}

// depsRun applies stages, each planned as apply plans (asApply) or with
// every change, against its own fakes and state.
type depsRun struct {
	asApply      bool
	fake, other  *enginetest.Provider
	backend      *enginetest.Backend
	mu           sync.Mutex
	sent, seq    map[string]string
	times, order map[string]int
}

func newDepsRun(t *testing.T, asApply bool) *depsRun {
	d := &depsRun{asApply: asApply, fake: enginetest.NewProvider(), other: enginetest.NewProvider(), backend: enginetest.NewBackend(nil)}
	d.fake.Fingerprints, d.other.Fingerprints, d.other.Name = true, true, "other"
	d.fake.SettledAccounts, d.other.SettledAccounts = true, true // read from the state, as a settled usapi account is
	d.fake.OnApply, d.other.OnApply = d.record, d.record
	return d
}

// record is the fakes' ApplyResource: it keeps what each change sent, how
// many times, and in which order.
func (d *depsRun) record(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	d.mu.Lock()
	d.sent[req.Addr] = fmt.Sprintf("%#v", req.Config)
	d.times[req.Addr]++
	d.order[req.Addr] = len(d.order) + 1
	d.mu.Unlock()
	return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
}

func (d *depsRun) plan(t *testing.T, src, csv string) *planner.Result {
	t.Helper()
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": csv, "main.hcl": providerBlock + src})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, _ := cfg.ResolveVariables(nil, nil)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: d.backend.State(), Digester: enginetest.Digester{}, Options: plans.Options{Refresh: true},
		Providers: d.providers(), ApplyOnly: true, LazyCreates: d.asApply, CompactNoOps: d.asApply,
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

func (d *depsRun) providers() map[string]providers.Provider {
	return map[string]providers.Provider{"fake": d.fake, "other": d.other}
}

// depsOutcome is what one stage sent, recorded and output.
type depsOutcome struct {
	changes int
	held    int // the changes the plan holds, its lazy creates included
	lazy    int // the changes of its lazy blocks
	// deps are the Deps and DependsOn of each change that calls a provider,
	// by address, as a reader of the plan finds them (lazy ones made as the
	// renderer makes them); and as every change is made for a reader of
	// them all (Plan.Expand), of the same plan made again.
	deps, expanded map[string]string
	// listed are the changes that call a provider or write the state, in
	// the order the renderer reads them (Plan.Source).
	listed      string
	planOutputs string // the outputs as planned
	finished    string // what the refresh found final (Plan.Finished)
	// stepsKept counts the dependents' steps of changes apply carried out
	// that are still held once it has finished: read by their keys alone
	// (length), each goes once its record is written.
	stepsKept     int
	report        string
	sent, records map[string]string
	times, order  map[string]int
	outputs       string
}

func (d *depsRun) apply(t *testing.T, src, csv string) depsOutcome {
	t.Helper()
	d.sent, d.times, d.order = map[string]string{}, map[string]int{}, map[string]int{}
	res := d.plan(t, src, csv)
	out := depsOutcome{changes: res.Plan.Summary().Add + res.Plan.Summary().Change, held: res.Plan.Len(),
		lazy: res.Plan.Len() - len(res.Plan.Changes), deps: changeDeps(res.Plan, false)}
	for _, o := range res.Plan.Outputs {
		out.planOutputs += fmt.Sprintf("%s = %#v\n", o.Name, o.Value)
	}
	out.finished = fmt.Sprint(res.Plan.Finished)
	out.listed = listed(t, res.Plan)
	out.expanded = changeDeps(d.plan(t, src, csv).Plan, true)
	var steps []weak.Pointer[planner.Step]
	for _, s := range res.StepsButLazy() {
		if s.Change.Addr.Resource.Name == "dep" && (s.Change.Action != plans.NoOp || s.Persist) {
			steps = append(steps, weak.Make(s))
		}
	}
	eval := res.Evaluator()
	if held := res.Plan.Len(); held != out.held {
		t.Errorf("the plan held %d changes, and %d once apply's evaluator was made", out.held, held)
	}
	st := d.backend.State()
	rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{
		Backend: d.backend, State: st, Providers: d.providers(), Digester: enginetest.Digester{}, RunID: "test-run",
		Parallelism: 8, ReleaseChanges: true})
	runtime.GC()
	for _, w := range steps {
		if w.Value() != nil {
			out.stepsKept++
		}
	}
	runtime.KeepAlive(res)
	runtime.KeepAlive(eval)
	out.report = fmt.Sprintf("added %d, changed %d, failed %d, skipped %d", rep.Added, rep.Changed, rep.Failed, rep.Skipped)
	outs, diags := eval.Outputs()
	if diags.HasErrors() {
		t.Fatalf("outputs: %s", diags.Error())
	}
	for _, o := range outs {
		out.outputs += fmt.Sprintf("%s = %#v\n", o.Name, o.Value)
	}
	out.sent, out.times, out.order = d.sent, d.times, d.order
	out.records = map[string]string{}
	for addr, rec := range d.backend.State().Resources {
		out.records[addr] = string(backendtest.AttrsOf(rec)) + " " + rec.ConfigDigest() + " " + strings.Join(rec.Dependencies(), ",")
	}
	return out
}

// listed is depsOutcome.listed of plan.
func listed(t *testing.T, plan *plans.Plan) string {
	t.Helper()
	var b strings.Builder
	src := plan.Source()
	for {
		c, err := src.Next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Action != plans.NoOp || c.Persist {
			fmt.Fprintf(&b, "%s %s\n", c.Action, c.Addr)
		}
	}
}

// changeDeps is depsOutcome.deps of plan: its lazy blocks' changes read
// as the renderer reads them, or, expand, every change once Expand has
// put them in Changes.
func changeDeps(plan *plans.Plan, expand bool) map[string]string {
	out := map[string]string{}
	add := func(c *plans.Change) {
		if c.Action != plans.NoOp || c.Persist {
			out[c.Addr.String()] = fmt.Sprintf("%v %v", c.Deps, c.DependsOn)
		}
	}
	if expand {
		plan.Expand()
	}
	for _, c := range plan.Changes {
		add(c)
	}
	for _, l := range plan.Lazy {
		for i := range l.N {
			add(l.Change(i))
		}
	}
	return out
}

func compareDeps(t *testing.T, want, got depsOutcome) {
	t.Helper()
	if got.report != want.report || got.outputs != want.outputs || got.planOutputs != want.planOutputs || got.finished != want.finished {
		t.Errorf("as apply makes it: %s, outputs\n%s\nas planned\n%s\nfinished %s\neagerly: %s, outputs\n%s\nas planned\n%s\nfinished %s",
			got.report, got.outputs, got.planOutputs, got.finished, want.report, want.outputs, want.planOutputs, want.finished)
	}
	if got.listed != want.listed {
		t.Errorf("the changes listed as apply makes them:\n%s\neagerly:\n%s", got.listed, want.listed)
	}
	if len(got.deps) != len(want.deps) || len(got.expanded) != len(want.deps) {
		t.Errorf("%d changes' dependencies as apply makes them (%d expanded), %d eagerly", len(got.deps), len(got.expanded), len(want.deps))
	}
	for addr, deps := range want.deps {
		if got.deps[addr] != deps || got.expanded[addr] != deps {
			t.Errorf("%s depends as apply makes it on %s (expanded %s), eagerly on %s", addr, got.deps[addr], got.expanded[addr], deps)
		}
	}
	if len(got.sent) != len(want.sent) || len(got.sent) != want.changes {
		t.Errorf("%d sent as apply makes it, %d eagerly; want %d", len(got.sent), len(want.sent), want.changes)
	}
	for addr, cfg := range want.sent {
		if got.sent[addr] != cfg || got.times[addr] != 1 {
			t.Errorf("%s sent %d times as apply makes it: %s; eagerly: %s", addr, got.times[addr], got.sent[addr], cfg)
		}
	}
	if len(got.records) != len(want.records) {
		t.Errorf("%d records as apply makes them, %d eagerly", len(got.records), len(want.records))
	}
	for addr, rec := range want.records {
		if got.records[addr] != rec {
			t.Errorf("%s recorded as apply makes it %s, eagerly %s", addr, got.records[addr], rec)
		}
	}
}

// checkOwnRows checks that every dependent sent carried its own row's tag
// and its own account's e-mail, as the row gives it.
func checkOwnRows(t *testing.T, o depsOutcome, csv string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		f := strings.Split(line, ",")
		got, ok := o.sent[`fake_account.dep["`+f[0]+`"]`]
		if !ok {
			continue
		}
		if !strings.Contains(got, `"email":cty.StringVal("`+f[1]+`")`) || !strings.Contains(got, `"tag":cty.StringVal("`+f[2]+`")`) ||
			!strings.Contains(got, `"name":cty.StringVal("d-`+f[0]+`")`) {
			t.Errorf("fake_account.dep[%q] sent %s, not its own row's values", f[0], got)
		}
	}
}

// TestApplyDependentsLazyOnlyWithTheirOwnUpstream: the dependents of
// settled accounts are kept lazily when each names its own key's account
// (by any expression of its key) or the accounts whole, each change then
// made with the DependsOn the walk gives it; and not when one names
// another key's account (but the one of that key, which names its own).
// Either way the apply sends, records and outputs
// what the eager apply does (depsOutcome.deps compares the DependsOn).
func TestApplyDependentsLazyOnlyWithTheirOwnUpstream(t *testing.T) {
	const n = 150
	var csv strings.Builder
	csv.WriteString("name,email,tag\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id,t-p%03d\n", i, i, i)
	}
	accounts := strings.TrimSuffix(depsSrc, depsDependents)
	for name, tc := range map[string]struct {
		email string
		lazy  int
	}{
		"its own key's account, by another expression": {`other_account.person[trimprefix(each.value.tag, "t-")].email`, n},
		"the accounts whole":                           {`"${length(other_account.person)}-${each.key}@example.id"`, n},
		"another key's account":                        {`other_account.person["p000"].email`, 1},
	} {
		t.Run(name, func(t *testing.T) {
			deps := strings.Replace(depsDependents, "other_account.person[each.key].email", tc.email, 1)
			eager, lazy := newDepsRun(t, false), newDepsRun(t, true)
			eager.apply(t, accounts, csv.String())
			lazy.apply(t, accounts, csv.String())
			want := eager.apply(t, accounts+deps, csv.String())
			got := lazy.apply(t, accounts+deps, csv.String())
			if got.changes != n || got.lazy != tc.lazy {
				t.Errorf("%d changes, %d lazy; want %d, %d lazy", got.changes, got.lazy, n, tc.lazy)
			}
			compareDeps(t, want, got)
			if next := lazy.plan(t, accounts+deps, csv.String()); next.Plan.HasChanges() {
				t.Errorf("the next plan has changes")
			}
		})
	}
}
