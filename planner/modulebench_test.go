package planner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
)

// BenchmarkPlanModuleOutputPerInstance plans n module instances (one per
// CSV row) and a root resource whose for_each instance reads its own
// module instance's output, module.hire[each.key].id, then does what
// apply asks of the planner: each module account finishes, then each
// root instance's configuration is evaluated again (Final) with the
// applied values. The cost per instance (ns/instance) must not grow with
// n.
func BenchmarkPlanModuleOutputPerInstance(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg := moduleBatch(b, n)
			fake := enginetest.NewProvider()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				res, diags := planner.Plan(context.Background(), &planner.Request{
					Config: cfg, State: state.New(), Options: plans.Options{Refresh: true},
					Providers: map[string]providers.Provider{"fake": fake},
				})
				if diags.HasErrors() || res.Plan.Summary().Add != 2*n {
					b.Fatalf("plan: %v, summary %+v", diags, res.Plan.Summary())
				}
				applyModuleBatch(b, res)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/instance")
		})
	}
}

// applyModuleBatch finishes every module instance's account with its
// applied value, then evaluates every root instance again as apply does.
func applyModuleBatch(b *testing.B, res *planner.Result) {
	res.StartApply()
	var roots []*planner.Step
	for _, s := range res.Steps() {
		if strings.HasPrefix(s.Addr(), "module.") {
			res.Finish(s, enginetest.Created(s.Change.After))
		} else {
			roots = append(roots, s)
		}
	}
	for _, s := range roots {
		cfg, _, diags := res.Final(context.Background(), s)
		if diags.HasErrors() || cfg.GetAttr("tag").AsString() != "id-"+strings.TrimSuffix(cfg.GetAttr("name").AsString(), "-badge") {
			b.Fatalf("final %s: %v %#v", s.Addr(), diags, cfg)
		}
	}
}

// moduleBatch writes a configuration calling a one-account module once per
// row of an n-row CSV, with a root resource per row reading the row's
// module instance.
func moduleBatch(b *testing.B, n int) *schema.Config {
	dir := b.TempDir()
	var csv strings.Builder
	csv.WriteString("name\n")
	for i := range n {
		fmt.Fprintf(&csv, "u%06d\n", i)
	}
	files := map[string]string{
		"rows.csv": csv.String(),
		"main.hcl": providerBlock + `
locals {
  rows = { for r in csvdecode(file("rows.csv")) : r.name => r }
}
module "hire" {
  source   = "./person"
  for_each = local.rows
  name     = each.key
}
resource "fake_account" "badge" {
  for_each = local.rows
  name     = "${module.hire[each.key].name}-badge"
  tag      = module.hire[each.key].id
}
`,
		"person/person.hcl": `
variable "name" {
  type = string
}
resource "fake_account" "acct" {
  name = var.name
}
output "id" {
  value = fake_account.acct.id
}
output "name" {
  value = fake_account.acct.name
}
`,
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	return cfg
}
