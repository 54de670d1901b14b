package proofylink

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/zclconf/go-cty/cty"
)

// Test NIKs: region 317101, born 18 May 1996 (a woman's 58 May 1996),
// sequences 0053 (score 53, level D) and 0000 (the sandbox fails it).
const (
	testNIK      = "3171011805960053"
	testNIK2     = "3171015805960123"
	failingNIK   = "3171011805960000"
	testName     = "Ani Setiawan"
	ktpPath      = "ktp/ani.jpg"
	consentPath  = "consent/ani.pdf"
	testUserAddr = "proofylink_verification.ani"
)

// fakeClock is a sandbox clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a configured provider against some server.
type env struct {
	t       *testing.T
	p       *Provider
	baseDir string
	url     string // the server's root
}

// newEnv configures a provider against endpoint with a fresh configuration
// directory holding a KTP image and a consent form.
func newEnv(t *testing.T, endpoint string) *env {
	t.Helper()
	return newEnvWithClient(t, endpoint, &http.Client{})
}

// newEnvWithClient is newEnv with the given HTTP client. It turns the
// look for existing verifications off (duplicate_check = false), which
// the tests of the create request do not count on; newGuardedEnv leaves it on.
func newEnvWithClient(t *testing.T, endpoint string, hc *http.Client) *env {
	t.Helper()
	return configureEnv(t, endpoint, hc, cty.False)
}

// newGuardedEnv is newEnvWithClient with duplicate_check as the default
// (on).
func newGuardedEnv(t *testing.T, endpoint string, hc *http.Client) *env {
	t.Helper()
	return configureEnv(t, endpoint, hc, cty.NullVal(cty.Bool))
}

func configureEnv(t *testing.T, endpoint string, hc *http.Client, duplicateCheck cty.Value) *env {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ktpPath), []byte("\xff\xd8\xff\xe0 fake jpeg"))
	writeFile(t, filepath.Join(dir, consentPath), []byte("%PDF-1.4 fake consent"))
	p := NewWithOptions(Options{PollInterval: 10 * time.Millisecond})
	diags := p.Configure(context.Background(), providers.ConfigureRequest{
		Config: cty.ObjectVal(map[string]cty.Value{
			"endpoint":        cty.StringVal(endpoint),
			"token":           cty.StringVal(sandbox.ProofylinkToken),
			"rate_limit":      cty.NullVal(cty.Number),
			"duplicate_check": duplicateCheck,
		}),
		Endpoint:   endpoint,
		HTTPClient: hc,
		BaseDir:    dir,
		Digester:   secrets.NewDigester([]byte("0123456789abcdef0123456789abcdef")),
	})
	mustNoErrors(t, diags)
	return &env{t: t, p: p, baseDir: dir}
}

// sandboxEnv is a provider against a fresh sandbox over real HTTP.
type sandboxEnv struct {
	*env
	clock *fakeClock
	ts    *httptest.Server
}

func newSandboxEnv(t *testing.T, opts sandbox.Options) *sandboxEnv {
	t.Helper()
	clock := &fakeClock{t: time.Now().UTC()}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	e := newEnv(t, ts.URL+"/proofylink")
	e.url = ts.URL
	return &sandboxEnv{env: e, clock: clock, ts: ts}
}

// sandboxState reads GET /_sandbox/state.
func (e *sandboxEnv) sandboxState() map[string]any {
	e.t.Helper()
	res, err := http.Get(e.url + "/_sandbox/state")
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// requestsTotal is how many API requests the sandbox answered.
func (e *sandboxEnv) requestsTotal() float64 {
	return e.sandboxState()["requests"].(map[string]any)["total"].(float64)
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

var metadataType = verification.ty.AttributeType("consent_metadata")

// config is a valid email-consent configuration with some attributes
// replaced.
func config(over map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{
		"consent":              cty.StringVal("email"),
		"verification_type_id": cty.NumberIntVal(1),
		"id_number":            cty.StringVal(testNIK),
		"full_name":            cty.StringVal(testName),
		"email":                cty.StringVal("ani@example.co.id"),
		"phone_number":         cty.StringVal("6281234567890"),
		"ktp_image":            cty.StringVal(ktpPath),
		"form_consent":         cty.NullVal(cty.String),
		"consent_metadata":     cty.NullVal(metadataType),
		"wait_for_result":      cty.NullVal(cty.Bool),
	}
	for k, v := range over {
		m[k] = v
	}
	return cty.ObjectVal(m)
}

// configFor is a valid configuration of a consent method.
func configFor(consent string, over map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{"consent": cty.StringVal(consent)}
	switch consent {
	case consentOwn:
		m["consent_metadata"] = metadata(nil)
	case consentUpload:
		m["form_consent"] = cty.StringVal(consentPath)
	}
	for k, v := range over {
		m[k] = v
	}
	return config(m)
}

func metadata(over map[string]string) cty.Value {
	m := map[string]cty.Value{
		"user_agent": cty.StringVal("Mozilla/5.0"), "ip_address": cty.StringVal("192.168.1.1"),
		"device_type": cty.StringVal("desktop"), "browser_info": cty.StringVal("Chrome 145.0.0.0"),
		"os": cty.StringVal("Windows"), "timestamp": cty.StringVal("2026-03-06T16:00:00+08:00"),
	}
	for k, v := range over {
		m[k] = cty.StringVal(v)
	}
	return cty.ObjectVal(m)
}

// plan plans cfg over prior.
func (e *env) plan(cfg, prior cty.Value) providers.PlanResponse {
	e.t.Helper()
	return e.p.PlanResource(context.Background(), providers.PlanRequest{Type: verificationType, Addr: testUserAddr, Config: cfg, Prior: prior})
}

// create plans and applies a create of cfg.
func (e *env) create(cfg cty.Value) providers.ApplyResponse {
	e.t.Helper()
	pr := e.plan(cfg, nullState())
	mustNoErrors(e.t, pr.Diagnostics)
	return e.p.ApplyResource(context.Background(), providers.ApplyRequest{
		Type: verificationType, Addr: testUserAddr, Operation: providers.Create, Config: cfg, Prior: nullState(), Planned: pr.Planned,
	})
}

// mustCreate creates cfg and fails the test on any error.
func (e *env) mustCreate(cfg cty.Value) cty.Value {
	e.t.Helper()
	res := e.create(cfg)
	mustNoErrors(e.t, res.Diagnostics)
	if res.NewState.IsNull() || res.Uncertain {
		e.t.Fatalf("create: state %#v, uncertain %v", res.NewState, res.Uncertain)
	}
	return res.NewState
}

func (e *env) read(prior cty.Value) providers.ReadResponse {
	e.t.Helper()
	return e.p.ReadResource(context.Background(), providers.ReadRequest{Type: verificationType, Addr: testUserAddr, Prior: prior})
}

func mustNoErrors(t *testing.T, diags providers.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("unexpected errors: %s", describe(diags))
	}
}

func describe(diags providers.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		sev := "error"
		if d.Severity == providers.Warning {
			sev = "warning"
		}
		b.WriteString("\n" + sev + " at " + pathString(d.Path) + ": " + d.Summary + ": " + d.Detail)
	}
	return b.String()
}

// pathString writes a path of attribute steps as a.b.
func pathString(p cty.Path) string {
	var parts []string
	for _, step := range p {
		if ga, ok := step.(cty.GetAttrStep); ok {
			parts = append(parts, ga.Name)
		}
	}
	return strings.Join(parts, ".")
}

// str is v's string attribute name ("" when null).
func str(v cty.Value, name string) string { return stringAttr(v, name) }
