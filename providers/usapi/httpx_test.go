package usapi

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// layeredClient is the transport stack the engine wires, with short waits.
func layeredClient() *http.Client {
	return httpx.NewClient(httpx.ClientConfig{Provider: "usapi", Retry: httpx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
}

// TestThroughTheTransportLayers checks that the marks reach the layers: a
// registration cut after the server acted is never retried and comes back
// Uncertain; an e-mail check answered 502 is retried as idempotent.
func TestThroughTheTransportLayers(t *testing.T) {
	var signups, checks atomic.Int32
	_, endpoint := newFake(t, map[string]http.HandlerFunc{
		pathSignup: func(w http.ResponseWriter, r *http.Request) { signups.Add(1); cut(w, r) },
		pathCheck: func(w http.ResponseWriter, r *http.Request) {
			if checks.Add(1) == 1 {
				htmlAnswer(502)(w, r)
				return
			}
			jsonAnswer(409, `{"status":false,"message":"Email is already registered"}`)(w, r)
		},
	})
	p := testProvider(t, endpoint, "k")
	p.cfg.Load().client.http = layeredClient()
	_, resp := planApply(t, p, "usapi_account.a", account(ani()))
	if !resp.Uncertain || signups.Load() != 1 {
		t.Fatalf("uncertain %v after %d signups: %v", resp.Uncertain, signups.Load(), resp.Diagnostics)
	}
	read := p.ReadResource(context.Background(), providers.ReadRequest{Type: accountType, Addr: "usapi_account.a", Prior: priorOf(t, p, ani()), Full: true})
	if len(read.Diagnostics) != 0 || read.NewState.IsNull() || checks.Load() != 2 {
		t.Fatalf("refresh after %d checks: %v", checks.Load(), read.Diagnostics)
	}
}
