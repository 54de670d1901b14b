package proofylink

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

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
	h, count := flaky(2, answer(200, "application/json", `{"status":"success","data":{"verification":{"reference_code":"EMP-1","status":"processing"}}}`))
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
