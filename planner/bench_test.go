package planner_test

import (
	"context"
	"encoding/json"
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

// BenchmarkPlanNoChanges plans a for_each over an n-row csvdecode against a
// state that already holds every instance: the nightly batch with nothing
// new.
func BenchmarkPlanNoChanges(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg, st := batch(b, n)
			fake := enginetest.NewProvider()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				res, diags := planner.Plan(context.Background(), &planner.Request{
					Config: cfg, State: st, Options: plans.Options{Refresh: true},
					Providers: map[string]providers.Provider{"fake": fake},
				})
				if diags.HasErrors() || res.Plan.HasChanges() {
					b.Fatalf("plan: %v, changes %v", diags, res.Plan.Summary())
				}
			}
		})
	}
}

// BenchmarkPlanNoChangesDigested is BenchmarkPlanNoChanges against a state
// whose records hold the configuration digests apply stores: the provider
// is neither asked to validate nor to plan any instance.
func BenchmarkPlanNoChangesDigested(b *testing.B) { benchmarkApplied(b, false, "") }

// BenchmarkPlanNoChangesSettled is BenchmarkPlanNoChangesDigested with
// records their provider called settled, as apply writes a registered
// account: the nightly batch with nothing new, as daftar plans it. No
// instance is refreshed, planned by its provider, or decoded.
func BenchmarkPlanNoChangesSettled(b *testing.B) { benchmarkApplied(b, true, "") }

// BenchmarkPlanNoChangesSettledCounted is BenchmarkPlanNoChangesSettled
// with an output over the whole batch, as users write one: it reads the
// keys only, and leaves the records undecoded as well.
func BenchmarkPlanNoChangesSettledCounted(b *testing.B) {
	benchmarkApplied(b, true, `output "registered" { value = length(fake_account.hire) }`)
}

// BenchmarkPlanNoChangesSettledEmails is BenchmarkPlanNoChangesSettled with
// an output reading one attribute of every instance: each record is
// decoded, and each instance's value holds that attribute only.
func BenchmarkPlanNoChangesSettledEmails(b *testing.B) {
	benchmarkApplied(b, true, `output "emails" { value = length([for k, v in fake_account.hire : v.email if v.email != ""]) }`)
}

// BenchmarkPlanNoChangesDependents is BenchmarkPlanNoChangesSettled in the
// shape users write: a verification per row that reads its account's
// e-mail, and outputs over both resources. Each verification's
// configuration holds its account's e-mail, as applied: its digest is its
// record's, and the provider plans none of them.
func BenchmarkPlanNoChangesDependents(b *testing.B) {
	benchmarkApplied(b, true, `
resource "fake_verification" "check" {
  for_each = { for r in local.rows : r.name => r }
  subject  = fake_account.hire[each.key].email
}
output "registered" { value = length(fake_account.hire) }
output "verified" { value = length(fake_verification.check) }
`)
}

// BenchmarkPlanNoChangesSettledTable is BenchmarkPlanNoChangesSettled in
// the shape batches are written (examples/batch, scripts/bench.sh): a
// local { for r in csvdecode(...) : r.name => r } that the resource's
// for_each names, which the planner reads as a table.
func BenchmarkPlanNoChangesSettledTable(b *testing.B) { benchmarkAppliedShape(b, true, "", true) }

// BenchmarkPlanNoChangesDependentsTable is BenchmarkPlanNoChangesDependents
// in that shape, the verifications' for_each the same local.
func BenchmarkPlanNoChangesDependentsTable(b *testing.B) {
	benchmarkAppliedShape(b, true, `
resource "fake_verification" "check" {
  for_each = local.people
  subject  = fake_account.hire[each.key].email
}
output "registered" { value = length(fake_account.hire) }
output "verified" { value = length(fake_verification.check) }
`, true)
}

// benchmarkApplied plans, with no change, a batch whose records are as
// apply writes them: with their configuration digests, and settled or not;
// extra is more configuration (outputs). Only a batch nothing reads but
// its keys has its changes deferred.
func benchmarkApplied(b *testing.B, settled bool, extra string) {
	benchmarkAppliedShape(b, settled, extra, false)
}

// benchmarkAppliedShape is benchmarkApplied, in the table's shape (see
// batchShaped) or not.
func benchmarkAppliedShape(b *testing.B, settled bool, extra string, table bool) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg, st := batchShaped(b, n, extra, table)
			fake := enginetest.NewProvider()
			fake.Fingerprints, fake.SettledAccounts = true, settled
			req := &planner.Request{
				Config: cfg, State: st, Options: plans.Options{Refresh: true},
				Providers: map[string]providers.Provider{"fake": fake}, Digester: enginetest.Digester{},
			}
			res, diags := planner.Plan(context.Background(), req)
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			for _, s := range res.Steps() {
				rec := st.Resources[s.Addr()]
				rec.SetConfigDigest(res.ConfigDigest(s))
				rec.Settled = settled && s.Change.Addr.Resource.Type == "fake_account"
			}
			planned := len(fake.CallsTo("PlanResource"))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				res, diags := planner.Plan(context.Background(), req)
				// Records nothing reads whole keep their values encoded:
				// undecoded when settled, or read by the refresh, found
				// unchanged and deferred again; dropped once projected.
				if diags.HasErrors() || res.Plan.HasChanges() || !res.Plan.Changes[0].Deferred() {
					b.Fatalf("plan: %v, changes %v, deferred %v", diags, res.Plan.Summary(), res.Plan.Changes[0].Deferred())
				}
			}
			b.StopTimer()
			if n := len(fake.CallsTo("PlanResource")); n > planned {
				b.Fatalf("PlanResource called %d times: the digests were not used", n-planned)
			}
		})
	}
}

// BenchmarkPlanRefreshOnly is a -refresh-only plan of the batch as apply
// wrote it (digests stored, records settled): every record is read (the
// fake provider answers at once), none changed; each is a no-op whose
// values stay in its state record.
func BenchmarkPlanRefreshOnly(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg, st := batch(b, n)
			fake := enginetest.NewProvider()
			fake.Fingerprints, fake.SettledAccounts = true, true
			req := &planner.Request{
				Config: cfg, State: st, Options: plans.Options{Refresh: true},
				Providers: map[string]providers.Provider{"fake": fake}, Digester: enginetest.Digester{},
			}
			res, diags := planner.Plan(context.Background(), req)
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			for _, s := range res.Steps() {
				rec := st.Resources[s.Addr()]
				rec.SetConfigDigest(res.ConfigDigest(s))
				rec.Settled = true
			}
			req.Options = plans.Options{Refresh: true, RefreshOnly: true}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				res, diags := planner.Plan(context.Background(), req)
				if diags.HasErrors() || res.Plan.HasChanges() || len(res.Plan.Changes) != n || !res.Plan.Changes[0].Deferred() {
					b.Fatalf("plan: %v, changes %v", diags, res.Plan.Summary())
				}
			}
			b.StopTimer()
			if reads := len(fake.CallsTo("ReadResource")); reads != n*b.N {
				b.Fatalf("%d reads, want %d", reads, n*b.N)
			}
		})
	}
}

// BenchmarkPlanFromEmpty plans the same batch against an empty state: n
// creates.
func BenchmarkPlanFromEmpty(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg, _ := batch(b, n)
			benchPlan(b, cfg, state.New(), plans.Summary{Add: n})
		})
	}
}

// BenchmarkPlanOnePercentChanged plans the batch against a state where 1%
// of the instances hold another e-mail: n/100 updates.
func BenchmarkPlanOnePercentChanged(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cfg, st := batch(b, n)
			for i := 0; i < n; i += 100 {
				name := fmt.Sprintf("u%06d", i)
				st.Resources[fmt.Sprintf("fake_account.hire[%q]", name)].SetAttributes(json.RawMessage(account(name, `"email":"old@x.id"`)))
			}
			benchPlan(b, cfg, st, plans.Summary{Change: n / 100})
		})
	}
}

func benchPlan(b *testing.B, cfg *schema.Config, st *state.State, want plans.Summary) {
	fake := enginetest.NewProvider()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: cfg, State: st, Options: plans.Options{Refresh: true},
			Providers: map[string]providers.Provider{"fake": fake},
		})
		if diags.HasErrors() || res.Plan.Summary() != want {
			b.Fatalf("plan: %v, summary %+v, want %+v", diags, res.Plan.Summary(), want)
		}
	}
}

// batch writes an n-row CSV configuration and the state of its applied
// instances.
func batch(b *testing.B, n int) (*schema.Config, *state.State) {
	return batchWith(b, n, "")
}

// batchWith is batch with more configuration.
func batchWith(b *testing.B, n int, extra string) (*schema.Config, *state.State) {
	return batchShaped(b, n, extra, false)
}

// batchShaped is batchWith, with the rows in a local people = { for r in
// csvdecode(...) : r.name => r } that the resource's for_each names when
// table is set (the shape the planner reads as a table).
func batchShaped(b *testing.B, n int, extra string, table bool) (*schema.Config, *state.State) {
	dir := b.TempDir()
	var csv strings.Builder
	csv.WriteString("name,email\n")
	st := state.New()
	for i := range n {
		name := fmt.Sprintf("u%06d", i)
		fmt.Fprintf(&csv, "%s,%s@x.id\n", name, name)
		key, _ := json.Marshal(name)
		addr := fmt.Sprintf("fake_account.hire[%q]", name)
		st.Resources[addr] = (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: "fake_account", Name: "hire", Provider: "fake"}).WithIndexKey(key).WithAttributes(json.RawMessage(account(name, `"email":"`+name+`@x.id"`)))
		if strings.Contains(extra, `"fake_verification" "check"`) {
			addr := fmt.Sprintf("fake_verification.check[%q]", name)
			st.Resources[addr] = (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: "fake_verification", Name: "check", Provider: "fake"}).WithIndexKey(key).WithDependencies([]string{"fake_account.hire"}).WithAttributes(json.RawMessage(`{"id":"id-` + name + `","status":"completed","subject":"` + name + `@x.id"}`))
		}
	}
	src := providerBlock + `
locals {
  rows = csvdecode(file("rows.csv"))
}
resource "fake_account" "hire" {
  for_each = { for r in local.rows : r.name => r }
  name     = each.value.name
  email    = each.value.email
}
` + extra + "\n"
	if table {
		src = providerBlock + `
locals {
  people = { for r in csvdecode(file("rows.csv")) : r.name => r }
}
resource "fake_account" "hire" {
  for_each = local.people
  name     = each.value.name
  email    = each.value.email
}
` + extra + "\n"
	}
	for name, content := range map[string]string{"rows.csv": csv.String(), "main.hcl": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	return cfg, st
}
