package executor_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
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
		if rec := backend.Resource(v); rec == nil || !strings.Contains(string(attrsOf(rec)), fmt.Sprintf(`"tag":%q`, want)) {
			t.Errorf("%s recorded %+v", v, rec)
		}
	}
	if out := st.Outputs["rows"]; out == nil || string(out.Value) != fmt.Sprint(n) {
		t.Errorf("output rows recorded %+v, want %d", out, n)
	}
}
