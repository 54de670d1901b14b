package command

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/prakerja"
	"github.com/daftar-dev/daftar/providers/proofylink"
	"github.com/daftar-dev/daftar/providers/usapi"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// defaultRateLimit is a provider's requests per second when its block does
// not say (the contract's default).
const defaultRateLimit = 10

// sandboxEchoEnv sets the embedded sandbox's Options.EchoRefuse: requests
// holding its value are refused with a 400 that quotes them, as some APIs
// do. For testing what daftar shows of such an error.
const sandboxEchoEnv = "DAFTAR_SANDBOX_ECHO_REFUSE"

// sandboxMounts are the path prefixes of each API in the sandbox.
var sandboxMounts = map[string]string{"usapi": "/usapi", "proofylink": "/proofylink", "prakerja": "/prakerja"}

// newProviders returns one unconfigured instance of every provider daftar
// ships, by provider name.
func newProviders() map[string]providers.Provider {
	return map[string]providers.Provider{
		"usapi":      usapi.New(),
		"proofylink": proofylink.New(),
		"prakerja":   prakerja.New(),
	}
}

// wiring configures providers for one run: it resolves endpoint = "sandbox"
// to the embedded sandbox (started once, on first need), stacks the HTTP
// transport layers, and hands the provider its digester.
type wiring struct {
	m          *Meta
	digester   *secrets.Digester
	transports *transports
	runID      string

	sandboxOnce sync.Once
	sandboxURL  string
	sandboxErr  error
}

func (m *Meta) newWiring() (*wiring, error) {
	key, err := secrets.LoadKeyFrom(filepath.Join(m.Dir, ".daftar", "digest.key"), m.Environ)
	if err != nil {
		return nil, err
	}
	runID := newRunID()
	w := &wiring{m: m, digester: secrets.NewDigester(key), runID: runID,
		transports: &transports{m: m, runID: runID, budget: httpx.NewBudget(maxRetriesPerRun)}}
	return w, nil
}

// configure is the planner's ConfigureFunc.
func (w *wiring) configure(ctx context.Context, name string, p providers.Provider, config cty.Value) providers.Diagnostics {
	endpoint := stringAttr(config, "endpoint")
	if endpoint == "sandbox" {
		url, err := w.sandbox()
		if err != nil {
			return providers.Diagnostics{}.Errorf(cty.GetAttrPath("endpoint"), "The embedded sandbox did not start",
				"daftar could not start the sandbox for endpoint = \"sandbox\": %s", err)
		}
		endpoint = url + sandboxMounts[name]
	}
	rate := defaultRateLimit
	if v := numberAttr(config, "rate_limit"); v != nil {
		rate = *v
	}
	if rate < 0 {
		return providers.Diagnostics{}.Errorf(cty.GetAttrPath("rate_limit"), "Invalid rate limit",
			"rate_limit is the number of requests per second to send to %s; give a positive number, or 0 for no limit.", name)
	}
	client, err := w.transports.client(name, rate)
	if err != nil {
		return providers.Diagnostics{{Severity: providers.Error, Summary: "Cannot open the audit log",
			Detail: fmt.Sprintf("daftar records every API request in %s before sending it, and could not open it: %s", auditPath, err)}}
	}
	return p.Configure(ctx, providers.ConfigureRequest{
		Config:     config,
		Endpoint:   endpoint,
		HTTPClient: client,
		BaseDir:    w.m.Dir,
		Digester:   w.digester,
		Evidence:   &evidenceStore{m: w.m, t: w.transports},
	})
}

// sandbox starts the embedded sandbox on a loopback port, its records kept
// under .daftar/sandbox/, and returns its base URL.
func (w *wiring) sandbox() (string, error) {
	w.sandboxOnce.Do(func() {
		srv, err := sandbox.New(sandbox.Options{DataDir: filepath.Join(w.m.Dir, ".daftar", "sandbox"),
			EchoRefuse: lookupEnv(w.m.Environ, sandboxEchoEnv)})
		if err != nil {
			w.sandboxErr = err
			return
		}
		url, err := srv.Start("127.0.0.1:0")
		if err != nil {
			srv.Close()
			w.sandboxErr = err
			return
		}
		w.sandboxURL = url
		w.m.defer_(func() { srv.Close() })
	})
	return w.sandboxURL, w.sandboxErr
}

func stringAttr(obj cty.Value, name string) string {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return ""
	}
	v, _ := obj.GetAttr(name).Unmark()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func numberAttr(obj cty.Value, name string) *int {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return nil
	}
	v, _ := obj.GetAttr(name).Unmark()
	var n int
	if v.IsNull() || !v.IsKnown() || gocty.FromCtyValue(v, &n) != nil {
		return nil
	}
	return &n
}

// newRunID returns a random identifier for one run, recorded in the audit
// log and in intents.
func newRunID() string {
	return "run-" + state.NewLineage()[:18]
}
