package usapi

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
)

var (
	_ providers.Provider      = (*Provider)(nil)
	_ providers.BaseDirSetter = (*Provider)(nil)
)

// Provider is the USAPI client seen from the engine. Its methods are safe
// for concurrent use after Configure: the configuration is set once,
// atomically, and never changed afterwards.
type Provider struct {
	// Dispatch serves the resource methods from the table of types
	// (types.go).
	providers.Dispatch[*Provider]
	cfg atomic.Pointer[config]
	// planDir is the configuration directory told before Configure, with
	// the file stamps Configure takes over (inputs.go).
	planDir validate.PlanDir
	// now is the clock of registered_at and of date-of-birth checks.
	now func() time.Time
}

// config is what Configure prepared.
type config struct {
	client   *client
	baseDir  string
	digester providers.Digester
	// stamps caches what PlanInputs read of each file (inputs.go),
	// shared with what it read before Configure (planDir).
	stamps *validate.FileStamps
	// lastDigest is the last value digestOf digested, and its digest.
	lastDigest atomic.Pointer[digestMemo]
}

// New returns an unconfigured provider.
func New() *Provider {
	p := &Provider{now: time.Now}
	p.Dispatch = providers.Dispatch[*Provider]{Self: p, Find: p.methods}
	return p
}

// Configure reads the provider block. It makes no request; a missing
// basic_auth is reported only when an account is registered.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	base, diags := endpointURL(req)
	basicAuth, _ := str(req.Config, "basic_auth")
	basicAuth = strings.TrimSpace(basicAuth)
	if strings.ContainsFunc(basicAuth, unicode.IsControl) {
		diags = diags.Errorf(cty.GetAttrPath("basic_auth"), "Invalid basic_auth", "basic_auth contains a line break or another control character, which cannot be sent in a header: set it to the key alone (trimspace() removes a trailing newline read from a file).")
	}
	if req.Digester == nil {
		diags = diags.Errorf(nil, "No digester", "The engine configured provider usapi without a Digester; this is a bug in daftar, please report it.")
	}
	if diags.HasErrors() {
		return diags
	}
	// Never follow a redirect: it would send the passwords and the key to
	// wherever the answer points.
	hc := httpx.WithoutRedirects(req.HTTPClient)
	p.cfg.Store(&config{
		client:   &client{base: base, http: hc, basicAuth: basicAuth},
		baseDir:  req.BaseDir,
		digester: req.Digester,
		stamps:   p.planDir.Stamps(req.BaseDir),
	})
	return nil
}

// endpointURL answers the base URL: the engine's Endpoint, else the
// block's endpoint.
func endpointURL(req providers.ConfigureRequest) (*url.URL, providers.Diagnostics) {
	raw := req.Endpoint
	if raw == "" {
		raw, _ = str(req.Config, "endpoint")
	}
	path := cty.GetAttrPath("endpoint")
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		var diags providers.Diagnostics
		return nil, diags.Errorf(path, "Invalid USAPI endpoint",
			`The endpoint must be "sandbox" or a base URL such as https://usapi.onindonesia.id (a path prefix is allowed, as in http://127.0.0.1:8787/usapi); %q is neither.`, redactURL(raw))
	}
	return u, nil
}

// configured answers the configuration, or an error diagnostic when
// Configure has not succeeded.
func (p *Provider) configured() (*config, providers.Diagnostics) {
	if c := p.cfg.Load(); c != nil {
		return c, nil
	}
	var diags providers.Diagnostics
	return nil, diags.Errorf(nil, "Provider not configured", "Provider usapi was used before its configuration succeeded; fix the provider \"usapi\" block's errors first.")
}

// unknownType is the diagnostic for a type this provider does not serve.
func unknownType(typ string) providers.Diagnostics {
	var diags providers.Diagnostics
	return diags.Errorf(nil, "Unknown type", "Provider usapi serves the resource %s and the data source %s, not %q.", accountType, emailType, typ)
}

// redactURL drops a password from a URL so that it can be shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("(an unparsable URL of %d characters)", len(raw))
	}
	return u.Redacted()
}
