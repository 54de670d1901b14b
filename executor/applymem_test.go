package executor_test

import (
	"context"
	"fmt"
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
)

// TestApplyBatchFromCSVLetsGoOfRows: apply lets go of a batch's CSV rows
// as their changes finish, and of the locals nothing evaluated during apply
// reads (planner.Evaluation); what apply sends and records stays what the
// plan said. A batch of accounts read from a CSV into a for_each, and a
// dependent per account whose body reads a local built from the same rows
// (kept: evaluated again at apply, with the account's id) and an output
// counting the rows through another local (kept): every account is sent
// its own row, every dependent its own account's id and its row's tag, the
// output counts the rows, and the create that fails, after others have
// finished and let go of their rows, skips its dependent, and only it.
func TestApplyBatchFromCSVLetsGoOfRows(t *testing.T) {
	const n = 150 // a batch: its creates are packed
	var csv strings.Builder
	csv.WriteString("name,email,tag\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id,t%d\n", i, i, i)
	}
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": csv.String(), "main.hcl": providerBlock + `
locals {
  people = { for row in csvdecode(file("people.csv")) : row.name => row }
  tags   = { for k, row in local.people : k => upper(row.tag) }
  unused = { for k, row in local.people : k => row.email }
  count  = length(local.tags)
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
}
resource "fake_account" "v" {
  for_each = local.people
  name     = "v-${each.key}"
  tag      = "${fake_account.p[each.key].id}/${local.tags[each.key]}"
}
output "rows" {
  value = local.count
}
`})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	fake, backend := enginetest.NewProvider(), enginetest.NewBackend(nil)
	const failing = "p077"
	var mu sync.Mutex
	sent := map[string]cty.Value{}
	fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = req.Config
		done := len(sent)
		mu.Unlock()
		if req.Addr == `fake_account.p["`+failing+`"]` {
			if done < 20 {
				t.Errorf("%s sent before the others it should follow (%d sent)", req.Addr, done)
			}
			return providers.ApplyResponse{Diagnostics: providers.Diagnostics{}.Errorf(nil, "Refused", "The remote refused it.")}
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	provs := map[string]providers.Provider{"fake": fake}
	st := backend.State()
	vars, _ := cfg.ResolveVariables(nil, nil)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, Vars: vars, State: st, Options: plans.Options{Refresh: true}, Digester: enginetest.Digester{}, Providers: provs,
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	// One at a time, in the plan's order (p000 first), so that the failing
	// create comes after others finished.
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: st, Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 1})
	if rep.Added != 2*n-2 || rep.Failed != 1 || rep.Skipped != 1 {
		t.Fatalf("added %d, failed %d, skipped %d; want %d, 1, 1: %s", rep.Added, rep.Failed, rep.Skipped, 2*n-2, rep.Diagnostics.Error())
	}
	if len(rep.Failures) != 1 || rep.Failures[0].Change.Addr.String() != `fake_account.p["`+failing+`"]` {
		t.Fatalf("failures %+v", rep.Failures)
	}
	if got := rep.Skips[0].Change.Addr.String(); got != `fake_account.v["`+failing+`"]` {
		t.Errorf("skipped %s", got)
	}
	for i := range n {
		name := fmt.Sprintf("p%03d", i)
		p, v := `fake_account.p["`+name+`"]`, `fake_account.v["`+name+`"]`
		if got := sent[p]; got == cty.NilVal || got.GetAttr("email").AsString() != name+"@example.id" {
			t.Errorf("%s sent %#v", p, got)
		}
		if name == failing {
			if _, ok := sent[v]; ok {
				t.Errorf("%s sent though its account failed", v)
			}
			continue
		}
		want := fmt.Sprintf("id-%s/T%d", name, i)
		if got := sent[v]; got == cty.NilVal || got.GetAttr("tag").AsString() != want {
			t.Errorf("%s sent %#v, want tag %q", v, got, want)
		}
		if rec := backend.Resource(v); rec == nil || !strings.Contains(string(backendtest.AttrsOf(rec)), fmt.Sprintf(`"tag":%q`, want)) {
			t.Errorf("%s recorded %+v", v, rec)
		}
	}
	if out := st.Outputs["rows"]; out == nil || string(out.Value) != fmt.Sprint(n) {
		t.Errorf("output rows recorded %+v, want %d", out, n)
	}
}

// TestApplyReleasesFinishedChanges: with Options.ReleaseChanges, apply
// lets go of each finished change of a resource nothing refers to, and of
// its step, while the plan, the Result and the Evaluation are still held
// (weak pointers: collected once nothing holds them); the plan lets go of
// every finished change, and the step of a resource something refers to
// stays with the Result. What is sent and recorded is what
// an apply that keeps every change sends and records, failure and skip
// included.
func TestApplyReleasesFinishedChanges(t *testing.T) {
	const n = 150 // a batch: its creates are packed
	const failing = "p077"
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": enginetest.PeopleCSV(n), "main.hcl": providerBlock + `
locals {
  people = { for row in csvdecode(file("people.csv")) : row.name => row }
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
}
resource "fake_account" "v" {
  for_each = local.people
  name     = "v-${each.key}"
  tag      = fake_account.p[each.key].id
}
`})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	type outcome struct {
		sent    map[string]string
		records map[string]string
	}
	run := func(release bool) outcome {
		fake, backend := enginetest.NewProvider(), enginetest.NewBackend(nil)
		sent, _ := recordSent(fake, `fake_account.p["`+failing+`"]`)
		provs := map[string]providers.Provider{"fake": fake}
		st := backend.State()
		vars, _ := cfg.ResolveVariables(nil, nil)
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: cfg, Vars: vars, State: st, Digester: enginetest.Digester{}, Providers: provs, ApplyOnly: true,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		var changes []weak.Pointer[plans.Change]
		var steps, referenced []weak.Pointer[planner.Step]
		for _, s := range res.Steps() {
			if s.Change.Addr.Resource.Name == "v" {
				changes = append(changes, weak.Make(s.Change))
				steps = append(steps, weak.Make(s))
			} else {
				referenced = append(referenced, weak.Make(s))
			}
		}
		eval := res.Evaluator()
		rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{
			Backend: backend, State: st, Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 8,
			ReleaseChanges: release})
		if rep.Added != 2*n-2 || rep.Failed != 1 || rep.Skipped != 1 {
			t.Fatalf("release %v: added %d, failed %d, skipped %d; want %d, 1, 1: %s", release, rep.Added, rep.Failed, rep.Skipped, 2*n-2, rep.Diagnostics.Error())
		}
		if got := rep.Skips[0].Change.Addr.String(); got != `fake_account.v["`+failing+`"]` {
			t.Errorf("release %v: skipped %s", release, got)
		}
		if got := rep.Failures[0].Change.Addr.String(); got != `fake_account.p["`+failing+`"]` {
			t.Errorf("release %v: failed %s", release, got)
		}
		kept := map[string]int{}
		for _, c := range res.Plan.Changes {
			if c != nil {
				kept[c.Addr.Resource.Name]++
			}
		}
		runtime.GC()
		collected := func(n int, alive func(int) bool) int {
			k := 0
			for i := range n {
				if !alive(i) {
					k++
				}
			}
			return k
		}
		goneChanges := collected(len(changes), func(i int) bool { return changes[i].Value() != nil })
		goneSteps := collected(len(steps), func(i int) bool { return steps[i].Value() != nil })
		goneReferenced := collected(len(referenced), func(i int) bool { return referenced[i].Value() != nil })
		runtime.KeepAlive(res)
		runtime.KeepAlive(eval)
		runtime.KeepAlive(rep)
		switch {
		case release && (kept["p"] != 0 || kept["v"] != 0 || goneReferenced != 0):
			// p's steps stay with the Result (v refers to p), not in the plan.
			t.Errorf("the plan keeps %d changes of p and %d of v, want none; %d of p's steps collected, want 0", kept["p"], kept["v"], goneReferenced)
		case release && (goneChanges != n-1 || goneSteps != n):
			// The skipped change stays in the Report.
			t.Errorf("%d of v's %d finished changes and %d of their steps collected, want %d and %d: something still holds them", goneChanges, n, goneSteps, n-1, n)
		case !release && (kept["p"] != n || kept["v"] != n || goneChanges != 0 || goneSteps != 0):
			t.Errorf("without release: kept %v, %d changes and %d steps collected", kept, goneChanges, goneSteps)
		}
		records := map[string]string{}
		for addr, rec := range st.Resources {
			records[addr] = string(backendtest.AttrsOf(rec)) + " " + rec.ConfigDigest()
		}
		return outcome{sent: sent, records: records}
	}
	keep, release := run(false), run(true)
	if len(keep.sent) != 2*n-1 || len(keep.records) != 2*n-2 {
		t.Fatalf("kept: %d sent, %d recorded", len(keep.sent), len(keep.records))
	}
	for addr, cfg := range keep.sent {
		if release.sent[addr] != cfg {
			t.Errorf("%s sent %s with release, %s without", addr, release.sent[addr], cfg)
		}
	}
	for addr, rec := range keep.records {
		if release.records[addr] != rec {
			t.Errorf("%s recorded %s with release, %s without", addr, release.records[addr], rec)
		}
	}
	if len(release.sent) != len(keep.sent) || len(release.records) != len(keep.records) {
		t.Errorf("with release: %d sent, %d recorded; without: %d, %d", len(release.sent), len(release.records), len(keep.sent), len(keep.records))
	}
}
