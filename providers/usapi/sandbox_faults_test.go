package usapi

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

// Against the sandbox's -status-false-rate: the registration answered
// 200 {"status": false} fails with the API's message, certainly, and
// nothing is recorded; the sandbox made no account.
func TestSandboxStatusFalseIsAFailure(t *testing.T) {
	base := startSandbox(t, sandbox.Options{StatusFalseRate: 1})
	p := testProvider(t, base+"/usapi", sandbox.USAPIKey)
	_, resp := planApply(t, p, "usapi_account.a", account(ani()))
	if !resp.NewState.IsNull() || resp.Uncertain || !hasDiag(resp.Diagnostics, providers.Error, nil, `"status": false: Failed to create account`) {
		t.Fatalf("state null %v, uncertain %v: %v", resp.NewState.IsNull(), resp.Uncertain, diagText(resp.Diagnostics))
	}
	if got := sandboxAccounts(t, base); len(got) != 0 {
		t.Errorf("the sandbox has %d accounts", len(got))
	}
}

// Against the sandbox's redirect mode: nothing reaches the redirect's
// host, and the error names the Location.
func TestSandboxRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	base := startSandbox(t, sandbox.Options{RedirectRate: 1, RedirectTo: other.URL})
	p := testProvider(t, base+"/usapi", sandbox.USAPIKey)
	_, resp := planApply(t, p, "usapi_account.a", account(with(ani(), map[string]cty.Value{attrBasicProfile: cty.NullVal(profileTy)})))
	if !resp.NewState.IsNull() || resp.Uncertain || !hasDiag(resp.Diagnostics, providers.Error, nil, "redirecting to "+other.URL+"/usapi/signup") {
		t.Fatalf("state null %v, uncertain %v: %v", resp.NewState.IsNull(), resp.Uncertain, diagText(resp.Diagnostics))
	}
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests reached the redirect's host", elsewhere.Load())
	}
}
