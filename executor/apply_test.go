package executor_test

import (
	"context"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state/backendtest"
)

func TestApplyCreatesInOrderAndRecords(t *testing.T) {
	e := newEnv(t, `
resource "fake_account" "a" {
  name = "ani"
}
resource "fake_account" "b" {
  name = "budi"
  tag  = fake_account.a.id
}
output "tag" { value = fake_account.b.tag }
`)
	rep := e.apply(context.Background(), executor.Options{})
	if rep.Diagnostics.HasErrors() || rep.Added != 2 {
		t.Fatalf("report %+v: %s", rep, rep.Diagnostics.Error())
	}
	b := e.backend.Resource("fake_account.b")
	if b == nil || b.Pending() != nil || string(backendtest.AttrsOf(b)) == "" {
		t.Fatalf("fake_account.b not recorded: %+v", b)
	}
	if got := string(e.backend.State().Outputs["tag"].Value); got != `"id-ani"` {
		t.Fatalf("output tag = %s", got)
	}
	res, _ := e.plan(plans.Options{Refresh: true})
	if res.Plan.HasChanges() {
		t.Fatalf("second plan has changes:\n%v", res.Plan.Changes)
	}
}
