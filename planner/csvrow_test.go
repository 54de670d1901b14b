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
