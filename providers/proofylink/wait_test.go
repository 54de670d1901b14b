package proofylink

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// neverFinal creates verifications that stay "processing" for ever, and
// counts the detail reads.
func neverFinal(reads *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			answer(201, "application/json", createdBody)(w, r)
			return
		}
		reads.Add(1)
		answer(200, "application/json", `{"status":"success","data":{"verification":{"reference_code":"EMP-260211-7874","status":"processing"}}}`)(w, r)
	}
}

// configureWait configures e's provider again with wait_timeout, and
// without the look for existing verifications (the server lists nothing).
func configureWait(t *testing.T, e *env, endpoint, timeout string) providers.Diagnostics {
	t.Helper()
	return e.p.Configure(context.Background(), providers.ConfigureRequest{
		Config: cty.ObjectVal(map[string]cty.Value{
			"endpoint": cty.StringVal(endpoint), "token": cty.StringVal(sandbox.ProofylinkToken),
			"rate_limit": cty.NullVal(cty.Number), "wait_timeout": cty.StringVal(timeout),
			"duplicate_check": cty.False,
		}),
		Endpoint: endpoint, HTTPClient: &http.Client{}, BaseDir: e.baseDir,
		Digester: secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef")),
	})
}

// wait_for_result is bounded: at wait_timeout the verification is recorded
// with its last status, and a warning says so.
func TestWaitForResultTimesOut(t *testing.T) {
	var reads atomic.Int32
	ts := httptest.NewServer(neverFinal(&reads))
	t.Cleanup(ts.Close)
	e := newEnv(t, ts.URL)
	mustNoErrors(t, configureWait(t, e, ts.URL, "1s"))
	res := e.create(config(map[string]cty.Value{"wait_for_result": cty.True}))
	mustNoErrors(t, res.Diagnostics)
	if str(res.NewState, "reference_code") != "EMP-260211-7874" || str(res.NewState, "status") != "processing" || res.Uncertain {
		t.Fatalf("state %#v: want the verification recorded with its last status", res.NewState)
	}
	if len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Detail, `still "processing" after 1s, the provider's wait_timeout`) {
		t.Fatalf("diagnostics %s", describe(res.Diagnostics))
	}
	if reads.Load() == 0 {
		t.Error("the wait never read the verification")
	}
}

// An interrupted apply sends nothing new: the wait ends at the stop with
// the verification recorded.
func TestWaitForResultEndsAtTheStop(t *testing.T) {
	var reads atomic.Int32
	ts := httptest.NewServer(neverFinal(&reads))
	t.Cleanup(ts.Close)
	e := newEnv(t, ts.URL)
	stop, interrupt := context.WithCancel(context.Background())
	interrupt()
	cfg := config(map[string]cty.Value{"wait_for_result": cty.True})
	pr := e.plan(cfg, nullState())
	ctx := httpx.WithStop(context.Background(), stop)
	res := e.p.ApplyResource(ctx, providers.ApplyRequest{Type: verificationType, Addr: testUserAddr, Operation: providers.Create,
		Config: cfg, Prior: nullState(), Planned: pr.Planned})
	mustNoErrors(t, res.Diagnostics)
	if str(res.NewState, "status") != "ocr_verification" || !strings.Contains(describe(res.Diagnostics), "the apply was interrupted") {
		t.Fatalf("state %#v, diags %s", res.NewState, describe(res.Diagnostics))
	}
	if reads.Load() != 0 {
		t.Errorf("%d reads after the stop", reads.Load())
	}
}

func TestInvalidWaitTimeout(t *testing.T) {
	for _, v := range []string{"soon", "10", "500ms", "-1m"} {
		e := newEnv(t, "http://127.0.0.1:1")
		diags := configureWait(t, e, "http://127.0.0.1:1", v)
		if !diags.HasErrors() || diags[0].Summary != "Invalid wait_timeout" || pathString(diags[0].Path) != "wait_timeout" {
			t.Errorf("wait_timeout %q: %s", v, describe(diags))
		}
	}
}
