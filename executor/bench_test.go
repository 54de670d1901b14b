package executor_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/usapi"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// BenchmarkApplyCreates is what daftar alone spends per create: a batch
// of n USAPI accounts (registration = "internal": one request each) is
// planned, then applied, timed, against an httptest server that answers
// every registration at once, through the real usapi client and the local
// state backend (an intent and an outcome journaled and fsync'd per
// account, with group commit). It reports, per create: the time
// (ns/create: the wall time of the apply, -parallelism=32; cpu-ns/create:
// the CPU time of the process on every core, the server's answers
// included, which steadier than the wall time on a shared machine),
// the allocations (allocs/create, B/create) and the live heap once the
// apply returned (live-B/create: the state's record, what the plan and
// the planner keep of a finished change, the batch's rows), and the
// most memory the Go runtime held from the apply's start to the end of
// the state's compaction that follows it, as the command compacts
// (peak-held-MB: what it mapped and has not returned to the system,
// sampled every millisecond: the resident memory, as the runtime sees it,
// of this process, which holds the plan and the test too; the compaction
// is not timed). The plan's own cost is not counted.
func BenchmarkApplyCreates(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"status":true,"message":"Registration success"}`)
			}))
			defer srv.Close()
			cfg := benchBatch(b, srv.URL, n)
			digester := secrets.NewDigester([]byte("bench digest key"))
			// Idle connections for every change in flight, as the
			// command's transport keeps them (internal/httpx).
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var elapsed, cpu time.Duration
			var mallocs, bytes, held, peak uint64
			b.StopTimer()
			for range b.N {
				res, st, provs := planUsapi(b, cfg, srv.URL, client, digester, b.TempDir())
				backend := state.NewLocal(filepath.Join(b.TempDir(), "daftar.state.json"), state.LocalOptions{})
				eval := res.Evaluator()
				before := memStats()
				stopPeak := peakHeld()
				start, cpuStart := time.Now(), cpuTime()
				b.StartTimer()
				rep := executor.Apply(context.Background(), res.Plan, eval, executor.Options{
					Backend: backend, State: st, Providers: provs, Digester: digester, Parallelism: 32, RunID: "bench",
				})
				b.StopTimer()
				elapsed += time.Since(start)
				cpu += cpuTime() - cpuStart
				after := memStats()
				if rep.Added != n || rep.Diagnostics.HasErrors() {
					b.Fatalf("added %d of %d: %s", rep.Added, n, rep.Diagnostics.Error())
				}
				mallocs += after.Mallocs - before.Mallocs
				bytes += after.TotalAlloc - before.TotalAlloc
				held += after.HeapAlloc
				if err := backend.Compact(context.Background(), st); err != nil {
					b.Fatalf("compact: %v", err)
				}
				peak = max(peak, stopPeak())
				runtime.KeepAlive(res)
				runtime.KeepAlive(eval)
			}
			b.StartTimer()
			creates := float64(b.N * n)
			b.ReportMetric(float64(elapsed.Nanoseconds())/creates, "ns/create")
			b.ReportMetric(float64(cpu.Nanoseconds())/creates, "cpu-ns/create")
			b.ReportMetric(float64(mallocs)/creates, "allocs/create")
			b.ReportMetric(float64(bytes)/creates, "B/create")
			b.ReportMetric(float64(held)/creates, "live-B/create")
			b.ReportMetric(float64(peak)/1e6, "peak-held-MB")
		})
	}
}

// peakHeld samples the memory the Go runtime holds from the system (all it
// mapped, less what it returned) until the function it returns is called,
// which answers the largest sample.
func peakHeld() func() uint64 {
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64()-sample[1].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}

// memStats are the heap's counters after a collection.
func memStats() runtime.MemStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// benchBatch is a batch of n accounts read from a CSV, as
// scripts/bench.sh writes it, against the server at url with no rate
// limit.
func benchBatch(b testing.TB, url string, n int) *schema.Config {
	var csv strings.Builder
	csv.WriteString("username,first_name,last_name,email,phone_number\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%07d,Nama%d,Keluarga%d,p%07d@example.id,6281%08d\n", i, i, i, i, i)
	}
	dir := enginetest.WriteConfig(b, map[string]string{"people.csv": csv.String(), "main.hcl": fmt.Sprintf(`
provider "usapi" {
  endpoint   = %q
  basic_auth = "bench-key"
  rate_limit = 0
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each = local.people

  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}
`, url)})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		b.Fatalf("loading the configuration: %s", diags.Error())
	}
	return cfg
}

// planUsapi plans cfg, a batch of usapi accounts, from an empty state,
// its provider configured to send through client to url: the apply
// benchmarks and the durability test apply what it returns.
func planUsapi(tb testing.TB, cfg *schema.Config, url string, client *http.Client, digester *secrets.Digester, baseDir string) (*planner.Result, *state.State, map[string]providers.Provider) {
	tb.Helper()
	provs := map[string]providers.Provider{"usapi": usapi.New()}
	st := state.New()
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, State: st, Options: plans.Options{Refresh: true}, Digester: digester, Providers: provs, ApplyOnly: true,
		Configure: func(ctx context.Context, _ string, p providers.Provider, config cty.Value) providers.Diagnostics {
			return p.Configure(ctx, providers.ConfigureRequest{Config: config, Endpoint: url, HTTPClient: client,
				BaseDir: baseDir, Digester: digester})
		},
	})
	if diags.HasErrors() {
		tb.Fatalf("plan: %s", diags.Error())
	}
	return res, st, provs
}
