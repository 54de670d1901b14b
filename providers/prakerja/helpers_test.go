package prakerja

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/sandbox"
)

func startSandbox(t *testing.T) string {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })
	return ts.URL
}

func testProvider(t *testing.T, endpoint, clientCode string) *Provider {
	t.Helper()
	p := New()
	diags := p.Configure(context.Background(), providers.ConfigureRequest{
		Config:     providerConfig(endpoint, clientCode),
		Endpoint:   endpoint,
		HTTPClient: &http.Client{},
		Digester:   secrets.NewDigester([]byte("test digest key")),
	})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	return p
}

func providerConfig(endpoint, clientCode string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"endpoint": cty.StringVal(endpoint), "client_code": cty.StringVal(clientCode),
		"sign_key": cty.NullVal(cty.String), "rate_limit": cty.NullVal(cty.Number),
	})
}

func profileConfig(token string) cty.Value {
	m := map[string]cty.Value{attrAccessToken: cty.StringVal(token)}
	for _, name := range profileFields {
		m[name] = cty.NullVal(cty.String)
	}
	return cty.ObjectVal(m)
}

func readProfile(p *Provider, token string) providers.ReadDataResponse {
	return p.ReadData(context.Background(), providers.ReadDataRequest{Type: profileType, Addr: "data.prakerja_profile.me", Config: profileConfig(token)})
}

func hasDiag(diags providers.Diagnostics, path cty.Path, want string) bool {
	for _, d := range diags {
		if d.Severity == providers.Error && d.Path.Equals(path) && (strings.Contains(d.Detail, want) || strings.Contains(d.Summary, want)) {
			return true
		}
	}
	return false
}

func diagText(diags providers.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + "\n" + d.Detail + "\n")
	}
	return b.String()
}
