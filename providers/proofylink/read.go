package proofylink

import (
	"context"
	"errors"
	"net/http"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// readVerification refreshes a verification from its detail. A verification
// that reached completed or failed never changes again and is answered from
// Prior without a request. A 404 is an error that keeps the prior state:
// verifications cannot be deleted, so it means the token belongs to another
// tenant or the endpoint is wrong, and forgetting a paid record would be
// worse than asking.
func (p *Provider) readVerification(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	prior := marks.Unmarked(req.Prior)
	code := stringAttr(prior, "reference_code")
	if prior.IsNull() || code == "" || p.Settled(req.Type, prior) {
		return providers.ReadResponse{NewState: req.Prior}
	}
	if diags := p.needClient(); diags != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: diags}
	}
	d, err := p.conf().client.detail(httpx.WithResource(ctx, req.Addr), code)
	if err != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: readDiagnostics(code, err)}
	}
	m := newStateMap(prior)
	m.setRecord(d.Verification)
	return providers.ReadResponse{NewState: m.valueOr(prior)}
}

// Settled implements providers.Settler: a verification with a final result
// is never read again.
func (p *Provider) Settled(typ string, state cty.Value) bool {
	v := marks.Unmarked(state)
	return typ == verificationType && !v.IsNull() && v.IsKnown() && finalStatus(stringAttr(v, "status"))
}

// readDiagnostics explains a failed read of a verification.
func readDiagnostics(code string, err error) providers.Diagnostics {
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return requestDiagnostics("Verification "+code+" not found", err,
			" Verifications cannot be deleted, so the token probably belongs to another tenant, or the endpoint is wrong. "+
				"The state keeps the verification; if it really is gone, remove it with daftar state rm.")
	}
	return requestDiagnostics("Cannot read verification "+code, err, "")
}

// nullState is the null verification value.
func nullState() cty.Value { return cty.NullVal(verification.ty) }

// Finished implements providers.Finisher: a verification whose refresh
// found it completed or failed, not final before.
func (p *Provider) Finished(typ string, prior, refreshed cty.Value) (string, string, bool) {
	before, after := marks.Unmarked(prior), marks.Unmarked(refreshed)
	if typ != verificationType || !known(after) || after.IsNull() {
		return "", "", false
	}
	status := stringAttr(after, "status")
	if !finalStatus(status) || (known(before) && !before.IsNull() && finalStatus(stringAttr(before, "status"))) {
		return "", "", false
	}
	return "verifications", status, true
}
