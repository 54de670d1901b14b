package executor_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
)

// TestNewInstancesDigestTakenAtApply: the plan of a new instance leaves
// its configuration's digest to apply (Step.fpLater), which records it
// with the instance; the next plan computes the digest from the state's
// side (a record to compare with) and must find the same one for every
// instance, or it would plan them in full with their provider. A batch
// (packed creates) and a small resource (kept decoded), with a sensitive
// variable's marks, a nested block, nulls and a value of another row.
// A plan made only to be applied (Request.ApplyOnly, apply without a plan
// file) gives its changes no ConfigDigest, and must record the same
// digests as one that does.
func TestNewInstancesDigestTakenAtApply(t *testing.T) {
	recorded := map[string]string{} // by instance, from the plans that keep ConfigDigest
	for _, tc := range []struct {
		n         int
		applyOnly bool
	}{{150, false}, {7, false}, {150, true}, {7, true}} {
		n := tc.n
		t.Run(fmt.Sprintf("%d/applyOnly=%v", n, tc.applyOnly), func(t *testing.T) {
			e := newEnv(t, fmt.Sprintf(`
variable "secret" {
  type      = string
  default   = "s3cret"
  sensitive = true
}
locals {
  rows = { for i in range(%d) : format("p%%03d", i) => { email = i %% 3 == 0 ? null : "p${i}@example.id", city = i %% 2 == 0 ? "Medan" : null } }
}
resource "fake_account" "p" {
  for_each = local.rows
  name     = each.key
  email    = each.value.email
  secret   = length(each.key) > 3 ? var.secret : null
  tag      = each.value.city == null ? "none" : "city"
  dynamic "profile" {
    for_each = each.value.city == null ? [] : [each.value.city]
    content {
      city = profile.value
    }
  }
}
resource "fake_account" "single" {
  name   = "single"
  secret = var.secret
}`, n))
			e.fake.Fingerprints = true
			plan := func() *planner.Result {
				t.Helper()
				cfg := enginetest.LoadConfig(t, e.src)
				vars, diags := cfg.ResolveVariables(nil, nil)
				if diags.HasErrors() {
					t.Fatal(diags.Error())
				}
				res, diags := planner.Plan(context.Background(), &planner.Request{
					Config: cfg, Vars: vars, State: e.backend.State(), Digester: enginetest.Digester{}, Providers: e.providers(),
					ApplyOnly: tc.applyOnly,
				})
				if diags.HasErrors() {
					t.Fatalf("plan: %s", diags.Error())
				}
				return res
			}
			res := plan()
			for _, c := range res.Plan.Changes {
				if got := c.ConfigDigest != ""; got == tc.applyOnly {
					t.Fatalf("%s planned with ApplyOnly %v has ConfigDigest %q", c.Addr, tc.applyOnly, c.ConfigDigest)
				}
			}
			rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
				Backend: e.backend, State: e.backend.State(), Providers: e.providers(), Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 8})
			if rep.Diagnostics.HasErrors() || rep.Added != n+1 {
				t.Fatalf("added %d of %d: %s", rep.Added, n+1, rep.Diagnostics.Error())
			}
			for i := 0; i <= n; i++ {
				addr := fmt.Sprintf(`fake_account.p["p%03d"]`, i)
				if i == n {
					addr = "fake_account.single"
				}
				rec := e.backend.Resource(addr)
				if rec == nil || rec.ConfigDigest() == "" {
					t.Fatalf("%s recorded without its configuration's digest: %+v", addr, rec)
				}
				key := fmt.Sprint(n, addr)
				if !tc.applyOnly {
					recorded[key] = rec.ConfigDigest()
				} else if rec.ConfigDigest() != recorded[key] {
					t.Errorf("%s recorded digest %q after a plan made only to be applied, %q otherwise", addr, rec.ConfigDigest(), recorded[key])
				}
			}
			planned, validated := len(e.fake.CallsTo("PlanResource")), len(e.fake.CallsTo("ValidateResource"))
			res = plan()
			for _, c := range res.Plan.Changes {
				if c.Action != plans.NoOp {
					t.Errorf("%s: %s after its apply, want a no-op", c.Addr, c.Action)
				}
			}
			if got := e.fake.CallsTo("PlanResource")[planned:]; len(got) > 0 {
				t.Errorf("the plan after apply asked the provider to plan %d instances (%v): their recorded digests are not their configurations'", len(got), got[:min(len(got), 3)])
			}
			if got := e.fake.CallsTo("ValidateResource")[validated:]; len(got) > 0 {
				t.Errorf("the plan after apply validated %d instances again", len(got))
			}
		})
	}
}
