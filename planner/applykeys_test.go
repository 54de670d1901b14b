package planner_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
)

// applyKeysAccounts is a batch of settled accounts from a CSV.
const applyKeysAccounts = `
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
`

// applyKeysDependents is a dependent per row reading its account's
// e-mail, kept lazily, and outputs that read the two resources' keys:
// their length (schema.Columns.Len) and the keys themselves (the whole
// value, built from the keys apply keeps).
const applyKeysDependents = `
resource "fake_account" "dep" {
  for_each = local.people
  name     = "d-${each.key}"
  email    = other_account.person[each.key].email
}
output "registered" {
  value = length(other_account.person)
}
output "verified" {
  value = length(fake_account.dep)
}
output "accounts" {
  value = join(",", keys(other_account.person))
}
output "dependents" {
  value = join(",", keys(fake_account.dep))
}
`

// TestApplyLetsGoOfTheBatchKeys: once apply starts, the keys of a batch
// (each with its row of the CSV) are held neither by its accounts kept
// compactly nor by its dependents' creates kept lazily, whose value is
// held as the count of their keys; the outputs evaluated after apply,
// which read both resources' keys, are what the configuration gives. It
// fails if a key is read from a row let go of, or if the value built from
// the keys kept misses or repeats one. The same when the plan's lazy
// creates were expanded before apply (Plan.Expand, as a shared apply
// does): the block's keys go all the same.
func TestApplyLetsGoOfTheBatchKeys(t *testing.T) {
	for name, expand := range map[string]bool{"lazy": false, "expanded before apply": true} {
		t.Run(name, func(t *testing.T) { testApplyLetsGoOfTheBatchKeys(t, expand) })
	}
}

func testApplyLetsGoOfTheBatchKeys(t *testing.T, expand bool) {
	const n = 150 // a batch: more than 100 instances
	var csv strings.Builder
	csv.WriteString("name,email\n")
	var keys []string
	for i := range n {
		k := fmt.Sprintf("p%03d", (i*7919)%n) // rows not in key order
		fmt.Fprintf(&csv, "%s,%s@example.id\n", k, k)
		keys = append(keys, k)
	}
	slices.Sort(keys)
	ba, fake := newBatchApplier(csv.String(), true)
	plan := func(src string) *planner.Result { return ba.plan(t, src) }
	apply := func(res *planner.Result, eval *planner.Evaluation) string {
		t.Helper()
		rep, outs := ba.apply(t, res, eval)
		if rep.Failed != 0 || rep.Added != n {
			t.Fatalf("added %d, failed %d; want %d added", rep.Added, rep.Failed, n)
		}
		var b strings.Builder
		for _, o := range outs {
			fmt.Fprintf(&b, "%s = %#v\n", o.Name, o.Value)
		}
		return b.String()
	}
	first := plan(applyKeysAccounts)
	apply(first, first.Evaluator())

	res := plan(applyKeysAccounts + applyKeysDependents)
	if got := res.Plan.Len() - len(res.Plan.Changes); got != n {
		t.Fatalf("%d creates kept lazily, want %d", got, n)
	}
	if !planner.ValueIsColumns(res, "fake_account.dep") {
		t.Errorf("the dependents' value is not held as their keys' count")
	}
	var held []func() bool
	for _, addr := range []string{"other_account.person", "fake_account.dep"} {
		w, ok := planner.KeysHeld(res, addr)
		if !ok {
			t.Fatalf("%s holds no keys when planned", addr)
		}
		held = append(held, func() bool { return w.Value() != nil })
	}
	if expand {
		res.Plan.Expand()
	}
	// What the first create sent finds held: apply has started.
	var once sync.Once
	var heldAtApply []bool
	fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		once.Do(func() {
			runtime.GC()
			for _, h := range held {
				heldAtApply = append(heldAtApply, h())
			}
		})
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	joined := strings.Join(keys, ",")
	want := fmt.Sprintf("accounts = cty.StringVal(%q)\ndependents = cty.StringVal(%q)\nregistered = cty.NumberIntVal(%d)\nverified = cty.NumberIntVal(%d)\n", joined, joined, n, n)
	eval := res.Evaluator()
	if got := apply(res, eval); got != want {
		t.Errorf("outputs after apply:\n%s\nwant\n%s", got, want)
	}
	if !slices.Equal(heldAtApply, []bool{false, false}) {
		t.Errorf("the keys of the accounts and of the dependents, with their rows, held once apply started: %v", heldAtApply)
	}
	runtime.KeepAlive(res)
}

// newBatchApplier is a batchApplier of the providers "fake" and "other"
// (its accounts settled), and the fake.
func newBatchApplier(csv string, lazy bool) (*batchApplier, *enginetest.Provider) {
	fake, other := enginetest.NewProvider(), enginetest.NewProvider()
	fake.Fingerprints, other.Fingerprints, other.Name = true, true, "other"
	fake.SettledAccounts, other.SettledAccounts = true, true
	provs := map[string]providers.Provider{"fake": fake, "other": other}
	return &batchApplier{csv: csv, provs: provs, backend: enginetest.NewBackend(nil), lazy: lazy}, fake
}

// batchApplier plans src with the CSV csv against backend's state, as
// apply plans it (lazy) or with every change, and applies the plan.
type batchApplier struct {
	csv     string
	provs   map[string]providers.Provider
	backend *enginetest.Backend
	lazy    bool
}

func (ba *batchApplier) plan(t *testing.T, src string) *planner.Result {
	t.Helper()
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": ba.csv, "main.hcl": providerBlock + src})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, _ := cfg.ResolveVariables(nil, nil)
	res, diags := planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: vars, State: ba.backend.State(),
		Digester: enginetest.Digester{}, Options: plans.Options{Refresh: true}, Providers: ba.provs, ApplyOnly: true,
		LazyCreates: ba.lazy, CompactNoOps: ba.lazy})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// apply applies res with eval, its evaluator, and evaluates the outputs.
func (ba *batchApplier) apply(t *testing.T, res *planner.Result, eval *planner.Evaluation) (*executor.Report, []*plans.Output) {
	t.Helper()
	rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{Backend: ba.backend, State: ba.backend.State(),
		Providers: ba.provs, Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 8, ReleaseChanges: true})
	outs, diags := eval.Outputs()
	if diags.HasErrors() {
		t.Fatalf("outputs: %s", diags.Error())
	}
	return rep, outs
}
