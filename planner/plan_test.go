package planner_test

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/plans"
)

func TestPlanCreate(t *testing.T) {
	res := mustPlan(t, `
resource "fake_account" "a" {
  name = "ani"
}
resource "fake_account" "b" {
  name = "budi"
  tag  = fake_account.a.id
}
output "b_tag" { value = fake_account.b.tag }
`, nil, plans.Options{Refresh: true}, nil)
	got := actions(res.Plan)
	want := "fake_account.a create\nfake_account.b create"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if tag := res.Plan.Changes[1].After.GetAttr("tag"); tag.IsKnown() {
		t.Fatalf("tag should be known after apply, got %#v", tag)
	}
	if o := res.Plan.Outputs[0]; o.Value.IsKnown() {
		t.Fatalf("output should be unknown, got %#v", o.Value)
	}
}
