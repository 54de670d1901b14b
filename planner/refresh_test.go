package planner_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// fullReads records the Full flag of every ReadResource.
type fullReads struct {
	*enginetest.Provider
	mu   sync.Mutex
	full map[string]bool
}

func (p *fullReads) ReadResource(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	p.mu.Lock()
	p.full[req.Addr] = req.Full
	p.mu.Unlock()
	return p.Provider.ReadResource(ctx, req)
}

// TestRefreshFullOnlyWhenRefreshOnly: a plan's refresh lets providers
// answer records that cannot change from the prior; -refresh-only asks
// for every record as the remote has it.
func TestRefreshFullOnlyWhenRefreshOnly(t *testing.T) {
	for name, opts := range map[string]plans.Options{"refresh": {Refresh: true}, "refresh-only": {RefreshOnly: true}} {
		t.Run(name, func(t *testing.T) {
			fake := &fullReads{Provider: enginetest.NewProvider(), full: map[string]bool{}}
			cfg := enginetest.LoadConfig(t, providerBlock+`resource "fake_account" "a" { name = "ani" }`)
			vars, _ := cfg.ResolveVariables(nil, nil)
			_, diags := planner.Plan(context.Background(), &planner.Request{
				Config: cfg, Vars: vars, Options: opts, Providers: map[string]providers.Provider{"fake": fake},
				State: stateOf(t, map[string]string{"fake_account.a": account("ani", "")}),
			})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			full, read := fake.full["fake_account.a"]
			if !read || full != opts.RefreshOnly {
				t.Fatalf("read %v with Full %v, want Full %v", read, full, opts.RefreshOnly)
			}
		})
	}
}

// refreshBatch is a batch of more than a hundred accounts (the size at
// which the planner keeps a batch's values encoded), each with its record.
const refreshBatch = `
locals { names = { for i in range(150) : format("p%03d", i) => i } }
resource "fake_account" "p" {
  for_each = local.names
  name     = each.key
  tag      = "x"
}
`

func refreshBatchRecords() map[string]string {
	records := map[string]string{}
	for i := range 150 {
		name := fmt.Sprintf("p%03d", i)
		records[fmt.Sprintf("fake_account.p[%q]", name)] = account(name, `"tag":"x"`)
	}
	return records
}

// TestRefreshOnlyBatch: a refresh-only plan of a batch plans from the
// state and the remote alone, whether or not the configuration is the one
// last applied (its pre-pass keeps none of it): a record changed remotely
// is an update to the remote value, one gone a forget, every other a
// no-op holding its stored value, each record read once and none planned
// by the provider; and every input error is still found before the first
// read.
func TestRefreshOnlyBatch(t *testing.T) {
	records := refreshBatchRecords()
	ty := enginetest.NewProvider().Schema().Resources["fake_account"].ImpliedType()
	changed := cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("p007"), "email": cty.StringVal("changed@x.id"), "tag": cty.StringVal("x"),
		"secret": cty.NullVal(cty.String), "code": cty.NullVal(cty.String), "id": cty.StringVal("id-p007"),
		"profile": cty.NullVal(cty.Object(map[string]cty.Type{"city": cty.String})),
	})
	for name, src := range map[string]string{
		"as applied":    refreshBatch,
		"changed since": strings.Replace(refreshBatch, `tag      = "x"`, `tag      = "y"`, 1),
		"ignore_changes added": strings.Replace(refreshBatch, `tag      = "x"`, `tag      = "x"
  lifecycle {
    ignore_changes = [email]
  }`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			st := digestedState(t, refreshBatch, records)
			fake := enginetest.NewProvider()
			fake.Fingerprints = true
			fake.Remote[`fake_account.p["p007"]`] = changed
			fake.Remote[`fake_account.p["p042"]`] = cty.NullVal(cty.DynamicPseudoType)
			res := mustPlanWith(t, src, st, plans.Options{RefreshOnly: true}, fake)
			if n := len(fake.CallsTo("ReadResource")); n != 150 {
				t.Errorf("%d records read, want 150", n)
			}
			if calls := fake.CallsTo("PlanResource"); len(calls) > 0 {
				t.Errorf("PlanResource called for %v in a refresh-only plan", calls)
			}
			if err := res.Plan.Read(); err != nil {
				t.Fatal(err)
			}
			if len(res.Plan.Changes) != 150 {
				t.Fatalf("%d changes, want 150:\n%s", len(res.Plan.Changes), actions(res.Plan))
			}
			for _, c := range res.Plan.Changes {
				stored, err := ctyjson.Unmarshal([]byte(records[c.Addr.String()]), ty)
				if err != nil {
					t.Fatal(err)
				}
				want, after := plans.NoOp, stored
				switch c.Addr.String() {
				case `fake_account.p["p007"]`:
					want, after = plans.Update, changed
				case `fake_account.p["p042"]`:
					want, after = plans.Forget, cty.NullVal(ty)
				}
				if c.Action != want || !c.Before.RawEquals(stored) || !c.After.Equals(after).True() && !(after.IsNull() && c.After.IsNull()) {
					t.Errorf("%s: %s, before %#v, after %#v; want %s from the stored value to %#v", c.Addr, c.Action, c.Before, c.After, want, after)
				}
				if c.Persist != (want == plans.Update) {
					t.Errorf("%s: persist %v; only the record changed remotely is written", c.Addr, c.Persist)
				}
			}
		})
	}
	for name, src := range map[string]string{
		"invalid row":    strings.Replace(refreshBatch, `name     = each.key`, `name     = each.key == "p013" ? "bad!" : each.key`, 1),
		"duplicate name": strings.Replace(refreshBatch, `name     = each.key`, `name     = each.key == "p013" ? "p014" : each.key`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			st := digestedState(t, refreshBatch, records)
			fake := enginetest.NewProvider()
			fake.Fingerprints = true
			cfg := enginetest.LoadConfig(t, providerBlock+src)
			vars, _ := cfg.ResolveVariables(nil, nil)
			_, diags := planner.Plan(context.Background(), &planner.Request{
				Config: cfg, Vars: vars, State: st, Options: plans.Options{RefreshOnly: true}, Digester: enginetest.Digester{},
				Providers: map[string]providers.Provider{"fake": fake},
			})
			if !diags.HasErrors() || !strings.Contains(diags.Error(), `p013`) {
				t.Fatalf("plan: %v; want an error naming p013", diags)
			}
			if calls := fake.CallsTo("ReadResource"); len(calls) > 0 {
				t.Errorf("%d records read before the input error was reported", len(calls))
			}
		})
	}
}
