package executor_test

import (
	"context"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/google/go-cmp/cmp"
)

// A batch is linked per instance, as apply's schedule is: a verification
// waits for its own account only; one that uses the accounts whole waits
// for the resource's node, which waits for the accounts with work (the
// one already applied, a no-op, is looked through).
func TestPlanBatchLinksInstances(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  for_each = toset(["ani"])
  name     = each.key
}`)
	if rep := e.apply(context.Background(), executor.Options{}); rep.Added != 1 {
		t.Fatalf("first apply: %s", rep.Diagnostics.Error())
	}
	e.src = providerBlock + `
resource "fake_account" "a" {
  for_each = toset(["ani", "budi"])
  name     = each.key
}
resource "fake_verification" "v" {
  for_each = toset(["ani", "budi"])
  subject  = fake_account.a[each.key].id
}
resource "fake_verification" "all" {
  subject = join(",", [for a in fake_account.a : a.id])
}`
	res, st := e.plan(plans.Options{Refresh: true})
	b, err := executor.PlanBatch(res.Plan, res.Evaluator(), st)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, s := range b.Steps {
		steps = append(steps, s.Addr+" "+s.Action)
	}
	wantSteps := []string{`fake_account.a["budi"] create`, `fake_verification.all create`, `fake_verification.v["ani"] create`, `fake_verification.v["budi"] create`}
	if d := cmp.Diff(wantSteps, steps); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	wantEdges := []executor.BatchEdge{
		{Up: `fake_account.a["budi"]`, Down: "fake_account.a"},
		{Up: "fake_account.a", Down: "fake_verification.all"},
		{Up: `fake_account.a["budi"]`, Down: `fake_verification.v["budi"]`},
	}
	if d := cmp.Diff(wantEdges, b.Edges); d != "" {
		t.Errorf("edges (-want +got):\n%s", d)
	}
}
