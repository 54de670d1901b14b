package proofylink

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// otherMaskedTwin has testNIK's masked form (3171********0053) but is
// another person's (born 19 May 1996).
const otherMaskedTwin = "3171011905960053"

// countingTransport counts the requests that reach the wire, by method and
// path ("GET /proofylink/api/v1/external/verifications"), a search by
// name apart ("GET /proofylink/api/v1/external/verifications?q").
type countingTransport struct {
	mu    sync.Mutex
	count map[string]int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.count == nil {
		c.count = map[string]int{}
	}
	key := r.Method + " " + r.URL.Path
	if r.URL.Query().Has("q") {
		key += "?q"
	}
	c.count[key]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *countingTransport) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count[key]
}

func (c *countingTransport) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.count {
		n += v
	}
	return n
}

const (
	listPath   = "GET /proofylink" + verificationsPath
	searchPath = listPath + "?q"
)

func detailKey(code string) string { return "GET /proofylink" + detailPath(code) }

// guardedOn is a second provider with duplicate_check on, against the
// sandbox of e, counting its requests: another operator, or the same one
// after losing the state.
func guardedOn(t *testing.T, e *sandboxEnv) (*env, *countingTransport) {
	t.Helper()
	ct := &countingTransport{}
	g := newGuardedEnv(t, e.url+"/proofylink", &http.Client{Transport: ct})
	g.baseDir = e.baseDir
	g.p.conf().baseDir = e.baseDir
	return g, ct
}

func TestGuardFindsTheExistingVerification(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	mine := e.mustCreate(config(nil))
	other := e.mustCreate(config(map[string]cty.Value{"id_number": cty.StringVal(otherMaskedTwin)})) // same name and masked NIK
	e.mustCreate(config(map[string]cty.Value{"verification_type_id": cty.NumberIntVal(2)}))          // same person, other type
	e.mustCreate(config(map[string]cty.Value{"full_name": cty.StringVal("Budi Santoso"), "id_number": cty.StringVal(testNIK2)}))
	g, ct := guardedOn(t, e)

	resp := g.plan(config(nil), nullState())
	mustNoErrors(t, resp.Diagnostics)
	code := str(mine, "reference_code")
	if resp.Existing == nil || resp.Existing.ID != code || resp.Spends != 0 {
		t.Fatalf("existing %+v, spends %d; want %s and 0", resp.Existing, resp.Spends, code)
	}
	if !strings.HasPrefix(resp.Existing.Message, "already verified as "+code+" on ") {
		t.Errorf("message %q", resp.Existing.Message)
	}
	if !strings.Contains(resp.Existing.Repeat, "allow_repeat = true") || !strings.Contains(resp.Existing.Why, "same full name, NIK and verification type") ||
		resp.Existing.IDAttribute != "reference_code" {
		t.Errorf("existing %+v", resp.Existing)
	}
	if strings.Contains(resp.Existing.Why+resp.Existing.Message, testNIK) {
		t.Errorf("the NIK is in clear in %+v", resp.Existing)
	}
	// The list once, and the detail of the two entries of that name, masked
	// NIK and type: the other person's is read and ruled out by its full NIK.
	if got := ct.get(listPath); got != 1 {
		t.Errorf("%d list requests, want 1", got)
	}
	for _, c := range []string{code, str(other, "reference_code")} {
		if got := ct.get(detailKey(c)); got != 1 {
			t.Errorf("%d detail requests of %s, want 1", got, c)
		}
	}
	if got := ct.total(); got != 3 {
		t.Errorf("%d requests in all, want 3: %v", got, ct.count)
	}

	// More creates in the same plan: no more list requests; a name that is
	// not on the list reads no detail; a detail already read is not read
	// again.
	fresh := config(map[string]cty.Value{"full_name": cty.StringVal("Citra Lestari")})
	if resp := g.plan(fresh, nullState()); resp.Existing != nil || resp.Spends != 1 {
		t.Errorf("new person: existing %+v, spends %d", resp.Existing, resp.Spends)
	}
	if resp := g.plan(config(nil), nullState()); resp.Existing == nil {
		t.Errorf("second plan of the same create found nothing")
	}
	if got := ct.total(); got != 3 {
		t.Errorf("%d requests after more creates, want still 3: %v", got, ct.count)
	}
}

func TestGuardLetsTheOtherPersonThrough(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	e.mustCreate(config(map[string]cty.Value{"id_number": cty.StringVal(otherMaskedTwin)}))
	g, ct := guardedOn(t, e)
	resp := g.plan(config(nil), nullState())
	mustNoErrors(t, resp.Diagnostics)
	if resp.Existing != nil || resp.Spends != 1 {
		t.Errorf("existing %+v, spends %d: another person's verification blocked the create", resp.Existing, resp.Spends)
	}
	if ct.get(listPath) != 1 || ct.total() != 2 {
		t.Errorf("requests %v, want one list and one detail", ct.count)
	}
}

func TestGuardSkipped(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	created := e.mustCreate(config(nil))
	tests := map[string]struct {
		req     func(g *env) providers.PlanRequest
		guarded bool
	}{
		"allow_repeat": {func(g *env) providers.PlanRequest {
			return providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Prior: nullState(),
				Config: config(map[string]cty.Value{"allow_repeat": cty.True})}
		}, true},
		"a replace": {func(g *env) providers.PlanRequest {
			return providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Prior: nullState(), Config: config(nil), Forced: true}
		}, true},
		"a resource in the state": {func(g *env) providers.PlanRequest {
			return providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Prior: created, Config: config(nil)}
		}, true},
		"unknown name": {func(g *env) providers.PlanRequest {
			return providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Prior: nullState(),
				Config: config(map[string]cty.Value{"full_name": cty.UnknownVal(cty.String)})}
		}, true},
		"duplicate_check = false": {func(g *env) providers.PlanRequest {
			return providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Prior: nullState(), Config: config(nil)}
		}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ct := &countingTransport{}
			var g *env
			if tt.guarded {
				g = newGuardedEnv(t, e.url+"/proofylink", &http.Client{Transport: ct})
			} else {
				g = newEnvWithClient(t, e.url+"/proofylink", &http.Client{Transport: ct})
			}
			g.p.conf().baseDir = e.baseDir
			resp := g.p.PlanResource(t.Context(), tt.req(g))
			mustNoErrors(t, resp.Diagnostics)
			if resp.Existing != nil {
				t.Errorf("existing %+v", resp.Existing)
			}
			if ct.total() != 0 {
				t.Errorf("requests %v, want none", ct.count)
			}
		})
	}
}

func TestGuardListFailureIsOneError(t *testing.T) {
	var lists int
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lists++
		mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"status":"fail","message":"Unauthenticated."}`))
	}))
	defer ts.Close()
	g := newGuardedEnv(t, ts.URL, &http.Client{})
	first := g.plan(config(nil), nullState())
	if !first.Diagnostics.HasErrors() || !strings.Contains(first.Diagnostics[0].Summary, "Cannot look for existing Proofylink verifications") ||
		!strings.Contains(first.Diagnostics[0].Detail, "duplicate_check = false") {
		t.Fatalf("first create: %s", describe(first.Diagnostics))
	}
	// The API's message ends its own sentence: one full stop, not two.
	if d := first.Diagnostics[0].Detail; !strings.Contains(d, "401 Unauthorized: Unauthenticated. Check the provider's token") {
		t.Errorf("detail %q: want the API's message once stopped, then the hint", d)
	}
	second := g.plan(config(map[string]cty.Value{"full_name": cty.StringVal("Budi")}), nullState())
	if len(second.Diagnostics) != 0 || second.Existing != nil {
		t.Errorf("second create: %s, existing %+v; the failure is reported once", describe(second.Diagnostics), second.Existing)
	}
	if lists != 1 {
		t.Errorf("%d list requests, want 1 (the transport of this test does not retry)", lists)
	}
}

// The whole list is read a page per create planned, and each create's
// name is searched until it is complete: one create against a long list
// costs two list requests, not every page.
func TestGuardReadsAPageForEachCreate(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Tokens: 1000})
	for i := range 2*perPage + 50 {
		e.mustCreate(config(map[string]cty.Value{
			"full_name": cty.StringVal(fmt.Sprintf("Orang %03d", i)),
			"id_number": cty.StringVal(fmt.Sprintf("317101180596%04d", i+1)),
		}))
	}
	mine := e.mustCreate(config(nil))
	g, ct := guardedOn(t, e)
	lists := func() (pages, searches int) { return ct.get(listPath), ct.get(searchPath) }

	if resp := g.plan(config(nil), nullState()); resp.Existing == nil || resp.Existing.ID != str(mine, "reference_code") {
		t.Fatalf("existing %+v: %s", resp.Existing, describe(resp.Diagnostics))
	}
	if p, s := lists(); p != 1 || s != 1 {
		t.Errorf("first create: %d pages, %d searches; want 1 and 1", p, s)
	}
	for i, name := range []string{"Budi Santoso", "Citra Lestari", "Dewi Sartika", "Eka Putri"} {
		resp := g.plan(config(map[string]cty.Value{"full_name": cty.StringVal(name)}), nullState())
		mustNoErrors(t, resp.Diagnostics)
		if resp.Existing != nil {
			t.Errorf("%s: existing %+v", name, resp.Existing)
		}
		wantPages, wantSearches := min(i+2, 3), min(i+2, 2)
		if p, s := lists(); p != wantPages || s != wantSearches {
			t.Errorf("after %s: %d pages, %d searches; want %d and %d", name, p, s, wantPages, wantSearches)
		}
	}
	// Found again from the whole list, the detail already read.
	if resp := g.plan(config(nil), nullState()); resp.Existing == nil {
		t.Error("not found in the whole list")
	}
	if got := ct.total(); got != 3+2+1 {
		t.Errorf("%d requests in all, want 3 pages, 2 searches and 1 detail: %v", got, ct.count)
	}
}
