package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
)

// TestLazyCreatesKeptWithoutWhatTheyRepeat: a batch's lazy creates whose
// rows repeat the same values (a constant code, the same tag in every
// row) are each kept against the block's base, none whole, in fewer bytes
// than the attributes they hold in their own; the plan made of them reads
// as the eager plan's, printed byte for byte the same.
func TestLazyCreatesKeptWithoutWhatTheyRepeat(t *testing.T) {
	const n = 150
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": enginetest.PeopleCSV(n), "main.hcl": providerBlock + `
locals {
  people = { for row in csvdecode(file("people.csv")) : row.name => row }
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
  tag      = "the same tag in every row, a constant of the batch"
  code     = "C-0001"
}
`})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	plan := func(lazy bool) (*planner.Result, string) {
		vars, _ := cfg.ResolveVariables(nil, nil)
		res, diags := planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: vars, Digester: enginetest.Digester{},
			Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}, ApplyOnly: true, LazyCreates: lazy})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		var buf strings.Builder
		render.PlanLimited(&buf, res.Plan, 0)
		return res, buf.String()
	}
	_, eager := plan(false)
	res, lazy := plan(true)
	shared, whole, bytes := planner.LazyHeld(res, "fake_account.p")
	if shared != n || whole != 0 {
		t.Fatalf("%d creates shared, %d whole; want %d shared", shared, whole, n)
	}
	// Each row's own: its name and e-mail (about 25 bytes), twice at most
	// (configuration, planned value), and the masks.
	if per := bytes / n; per > 40 {
		t.Errorf("%d bytes a shared create, want at most 40", per)
	}
	if lazy != eager {
		t.Errorf("the lazy plan prints\n%s\nthe eager one\n%s", lazy, eager)
	}
}
