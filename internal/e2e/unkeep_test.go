package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/clitest"
	"github.com/daftar-dev/daftar/sandbox"
)

// TestOutcomeApplyWithOneVerificationGone: the apply that records a
// batch's outcomes, one verification of which Proofylink no longer finds
// (a 404, an error by design), stops with that error before any change,
// exactly as the plan does: apply keeps the other outcomes without steps
// (planner.Request.LazyCreates: 149 of the 150, beside the error), plan
// makes them all, and both print the same error, naming the resource, the
// endpoint and the API's answer, and exit 1; the state is left as it was.
// (The accounts are kept without steps, as in the outcome apply of
// scripts/bench.sh's shape, only with no resource reading them whole: the
// lead of rowsDir would.)
func TestOutcomeApplyWithOneVerificationGone(t *testing.T) {
	sb := clitest.StartSandbox(t, sandbox.Options{DataDir: t.TempDir(), VerifyDelay: time.Millisecond})
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox behind a proxy that asks for another reference code
	// than gone's: the sandbox's own 404 for a verification it never held.
	var gone atomic.Pointer[string]
	proxy := httputil.NewSingleHostReverseProxy(target)
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		if code := gone.Load(); code != nil && strings.HasSuffix(r.URL.Path, "/verifications/"+*code) {
			r.URL.Path += "0"
		}
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)

	const n = 150 // a batch: more than 100 instances
	dir := rowsDir(t, front.URL, n)
	// The shape of an outcome apply: no lead reading the accounts whole.
	main := filepath.Join(dir, "main.hcl")
	src, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	lead := strings.Index(string(src), `resource "usapi_account" "lead"`)
	if lead < 0 {
		t.Fatal("rowsDir has no lead")
	}
	if err := os.WriteFile(main, src[:lead], 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	statePath := filepath.Join(dir, "daftar.state.json")
	before, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	addr, code := aVerification(t, before)
	gone.Store(&code)

	planned := daftar(t, dir, "plan")
	applied := daftar(t, dir, "apply", "-auto-approve")
	if planned.code != 1 || applied.code != 1 {
		t.Fatalf("want exit 1 from both; plan:\n%s\napply:\n%s", planned, applied)
	}
	flat := strings.Join(strings.Fields(applied.stderr), " ")
	for _, want := range []string{"Error: Verification " + code + " not found", `proofylink_verification.person["` + addr + `"]`,
		"/api/v1/external/verifications/" + code + " with 404 Not Found"} {
		if !strings.Contains(flat, want) {
			t.Errorf("apply's standard error lacks %q:\n%s", want, applied.stderr)
		}
	}
	if strings.Count(applied.stderr, "Error: ") != 1 {
		t.Errorf("want one error:\n%s", applied.stderr)
	}
	if applied.stderr != planned.stderr || applied.stdout != planned.stdout {
		t.Errorf("apply printed\n%s\nplan printed\n%s", applied, planned)
	}
	after, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, before) {
		t.Errorf("the state changed")
	}
}

// aVerification is the key and reference code of a verification the
// state holds, the hundredth in address order.
func aVerification(t *testing.T, state []byte) (key, code string) {
	t.Helper()
	var st struct {
		Resources []struct {
			Address    string          `json:"address"`
			Attributes json.RawMessage `json:"attributes"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(state, &st); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range st.Resources {
		k, ok := strings.CutPrefix(r.Address, `proofylink_verification.person["`)
		if !ok {
			continue
		}
		if seen++; seen < 100 {
			continue
		}
		var a struct {
			ReferenceCode string `json:"reference_code"`
		}
		if err := json.Unmarshal(r.Attributes, &a); err != nil || a.ReferenceCode == "" {
			t.Fatalf("%s: no reference code (%v): %s", r.Address, err, r.Attributes)
		}
		return strings.TrimSuffix(k, `"]`), a.ReferenceCode
	}
	t.Fatalf("fewer than 100 verifications in the state")
	return "", ""
}
