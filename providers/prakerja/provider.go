package prakerja

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

var _ providers.Provider = (*Provider)(nil)

// Provider is the Prakerja client seen from the engine. Its methods are
// safe for concurrent use after Configure: the configuration is set once,
// atomically, and never changed afterwards.
type Provider struct {
	cfg atomic.Pointer[config]
}

// config is what Configure prepared.
type config struct {
	client   *client
	digester providers.Digester
}

// New returns an unconfigured provider.
func New() *Provider { return &Provider{} }

// Configure reads the provider block. It makes no request.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	v, _ := req.Config.UnmarkDeep()
	base, diags := endpointURL(req.Endpoint, v)
	clientCode, _ := str(v, "client_code")
	if strings.ContainsFunc(clientCode, unicode.IsControl) || strings.TrimSpace(clientCode) != clientCode {
		diags = diags.Errorf(cty.GetAttrPath("client_code"), "Invalid client_code", "client_code starts or ends with white space, or contains a control character, which X-Client-Id cannot carry: set it to the code alone.")
	}
	if clientCode == "" {
		diags = diags.Errorf(cty.GetAttrPath("client_code"), "Missing client_code", "Set client_code to the client code Prakerja gave you (sent as X-Client-Id); the sandbox accepts \"sandbox-client\".")
	}
	if req.Digester == nil {
		diags = diags.Errorf(nil, "No digester", "The engine configured provider prakerja without a Digester; this is a bug in daftar, please report it.")
	}
	if diags.HasErrors() {
		return diags
	}
	hc := httpx.WithoutRedirects(req.HTTPClient) // a redirect would carry the access token elsewhere
	signKey, _ := str(v, "sign_key")
	signKey = strings.TrimSpace(signKey)
	p.cfg.Store(&config{client: &client{base: base, http: hc, clientCode: clientCode, signKey: signKey}, digester: req.Digester})
	return nil
}

// endpointURL answers the base URL: the engine's Endpoint, else the
// block's endpoint.
func endpointURL(raw string, v cty.Value) (*url.URL, providers.Diagnostics) {
	if raw == "" {
		raw, _ = str(v, "endpoint")
	}
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		var diags providers.Diagnostics
		return nil, diags.Errorf(cty.GetAttrPath("endpoint"), "Invalid Prakerja endpoint",
			`The endpoint must be "sandbox" or a base URL before /api/v1/..., such as https://api.prakerja.go.id (a path prefix is allowed, as in http://127.0.0.1:8787/prakerja); %s is neither.`, shownEndpoint(raw, u, err))
	}
	return u, nil
}

func shownEndpoint(raw string, u *url.URL, err error) string {
	if err != nil {
		return fmt.Sprintf("an unparsable URL of %d characters", len(raw))
	}
	return fmt.Sprintf("%q", u.Redacted())
}

// configured answers the configuration, or an error diagnostic when
// Configure has not succeeded.
func (p *Provider) configured() (*config, providers.Diagnostics) {
	if c := p.cfg.Load(); c != nil {
		return c, nil
	}
	var diags providers.Diagnostics
	return nil, diags.Errorf(nil, "Provider not configured", "Provider prakerja was used before its configuration succeeded; fix the provider \"prakerja\" block's errors first.")
}

// str answers a known, non-null string attribute.
func str(obj cty.Value, name string) (string, bool) {
	if !obj.IsKnown() || obj.IsNull() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return "", false
	}
	v := obj.GetAttr(name)
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}
