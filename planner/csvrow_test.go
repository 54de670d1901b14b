package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestRowOriginInInstanceDiagnostics: a provider's error about an instance
// whose each.value is a CSV row names the row's line in the CSV.
func TestRowOriginInInstanceDiagnostics(t *testing.T) {
	dir := enginetest.WriteConfig(t, map[string]string{
		"rows.csv": "name,email\nani,a@x.id\nbu!di,b@x.id\n",
		"main.hcl": providerBlock + `
resource "fake_account" "hire" {
  for_each = { for r in csvdecode(file("rows.csv")) : r.email => r }
  name     = each.value.name
}`,
	})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	_, diags = planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: map[string]cty.Value{},
		Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}})
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "The instance comes from line 3 of ") || !strings.Contains(diags[0].Detail, "rows.csv") {
		t.Fatalf("diagnostics: %s", diags.Error())
	}
}

// TestRowOriginOfSharedDiagnostics: a mistake of the block itself (an
// argument it does not take) is one diagnostic that every instance's
// evaluation gives; each instance's copy names its own row's line and no
// other, whichever shape the batch's local has. The instances are planned
// in parallel: run with -race.
func TestRowOriginOfSharedDiagnostics(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("name,email\n")
	const n = 40
	for i := range n {
		csv.WriteString("p" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ",x@x.id\n")
	}
	for _, local := range []string{
		`{ for r in csvdecode(file("rows.csv")) : r.name => r }`,            // read as a table
		`{ for r in csvdecode(file("rows.csv")) : r.name => r if r != "" }`, // evaluated by HCL
	} {
		dir := enginetest.WriteConfig(t, map[string]string{
			"rows.csv": csv.String(),
			"main.hcl": providerBlock + `
locals {
  rows = ` + local + `
}
resource "fake_account" "hire" {
  for_each = local.rows
  name     = each.key
  nickname = each.value.email
}`,
		})
		cfg, diags := schema.Load(dir)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		_, diags = planner.Plan(context.Background(), &planner.Request{Config: cfg, Vars: map[string]cty.Value{},
			Providers: map[string]providers.Provider{"fake": enginetest.NewProvider()}})
		lines := map[string]bool{}
		for _, d := range diags {
			if got := strings.Count(d.Detail, "The instance comes from line "); got != 1 {
				t.Fatalf("%s: %d row origins in one diagnostic: %s", local, got, d.Detail)
			}
			i := strings.Index(d.Detail, "The instance comes from line ")
			lines[d.Detail[i:]] = true
		}
		if len(diags) != n || len(lines) != n {
			t.Fatalf("%s: %d diagnostics naming %d lines, want %d each: %s", local, len(diags), len(lines), n, diags.Error())
		}
	}
}
