package usapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

// testNow is the clock of every test provider.
var testNow = time.Date(2026, 2, 11, 9, 0, 0, 0, time.UTC)

// startSandbox serves a fresh in-memory sandbox and answers its base URL.
func startSandbox(t *testing.T, opts sandbox.Options) string {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })
	return ts.URL
}

// testProvider configures a provider for endpoint with basic_auth (none
// when empty) and a configuration directory holding photo.jpg.
func testProvider(t *testing.T, endpoint, basicAuth string) *Provider {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "photo.jpg"), "\xff\xd8\xff\xe0 a jpeg")
	p := New()
	p.now = func() time.Time { return testNow }
	auth := cty.NullVal(cty.String)
	if basicAuth != "" {
		auth = cty.StringVal(basicAuth)
	}
	diags := p.Configure(context.Background(), providers.ConfigureRequest{
		Config:     cty.ObjectVal(map[string]cty.Value{"endpoint": cty.StringVal(endpoint), "basic_auth": auth, "rate_limit": cty.NullVal(cty.Number)}),
		Endpoint:   endpoint,
		HTTPClient: &http.Client{},
		BaseDir:    dir,
		Digester:   secrets.NewDigester([]byte("test digest key")),
	})
	if len(diags) > 0 {
		t.Fatalf("Configure: %v", diags)
	}
	return p
}

// sandboxProvider is a provider on a fresh sandbox; it also answers the
// sandbox's base URL.
func sandboxProvider(t *testing.T) (*Provider, string) {
	t.Helper()
	base := startSandbox(t, sandbox.Options{})
	return testProvider(t, base+"/usapi", sandbox.USAPIKey), base
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// account builds a usapi_account configuration: every attribute null but
// those given.
func account(attrs map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{}
	for name, ty := range accountTy.AttributeTypes() {
		m[name] = cty.NullVal(ty)
	}
	for k, v := range attrs {
		m[k] = v
	}
	return cty.ObjectVal(m)
}

// profileVal builds a basic_profile block value.
func profileVal(attrs map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{}
	for name, ty := range profileTy.AttributeTypes() {
		m[name] = cty.NullVal(ty)
	}
	for k, v := range attrs {
		m[k] = v
	}
	return cty.ObjectVal(m)
}

// ani is a valid signup configuration with a basic profile and an image.
func ani() map[string]cty.Value {
	return map[string]cty.Value{
		attrUsername:     cty.StringVal("ani"),
		attrPassword:     cty.StringVal("s3cret-Pa55"),
		attrFirstName:    cty.StringVal("Ani"),
		attrLastName:     cty.StringVal("Putri"),
		attrEmail:        cty.StringVal("ani@example.co.id"),
		attrPhoneNumber:  cty.StringVal("6281234567890"),
		attrMode:         cty.StringVal("LINK"),
		attrPlatform:     cty.StringVal("ONMART"),
		attrBasicProfile: profileVal(map[string]cty.Value{attrDateOfBirth: cty.StringVal("1996-10-18"), attrGender: cty.StringVal("Perempuan"), attrPhoneNumber: cty.StringVal("6281234567890"), attrProfileImg: cty.StringVal("photo.jpg")}),
	}
}

// with answers a copy of attrs with the given changes.
func with(attrs map[string]cty.Value, changes map[string]cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	for k, v := range attrs {
		out[k] = v
	}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

// planApply plans and applies a create of config from a null prior.
func planApply(t *testing.T, p *Provider, addr string, config cty.Value) (providers.PlanResponse, providers.ApplyResponse) {
	t.Helper()
	ctx := context.Background()
	plan := p.PlanResource(ctx, providers.PlanRequest{Type: accountType, Addr: addr, Config: config, Prior: cty.NullVal(accountTy)})
	if plan.Diagnostics.HasErrors() {
		t.Fatalf("plan: %v", plan.Diagnostics)
	}
	applied := p.ApplyResource(ctx, providers.ApplyRequest{Type: accountType, Addr: addr, Operation: providers.Create, Config: config, Prior: cty.NullVal(accountTy), Planned: plan.Planned})
	return plan, applied
}

// sandboxAccounts answers the sandbox's accounts by username.
func sandboxAccounts(t *testing.T, base string) map[string]map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Accounts []map[string]any `json:"usapi_accounts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, a := range st.Accounts {
		out[a["username"].(string)] = a
	}
	return out
}

// hasDiag reports whether diags has one of severity sev at path whose
// summary or detail contains want.
func hasDiag(diags providers.Diagnostics, sev providers.Severity, path cty.Path, want string) bool {
	for _, d := range diags {
		if d.Severity == sev && d.Path.Equals(path) && (strings.Contains(d.Detail, want) || strings.Contains(d.Summary, want)) {
			return true
		}
	}
	return false
}

// assertNoSecret fails when text holds one of the secrets.
func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("a secret leaked: %q in %q", s, text)
		}
	}
}

func diagText(diags providers.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + "\n" + d.Detail + "\n")
	}
	return b.String()
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
