package proofylink

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/sandbox"
)

// The provider behind the engine's transport layers: reads are retried,
// creates never are, and a cut create is uncertain.

func httpxClient() *http.Client {
	return httpx.NewClient(httpx.ClientConfig{Provider: "proofylink", Retry: httpx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
}

// flaky answers 502 to the first n requests, then passes to next.
func flaky(n int32, next http.HandlerFunc) (http.HandlerFunc, *atomic.Int32) {
	var count atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		next(w, r)
	}, &count
}

func TestThroughHTTPXReadIsRetried(t *testing.T) {
	h, count := flaky(2, answer(200, "application/json", `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"processing"}}}`))
	ts := httptest.NewServer(h)
	defer ts.Close()
	e := newEnvWithClient(t, ts.URL, httpxClient())
	res := e.read(priorState(e))
	mustNoErrors(t, res.Diagnostics)
	if str(res.NewState, "status") != "processing" || count.Load() != 3 {
		t.Errorf("status %q after %d requests", str(res.NewState, "status"), count.Load())
	}
}

func TestThroughHTTPXCreateIsNotRetried(t *testing.T) {
	h, count := flaky(1, answer(201, "application/json", createdBody))
	ts := httptest.NewServer(h)
	defer ts.Close()
	e := newEnvWithClient(t, ts.URL, httpxClient())
	res := e.create(config(nil))
	if !res.Uncertain || count.Load() != 1 {
		t.Errorf("uncertain %v after %d requests", res.Uncertain, count.Load())
	}
}

func TestThroughHTTPXDroppedCreateIsUncertain(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{DropRate: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	e := newEnvWithClient(t, ts.URL+"/proofylink", httpxClient())
	res := e.create(config(nil))
	if !res.Uncertain || !res.NewState.IsNull() {
		t.Errorf("uncertain %v, state %#v, diags %s", res.Uncertain, res.NewState, describe(res.Diagnostics))
	}
}

// At -drop-rate=0.3, reads meet connections the sandbox cut: every request
// the sandbox received has its audit line (Go's client re-sent some by
// itself, below the audit log: 30 of 143 had none).
func TestThroughHTTPXEveryDroppedReadAudited(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{DropRate: 0.3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	path := filepath.Join(t.TempDir(), audit.FileName)
	log, err := audit.Open(path, audit.Options{RunID: "r1", Command: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	hc := httpx.NewClient(httpx.ClientConfig{Provider: "proofylink", Audit: log, Budget: httpx.NewBudget(1000),
		Retry: httpx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	e := newEnvWithClient(t, ts.URL+"/proofylink", hc)
	for range 60 {
		e.p.Balance(t.Context()) // some fail after five attempts: only the count matters
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	lines := strings.Count(string(raw), "\n")
	res, err := http.Get(ts.URL + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st struct {
		Requests struct{ Total, Dropped int } `json:"requests"`
	}
	json.NewDecoder(res.Body).Decode(&st)
	if st.Requests.Dropped == 0 || st.Requests.Total != lines {
		t.Fatalf("the sandbox received %d requests (%d dropped), the audit log has %d lines", st.Requests.Total, st.Requests.Dropped, lines)
	}
}
