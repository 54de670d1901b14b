package proofylink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// DefaultEvidenceDir is where archived reports go when the provider block
// sets no evidence_dir, relative to the configuration directory: beside
// daftar's other private files, so that it is not committed or published
// by mistake with the configuration.
const DefaultEvidenceDir = ".daftar/evidence"

// evidenceEntryType is one archived document in the state.
var evidenceEntryType = cty.Object(map[string]cty.Type{
	"file":        cty.String,
	"sha256":      cty.String,
	"size":        cty.Number,
	"archived_at": cty.String,
})

// evidenceType is the state's evidence attribute: by kind.
var evidenceType = cty.Map(evidenceEntryType)

// Evidence kinds, the keys of the evidence attribute.
const (
	kindAnalysis   = "analysis"
	kindCredit     = "credit_report"
	kindProofylink = "proofylink_report"
)

// reportKinds maps the kinds of report to the endpoint's name for them.
var reportKinds = []struct{ kind, endpoint string }{
	{kindCredit, "credit"},
	{kindProofylink, "proofylink"},
}

// evidenceKinds are the kinds archive_reports keeps, in order.
var evidenceKinds = []string{kindAnalysis, kindCredit, kindProofylink}

// wantsEvidence reports a verification whose evidence is still to be
// archived: archive_reports is set, it is final, and a kind is missing.
func wantsEvidence(m stateMap) bool {
	if !boolValue(m["archive_reports"]) || !finalStatus(stringValue(m["status"])) {
		return false
	}
	ev := m["evidence"]
	if !known(ev) || ev.IsNull() {
		return true
	}
	for _, k := range evidenceKinds {
		if !ev.HasIndex(cty.StringVal(k)).True() {
			return true
		}
	}
	return false
}

func boolValue(v cty.Value) bool {
	return known(v) && !v.IsNull() && v.Type() == cty.Bool && v.True()
}

// archive keeps the verification's evidence: its detail's analysis and its
// two reports, each polled until ready (at PollInterval, within the
// provider's wait_timeout) and downloaded. What it archived is recorded in
// m even when a later step fails; a failure is a warning, and the next plan
// offers the archive again.
func (p *Provider) archive(ctx context.Context, addr string, m stateMap) providers.Diagnostics {
	if p.conf().evidence == nil {
		return providers.Diagnostics{}.Errorf(path("archive_reports"), "Evidence cannot be archived",
			"This daftar command offers no evidence archive to the Proofylink provider. This is a bug in daftar.")
	}
	code := stringValue(m["reference_code"])
	have := evidenceMap(m["evidence"])
	defer func() { m["evidence"] = evidenceValue(have) }()
	timeout := p.conf().waitTimeout
	if timeout <= 0 {
		timeout = DefaultWaitTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errWaitTimeout)
	defer cancel()
	if _, ok := have[kindAnalysis]; !ok {
		d, err := p.conf().client.detail(ctx, code)
		if err != nil {
			return p.archiveWarning(code, kindAnalysis, err)
		}
		m.setRecord(d.Verification)
		body := d.Analysis
		if len(body) == 0 {
			body = json.RawMessage("null")
		}
		if err := p.keep(ctx, addr, code, kindAnalysis, "analysis.json", body, have); err != nil {
			return p.archiveWarning(code, kindAnalysis, err)
		}
	}
	for _, r := range reportKinds {
		if _, ok := have[r.kind]; ok {
			continue
		}
		data, err := p.fetchReport(ctx, code, r.endpoint)
		if err == nil {
			err = p.keep(ctx, addr, code, r.kind, r.endpoint+".pdf", data, have)
		}
		if err != nil {
			return p.archiveWarning(code, r.kind, err)
		}
	}
	return nil
}

// keep stores one document and records it in have.
func (p *Provider) keep(ctx context.Context, addr, code, kind, suffix string, data []byte, have map[string]cty.Value) error {
	f, err := p.conf().evidence.Store(ctx, providers.EvidenceRequest{
		Dir: p.conf().evidenceDir, Name: safeFileName(code) + "." + suffix,
		Resource: addr, Provider: "proofylink", Kind: kind, Data: data,
	})
	if err != nil {
		return err
	}
	have[kind] = cty.ObjectVal(map[string]cty.Value{
		"file":        cty.StringVal(f.Path),
		"sha256":      cty.StringVal(f.SHA256),
		"size":        cty.NumberVal(new(big.Float).SetInt64(f.Size)),
		"archived_at": cty.StringVal(f.Time.UTC().Format(time.RFC3339)),
	})
	return nil
}

func (p *Provider) archiveWarning(code, kind string, err error) providers.Diagnostics {
	why := redact(err.Error())
	if errors.Is(err, errWaitTimeout) {
		why = fmt.Sprintf("it was not ready within %s, the provider's wait_timeout", p.conf().waitTimeout)
	} else if errors.Is(err, errWaitStopped) {
		why = "the apply was interrupted"
	}
	return providers.Diagnostics{}.Warnf(path("archive_reports"), "Evidence not archived yet",
		"The %s of verification %s was not archived: %s. The state records what was archived; the next plan offers to archive the rest.",
		strings.ReplaceAll(kind, "_", " "), code, why)
}

// fetchReport asks for a report until it is ready, then downloads it.
func (p *Provider) fetchReport(ctx context.Context, code, endpoint string) ([]byte, error) {
	for {
		link, err := p.conf().client.report(ctx, code, endpoint)
		if err != nil {
			if stopped(ctx) {
				return nil, errWaitStopped
			}
			return nil, errors.Join(context.Cause(ctx), err)
		}
		if link != "" {
			return p.conf().client.download(ctx, link)
		}
		if err := sleep(ctx, p.opts.PollInterval); err != nil {
			return nil, err
		}
	}
}

func reportPath(code, endpoint string) string {
	return detailPath(code) + "/reports/" + endpoint
}

// reportData is a report endpoint's data: "processing", or "ready" with
// the download URL (url or download_url).
type reportData struct {
	Status      flexString `json:"status"`
	URL         flexString `json:"url"`
	DownloadURL flexString `json:"download_url"`
}

// report asks for one report: the download URL when ready, "" while it is
// processing.
func (c *client) report(ctx context.Context, code, endpoint string) (string, error) {
	p := reportPath(code, endpoint)
	env, err := c.get(ctx, p, nil)
	if err != nil {
		return "", err
	}
	var d reportData
	if err := decodeJSON(env.Data, &d); err != nil {
		return "", &decodeError{Method: http.MethodGet, Path: p, StatusCode: env.code, Err: err}
	}
	link := d.URL.str()
	if link == "" {
		link = d.DownloadURL.str()
	}
	switch status := strings.ToLower(d.Status.str()); {
	case status == "ready" && link != "":
		return link, nil
	case status == "processing" || status == "pending" || status == "queued":
		return "", nil
	default:
		return "", &decodeError{Method: http.MethodGet, Path: p, StatusCode: env.code,
			Err: fmt.Errorf("data.status is %q (with no download URL), neither \"processing\" nor \"ready\" with a url", d.Status.str())}
	}
}

// download reads a report from its download URL. The URL is pre-signed:
// the token is sent only when it points at the API's own host.
func (c *client) download(ctx context.Context, link string) ([]byte, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("the report's download URL is not an http(s) URL")
	}
	shown := u.Path // never the query: it holds the URL's signature
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("building GET %s: %w", shown, err)
	}
	if base, err := url.Parse(c.base); err == nil && base.Host == u.Host && base.Scheme == u.Scheme {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &transportError{Method: http.MethodGet, Path: shown, Err: err, Sent: !neverSent(err)}
	}
	defer resp.Body.Close()
	if re := httpx.Redirected(resp); re != nil {
		re.Path = shown
		return nil, re
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &transportError{Method: http.MethodGet, Path: shown, Status: resp.StatusCode,
			Err: &brokenBody{status: resp.StatusCode, err: err}, Sent: true}
	}
	if len(data) > maxBody {
		return nil, tooLarge(http.MethodGet, shown, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s (the report's download URL) answered %d", shown, resp.StatusCode)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("GET %s (the report's download URL) answered an empty body", shown)
	}
	return data, nil
}

// safeFileName keeps letters, digits, dots, dashes and underscores.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// evidenceMap reads the evidence attribute (empty when null or unknown).
func evidenceMap(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if !known(v) || v.IsNull() || !v.Type().IsMapType() {
		return out
	}
	for k, e := range v.AsValueMap() {
		out[k] = e
	}
	return out
}

// evidenceValue is the evidence attribute of have: null when empty.
func evidenceValue(have map[string]cty.Value) cty.Value {
	if len(have) == 0 {
		return cty.NullVal(evidenceType)
	}
	return cty.MapVal(have)
}

// evidenceDir resolves evidence_dir against the configuration directory.
func evidenceDir(cfg cty.Value, baseDir string) string {
	dir := strings.TrimSpace(stringAttr(cfg, "evidence_dir"))
	if dir == "" {
		dir = DefaultEvidenceDir
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(baseDir, dir)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir
}
