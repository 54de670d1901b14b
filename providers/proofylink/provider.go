package proofylink

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/internal/validate"
	"github.com/zclconf/go-cty/cty"
)

var (
	_ providers.Provider = (*Provider)(nil)
	_ providers.Spender  = (*Provider)(nil)

	_ providers.BaseDirSetter = (*Provider)(nil)
)

// DefaultPollInterval is how often wait_for_result reads a verification.
// The transport's rate limiter paces the reads further.
const DefaultPollInterval = time.Second

// DefaultWaitTimeout bounds how long wait_for_result waits for one
// verification when the provider block sets no wait_timeout.
const DefaultWaitTimeout = 10 * time.Minute

// Options tune a Provider beyond its configuration block.
type Options struct {
	// PollInterval is the pause between two reads of wait_for_result;
	// 0 means DefaultPollInterval.
	PollInterval time.Duration
}

// Provider is the Proofylink client. Its methods are safe for concurrent
// use after Configure: the configuration is published once, atomically
// (cfg), and never changed afterwards, as in every daftar provider.
type Provider struct {
	// Dispatch serves the resource methods from the table of types
	// (types.go).
	providers.Dispatch[*Provider]
	opts Options
	// resources is the table of resource types (types.go).
	resources map[string]*resourceType
	cfg       atomic.Pointer[settings]
	// planDir is the configuration directory told before Configure, with
	// the file stamps Configure takes over (inputs.go).
	planDir validate.PlanDir
	// lastStamp is, for each of fileInputs, the last file stamp
	// planInputs appended (inputs.go).
	lastStamp [len(fileInputs)]atomic.Pointer[fileStamp]
	// lastInputs is planInputs's last answer (inputs.go).
	lastInputs atomic.Pointer[lastInputs]
}

// settings are what Configure prepared.
type settings struct {
	// waitTimeout bounds wait_for_result (wait_timeout).
	waitTimeout time.Duration
	client      *client
	baseDir     string
	digester    providers.Digester
	// duplicateCheck is the provider block's duplicate_check (default
	// true); guard is the plan's look for existing verifications.
	duplicateCheck bool
	guard          *guard
	// evidence archives reports (archive_reports) under evidenceDir.
	evidence    providers.EvidenceStore
	evidenceDir string
	// digests caches the files' content digests (files.go).
	digests fileDigests
	// sent keeps the last file each file attribute's create sent (sent.go).
	sent sentFiles
	// stamps caches what PlanInputs read of each file (inputs.go),
	// shared with what it read before Configure (planDir).
	stamps *validate.FileStamps
}

// unconfigured is the configuration before Configure: no client, no
// digester (needClient and needDigester report it).
var unconfigured = &settings{}

// conf is the configuration Configure published, or unconfigured.
func (p *Provider) conf() *settings {
	if c := p.cfg.Load(); c != nil {
		return c
	}
	return unconfigured
}

// New returns an unconfigured Provider with the default options.
func New() *Provider { return NewWithOptions(Options{}) }

// NewWithOptions returns an unconfigured Provider.
func NewWithOptions(opts Options) *Provider {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	p := &Provider{opts: opts, resources: resourceTypes()}
	p.Dispatch = providers.Dispatch[*Provider]{Self: p, Find: p.methods}
	return p
}

// Configure reads the provider block. It makes no request.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	var diags providers.Diagnostics
	token := stringAttr(req.Config, "token")
	if token == "" {
		diags = diags.Errorf(cty.GetAttrPath("token"), "Missing Proofylink token",
			"The provider needs the Proofylink integration token (sent as Authorization: Bearer). "+
				`For the embedded sandbox it is "sandbox-proofylink-token".`)
	}
	endpoint := strings.TrimRight(req.Endpoint, "/")
	if endpoint == "" {
		endpoint = strings.TrimRight(stringAttr(req.Config, "endpoint"), "/")
	}
	if endpoint == "" || endpoint == "sandbox" {
		diags = diags.Errorf(cty.GetAttrPath("endpoint"), "Missing Proofylink endpoint",
			"Set endpoint to the base URL before /api/v1/external/... (such as https://proofylink.example.id), or to \"sandbox\".")
	}
	// Never follow a redirect: it would send the token, NIKs and KTP
	// images to wherever the answer points, or read a record from there.
	httpClient := httpx.WithoutRedirects(req.HTTPClient)
	wait, more := waitTimeout(req.Config)
	diags = append(diags, more...)
	p.cfg.Store(&settings{
		waitTimeout:    wait,
		client:         &client{base: endpoint, token: token, http: httpClient},
		baseDir:        req.BaseDir,
		digester:       req.Digester,
		duplicateCheck: !isFalse(attr(req.Config, "duplicate_check")),
		guard:          newGuard(),
		evidence:       req.Evidence,
		evidenceDir:    evidenceDir(req.Config, req.BaseDir),
		stamps:         p.planDir.Stamps(req.BaseDir),
	})
	return diags
}

// waitTimeout reads wait_timeout: a Go duration ("10m", "1h30m"), at
// least one second; DefaultWaitTimeout when unset.
func waitTimeout(cfg cty.Value) (time.Duration, providers.Diagnostics) {
	raw := strings.TrimSpace(stringAttr(cfg, "wait_timeout"))
	if raw == "" {
		return DefaultWaitTimeout, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < time.Second {
		return DefaultWaitTimeout, providers.Diagnostics{}.Errorf(cty.GetAttrPath("wait_timeout"), "Invalid wait_timeout",
			"wait_timeout is how long apply waits for a verification with wait_for_result to be completed or failed: a duration "+
				"such as \"10m\" or \"1h30m\", at least \"1s\"; %q is not one.", raw)
	}
	return d, nil
}

// isFalse reports a known false bool (null is not false: the default).
func isFalse(v cty.Value) bool {
	return known(v) && v.Type() == cty.Bool && v.False()
}

// needDigester reports, as a diagnostic, a plan made before Configure.
func (p *Provider) needDigester() providers.Diagnostics {
	if p.conf().digester != nil {
		return nil
	}
	return notConfigured()
}

// needClient reports, as a diagnostic, a request made before Configure.
func (p *Provider) needClient() providers.Diagnostics {
	if p.conf().client != nil {
		return nil
	}
	return notConfigured()
}

func notConfigured() providers.Diagnostics {
	return providers.Diagnostics{}.Errorf(nil, "Proofylink provider not configured",
		"The engine used the Proofylink provider before configuring it (or configured it without a Digester). This is a bug in daftar.")
}
