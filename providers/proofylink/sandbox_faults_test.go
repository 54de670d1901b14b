package proofylink

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

// Against the sandbox's redirect mode (a 302, which may follow the work):
// the create is uncertain, nothing reaches the redirect's host (no NIK, no
// KTP image, no token), no token is spent, and the error names the
// Location.
func TestSandboxRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		answer(201, "application/json", createdBody)(w, r)
	}))
	t.Cleanup(other.Close)
	e := newSandboxEnv(t, sandbox.Options{RedirectRate: 1, RedirectTo: other.URL, RedirectStatus: 302})
	res := e.create(config(nil))
	if !res.NewState.IsNull() || !res.Uncertain || !strings.Contains(describe(res.Diagnostics), "redirecting to "+other.URL+"/proofylink/api/v1/external/verifications/email-consent") {
		t.Fatalf("state %#v, uncertain %v: %s", res.NewState, res.Uncertain, describe(res.Diagnostics))
	}
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests reached the redirect's host", elsewhere.Load())
	}
	if left := e.sandboxState()["proofylink_tokens_left"].(float64); left != sandbox.DefaultTokens {
		t.Errorf("%v tokens left", left)
	}
}

// An endpoint without its /proofylink prefix reaches the sandbox's router,
// which answers 404 {"message":"Not Found"}: the list is an error, not "no
// verifications", so a resolution leaves the intent undecided.
func TestSandboxWrongPrefixIsNotAnEmptyList(t *testing.T) {
	sb := newSandboxEnv(t, sandbox.Options{})
	e := newEnv(t, sb.url) // without /proofylink
	items, err := e.p.conf().client.list(t.Context(), testName)
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Fatalf("got %d items, %v; want the 404 as an error", len(items), err)
	}
	rs := e.p.ResolveResource(t.Context(), resolveRequest())
	if rs.Resolution != providers.Undecided {
		t.Errorf("resolution %v, want undecided", rs.Resolution)
	}
}

func resolveRequest() providers.ResolveRequest {
	return providers.ResolveRequest{Type: verificationType, Addr: testUserAddr, Config: config(nil), Started: time.Now()}
}
