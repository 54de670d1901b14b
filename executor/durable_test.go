package executor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// TestBatchIntentOnDiskBeforeItsRequest applies a batch of accounts with
// the command's parts (the local journal, the audit log through the httpx
// stack, the usapi client), 64 in flight, so that the journal and the
// audit log group their lines and wait for more (their commit delay): when
// the server receives each registration, the journal on disk must already
// hold that account's intent and the audit log its "sent" line. A writer
// that answered a caller before its batch was written, or a request sent
// before its intent was appended, fails it.
func TestBatchIntentOnDiskBeforeItsRequest(t *testing.T) {
	const n = 400
	dir := t.TempDir()
	statePath := filepath.Join(dir, "daftar.state.json")
	auditPath := filepath.Join(dir, audit.FileName)
	backend := state.NewLocal(statePath, state.LocalOptions{})

	var mu sync.Mutex
	var problems []string
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Username string `json:"username"`
		}
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &body); err != nil || body.Username == "" {
			t.Errorf("a registration without a username: %s", raw)
		}
		journal, jerr := os.ReadFile(backend.JournalPath())
		auditLog, aerr := os.ReadFile(auditPath)
		addr := fmt.Sprintf(`usapi_account.person[\"%s\"]`, body.Username)
		mu.Lock()
		switch {
		case jerr != nil || aerr != nil:
			problems = append(problems, fmt.Sprintf("%s: reading the journal (%v) or the audit log (%v)", addr, jerr, aerr))
		case seen[body.Username]:
			problems = append(problems, addr+": sent twice")
		case !bytes.Contains(journal, []byte(addr)):
			problems = append(problems, addr+": sent before its intent was in the journal")
		case !bytes.Contains(auditLog, []byte(`"event":"sent"`)) || !bytes.Contains(auditLog, []byte(`"resource":"`+addr+`"`)):
			problems = append(problems, addr+": sent before its sent line was in the audit log")
		}
		seen[body.Username] = true
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":true,"message":"Registration success"}`)
	}))
	defer srv.Close()

	log, err := audit.Open(auditPath, audit.Options{RunID: "test-run", Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	client := httpx.NewClient(httpx.ClientConfig{Audit: log, Provider: "usapi", Retry: httpx.RetryPolicy{MaxAttempts: 1}})
	cfg := benchBatch(t, srv.URL, n)
	digester := secrets.NewDigester([]byte("test digest key"))
	res, st, provs := planUsapi(t, cfg, srv.URL, client, digester, t.TempDir())
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: st, Providers: provs, Digester: digester, Parallelism: 64, RunID: "test-run",
	})
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	if rep.Added != n || rep.Diagnostics.HasErrors() {
		t.Fatalf("added %d of %d: %s", rep.Added, n, rep.Diagnostics.Error())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("the server saw %d accounts, want %d", len(seen), n)
	}
	for _, p := range problems {
		t.Error(p)
	}
	// Every account's record is in the state the journal makes.
	loaded, err := state.NewLocal(statePath, state.LocalOptions{}).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		addr := fmt.Sprintf(`usapi_account.person["p%07d"]`, i)
		if r := loaded.Resources[addr]; r == nil || r.Pending() != nil {
			t.Fatalf("%s after the apply: %+v", addr, r)
		}
	}
}

// slowFailingBackend takes a while to write each update, then fails to
// write an intent, as a full disk does.
type slowFailingBackend struct {
	*enginetest.Backend
}

var errDiskFull = errors.New("no space left on device")

func (b slowFailingBackend) Apply(ctx context.Context, u state.Update) error {
	time.Sleep(20 * time.Millisecond)
	if len(u.Set) == 1 && u.Set[0].Pending() != nil {
		return errDiskFull
	}
	return b.Backend.Apply(ctx, u)
}

// The executor writes a create's intent while the provider builds the
// request (httpx.WithIntent): the request waits for the write in the
// transport, and an intent that could not be written sends nothing. The
// writes here take 20 ms each, so every registration reaches the
// transport before its intent fails: a transport that did not wait, or
// that sent after a failed write, fails it, as does an apply that
// reported the provider's "not sent" rather than the state's failure.
func TestCreateNotSentWithoutItsIntent(t *testing.T) {
	const n = 150
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":true,"message":"Registration success"}`)
	}))
	defer srv.Close()
	client := httpx.NewClient(httpx.ClientConfig{Provider: "usapi", Retry: httpx.RetryPolicy{MaxAttempts: 1}})
	cfg := benchBatch(t, srv.URL, n)
	digester := secrets.NewDigester([]byte("test digest key"))
	res, st, provs := planUsapi(t, cfg, srv.URL, client, digester, t.TempDir())
	backend := slowFailingBackend{enginetest.NewBackend(nil)}
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
		Backend: backend, State: st, Providers: provs, Digester: digester, Parallelism: 32, RunID: "test-run",
	})
	if got := hits.Load(); got != 0 {
		t.Errorf("the server received %d registrations whose intent was never written", got)
	}
	if rep.Added != 0 || len(backend.Updates()) != 0 || len(st.Resources) != 0 {
		t.Errorf("added %d, %d updates written, %d records in the state; want none", rep.Added, len(backend.Updates()), len(st.Resources))
	}
	errs := 0
	for _, d := range rep.Diagnostics {
		if d.Severity != hcl.DiagError {
			continue
		}
		errs++
		if !strings.Contains(d.Summary, "cannot record the outcome in the state") || !strings.Contains(d.Detail, errDiskFull.Error()) {
			t.Errorf("unexpected error: %s: %s", d.Summary, d.Detail)
		}
	}
	if errs != n {
		t.Errorf("%d errors, want one per account (%d)", errs, n)
	}
}

// BenchmarkApplyCreatesAudited is BenchmarkApplyCreates through the
// command's request path: the httpx layers (retry, rate limit, fence,
// timeouts) and the audit log (a "sent" line before each registration and
// a request line after it, durable, group-committed) as well as the local
// journal, so four durable writes per create, 32 in flight, against an
// httptest server that answers at once. It reports the CPU time of the
// process per create (cpu-ns/create: the server's share included, about a
// sixth) and the allocations (allocs/create, B/create); the plan is not
// counted.
func BenchmarkApplyCreatesAudited(b *testing.B) {
	const n = 10_000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":true,"message":"Registration success"}`)
	}))
	defer srv.Close()
	cfg := benchBatch(b, srv.URL, n)
	digester := secrets.NewDigester([]byte("bench digest key"))
	var cpu time.Duration
	var mallocs, bytes uint64
	b.StopTimer()
	for range b.N {
		dir := b.TempDir()
		log, err := audit.Open(filepath.Join(dir, audit.FileName), audit.Options{RunID: "bench", Command: "apply"})
		if err != nil {
			b.Fatal(err)
		}
		client := httpx.NewClient(httpx.ClientConfig{Audit: log, Provider: "usapi", Retry: httpx.RetryPolicy{MaxAttempts: 1}})
		res, st, provs := planUsapi(b, cfg, srv.URL, client, digester, dir)
		backend := state.NewLocal(filepath.Join(dir, "daftar.state.json"), state.LocalOptions{})
		before := memStats()
		cpuStart := cpuTime()
		b.StartTimer()
		rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{
			Backend: backend, State: st, Providers: provs, Digester: digester, Parallelism: 32, RunID: "bench",
		})
		b.StopTimer()
		cpu += cpuTime() - cpuStart
		after := memStats()
		if err := log.Close(); err != nil {
			b.Fatal(err)
		}
		if rep.Added != n || rep.Diagnostics.HasErrors() {
			b.Fatalf("added %d of %d: %s", rep.Added, n, rep.Diagnostics.Error())
		}
		mallocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
	}
	b.StartTimer()
	creates := float64(b.N * n)
	b.ReportMetric(float64(cpu.Nanoseconds())/creates, "cpu-ns/create")
	b.ReportMetric(float64(mallocs)/creates, "allocs/create")
	b.ReportMetric(float64(bytes)/creates, "B/create")
}
