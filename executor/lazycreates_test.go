package executor_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state/backendtest"
)

// TestApplyLazyCreatesSameAsEager: a plan that keeps a batch's creates
// lazily (planner.Request.LazyCreates: no step and no change until the
// executor takes each) prints, counts, sends and records exactly what the
// same plan made eagerly does: every row's create sent once, with its own
// row's values, none skipped; the same records, digests included; the
// same printed plan. Beside the batch, resources that are not lazy (too
// few instances), one sorted before it and one after, whose changes the
// lazy block must not take the place of, and one of no instance; and one
// create fails.
func TestApplyLazyCreatesSameAsEager(t *testing.T) {
	for _, tc := range []struct {
		name string
		tag  string // the tag attribute of the batch's body
		lazy bool   // whether the batch is kept lazily
	}{
		{"lazy", "each.value.tag", true},
		// (The verifications are kept lazily in both cases.)
		// One instance with a value from sensitive() (a mark of its own):
		// it keeps its step, and so, all or none, does every other.
		{"one-marked", `each.key == "p042" ? sensitive(each.value.tag) : each.value.tag`, false},
	} {
		t.Run(tc.name, func(t *testing.T) { testLazyCreates(t, tc.tag, tc.lazy) })
	}
}

func testLazyCreates(t *testing.T, tag string, wantLazy bool) {
	const n = 230 // a batch: its creates are packed
	var csv strings.Builder
	csv.WriteString("name,email,tag\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id,t%d\n", (i*7919)%n, (i*7919)%n, (i*7919)%n) // rows not in address order
	}
	dir := enginetest.WriteConfig(t, map[string]string{"people.csv": csv.String(), "main.hcl": providerBlock + `
locals {
  people = { for row in csvdecode(file("people.csv")) : row.name => row }
}
resource "fake_account" "a_single" {
  name = "single"
}
resource "fake_account" "p" {
  for_each = local.people
  name     = each.key
  email    = each.value.email
  tag      = ` + tag + `
}
locals {
  none = {}
}
resource "fake_account" "empty" {
  for_each = local.none
  name     = each.key
}
resource "fake_verification" "v" {
  for_each = local.people
  subject  = "s-${each.key}"
}
resource "fake_account" "z_after" {
  count = 3
  name  = "after-${count.index}"
}
`})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	const failing = "p101"
	// expand: every change is made before apply (Result.Steps), as a reader
	// of every change does.
	run := func(lazy, expand bool) outcome {
		fake, backend := enginetest.NewProvider(), enginetest.NewBackend(nil)
		sent, times := recordSent(fake, `fake_account.p["`+failing+`"]`)
		provs := map[string]providers.Provider{"fake": fake}
		st := backend.State()
		vars, _ := cfg.ResolveVariables(nil, nil)
		res, diags := planner.Plan(context.Background(), &planner.Request{
			Config: cfg, Vars: vars, State: st, Digester: enginetest.Digester{}, Providers: provs, ApplyOnly: true, LazyCreates: lazy,
		})
		if diags.HasErrors() {
			t.Fatalf("plan: %s", diags.Error())
		}
		var out outcome
		for _, l := range res.Plan.Lazy {
			out.lazy += l.N
		}
		var buf bytes.Buffer
		render.PlanLimited(&buf, res.Plan, 0)
		fmt.Fprintf(&buf, "len %d, summary %+v, has changes %v, spends %+v\n", res.Plan.Len(), res.Plan.Summary(), res.Plan.HasChanges(), res.Plan.Spends)
		if len(res.Plan.Spends) != 1 || res.Plan.Spends[0].Count != n {
			t.Errorf("lazy %v: spends %+v, want %d fake tokens (a verification each)", lazy, res.Plan.Spends, n)
		}
		out.printed = buf.String()
		if expand {
			if got := len(res.Steps()); got != 2*n+4 || len(res.Plan.Changes) != 2*n+4 || res.Plan.Lazy != nil {
				t.Fatalf("expanded: %d steps, %d changes, %d lazy blocks; want %d, %d, none", got, len(res.Plan.Changes), len(res.Plan.Lazy), 2*n+4, 2*n+4)
			}
		}
		eval := res.Evaluator()
		rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{
			Backend: backend, State: st, Providers: provs, Digester: enginetest.Digester{}, RunID: "test-run", Parallelism: 8,
			ReleaseChanges: true})
		out.report = fmt.Sprintf("added %d, failed %d, skipped %d", rep.Added, rep.Failed, rep.Skipped)
		for _, s := range rep.Skips {
			out.report += " skip " + s.Change.Addr.String()
		}
		for _, f := range rep.Failures {
			out.report += " fail " + f.Change.Addr.String()
		}
		out.sent, out.times = sent, times
		out.records = map[string]string{}
		for addr, rec := range st.Resources {
			out.records[addr] = string(backendtest.AttrsOf(rec)) + " " + rec.ConfigDigest()
		}
		return out
	}
	eager := run(false, false)
	if eager.lazy != 0 {
		t.Fatalf("%d lazy creates without LazyCreates", eager.lazy)
	}
	for _, expand := range []bool{false, true} {
		lazy := run(true, expand)
		if want := map[bool]int{true: 2 * n, false: n}[wantLazy]; lazy.lazy != want {
			t.Fatalf("%d lazy creates with LazyCreates, want %d", lazy.lazy, want)
		}
		compareLazy(t, n, failing, eager, lazy)
	}
}

func compareLazy(t *testing.T, n int, failing string, eager, lazy outcome) {
	t.Helper()
	if lazy.printed != eager.printed {
		t.Errorf("printed lazily:\n%s\neagerly:\n%s", lazy.printed, eager.printed)
	}
	if want := fmt.Sprintf("added %d, failed 1, skipped 0 fail fake_account.p[%q]", 2*n+3, failing); eager.report != want || lazy.report != want {
		t.Errorf("report eagerly %q, lazily %q; want %q", eager.report, lazy.report, want)
	}
	if len(lazy.sent) != 2*n+4 || len(eager.sent) != 2*n+4 {
		t.Errorf("%d sent lazily, %d eagerly; want %d", len(lazy.sent), len(eager.sent), 2*n+4)
	}
	for addr, k := range lazy.times {
		if k != 1 {
			t.Errorf("%s sent %d times lazily", addr, k)
		}
	}
	for i := range n {
		name := fmt.Sprintf("p%03d", i)
		addr := `fake_account.p["` + name + `"]`
		got := lazy.sent[addr]
		if !strings.Contains(got, `"email":cty.StringVal("`+name+`@example.id")`) || !strings.Contains(got, fmt.Sprintf(`"tag":cty.StringVal("t%d")`, i)) ||
			!strings.Contains(got, `"name":cty.StringVal("`+name+`")`) {
			t.Errorf("%s sent lazily %s, not its own row", addr, got)
		}
		if got != eager.sent[addr] {
			t.Errorf("%s sent lazily %s, eagerly %s", addr, got, eager.sent[addr])
		}
		v := `fake_verification.v["` + name + `"]`
		if got := lazy.sent[v]; !strings.Contains(got, `"subject":cty.StringVal("s-`+name+`")`) || got != eager.sent[v] {
			t.Errorf("%s sent lazily %s, eagerly %s", v, got, eager.sent[v])
		}
	}
	if len(lazy.records) != len(eager.records) || len(lazy.records) != 2*n+3 {
		t.Errorf("%d records lazily, %d eagerly; want %d", len(lazy.records), len(eager.records), 2*n+3)
	}
	for addr, rec := range eager.records {
		if lazy.records[addr] != rec {
			t.Errorf("%s recorded lazily %s, eagerly %s", addr, lazy.records[addr], rec)
		}
	}
}

// outcome is what one apply of testLazyCreates printed, sent and
// recorded.
type outcome struct {
	printed string
	sent    map[string]string
	times   map[string]int
	records map[string]string
	report  string
	lazy    int
}

// recordSent makes fake create every instance but refused, which it
// refuses, and records, by address, the configuration each create sent
// (as %#v) and how many times it was sent. The maps are read once the
// apply has ended.
func recordSent(fake *enginetest.Provider, refused string) (sent map[string]string, times map[string]int) {
	var mu sync.Mutex
	sent, times = map[string]string{}, map[string]int{}
	fake.OnApply = func(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		sent[req.Addr] = fmt.Sprintf("%#v", req.Config)
		times[req.Addr]++
		mu.Unlock()
		if req.Addr == refused {
			return providers.ApplyResponse{Diagnostics: providers.Diagnostics{}.Errorf(nil, "Refused", "The remote refused it.")}
		}
		return providers.ApplyResponse{NewState: enginetest.Created(req.Planned)}
	}
	return sent, times
}
