package proofylink

import (
	"context"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// applyVerification creates a verification (a create or a replace), or
// records a change of wait_for_result (an update, no request).
func (p *Provider) applyVerification(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if req.Operation == providers.Update {
		return p.update(httpx.WithResource(ctx, req.Addr), req.Addr, marks.Unmarked(req.Prior), marks.Unmarked(req.Planned))
	}
	if diags := append(p.needClient(), p.needDigester()...); diags != nil {
		return providers.ApplyResponse{NewState: cty.NullVal(verification.ty), Diagnostics: diags}
	}
	return p.create(httpx.WithResource(ctx, req.Addr), req.Addr, marks.Unmarked(req.Config), marks.Unmarked(req.Planned))
}

// create reads the files, posts the verification once, and, when asked,
// waits for its result.
func (p *Provider) create(ctx context.Context, addr string, cfg, planned cty.Value) providers.ApplyResponse {
	null := cty.NullVal(verification.ty)
	f, diags := p.readFiles(cfg)
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: null, Diagnostics: diags}
	}
	consent := stringAttr(cfg, "consent")
	cr, err := p.conf().client.create(ctx, consent, newCreateBody(cfg, f))
	if err != nil {
		return providers.ApplyResponse{NewState: null, Uncertain: outcomeUncertain(err), Acknowledged: createdUnread(err),
			Diagnostics: createDiagnostics(err)}
	}
	m := p.createdState(cfg, f)
	m.setCreated(cr)
	diags = append(diags, digestDrift(m, planned)...)
	if boolAttr(cfg, "wait_for_result") {
		diags = append(diags, p.wait(ctx, m)...)
	}
	if wantsEvidence(m) {
		diags = append(diags, p.archive(ctx, addr, m)...)
	}
	return providers.ApplyResponse{NewState: m.value(), Diagnostics: diags}
}

// readFiles reads the KTP image and, for upload consent, the form.
func (p *Provider) readFiles(cfg cty.Value) (files, providers.Diagnostics) {
	var f files
	var diags providers.Diagnostics
	var err error
	if f.ktp, err = p.sendable(cfg, 0); err != nil {
		diags = diags.Errorf(path("ktp_image"), "Unusable ktp_image", "ktp_image: %s. Nothing was sent.", err)
	}
	if f.form, err = p.sendable(cfg, 1); err != nil {
		diags = diags.Errorf(path("form_consent"), "Unusable form_consent", "form_consent: %s. Nothing was sent.", err)
	}
	return f, diags
}

// createdState is the state's inputs as sent: the configuration with the
// NIK masked and the digests of what was sent.
func (p *Provider) createdState(cfg cty.Value, f files) stateMap {
	m := p.inputState(cfg, cty.NullVal(verification.ty))
	ktp := p.digest("ktp_image", nil) // a null ktp_image: nothing sent
	if f.ktp != nil {
		ktp = f.ktp.digest
	}
	m["ktp_image_sha256"] = cty.StringVal(ktp)
	if f.form != nil {
		m["form_consent_sha256"] = cty.StringVal(f.form.digest)
	}
	return m
}

// digestDrift warns when a file changed between plan and apply: the state
// keeps the digest of what was sent.
func digestDrift(m stateMap, planned cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	for _, f := range fileInputs {
		want := attr(planned, f.digestName)
		if known(want) && !sameValue(want, m[f.digestName]) {
			diags = diags.Warnf(path(f.name), "File changed since the plan",
				"%s changed between plan and apply; the verification was created with the file as it was at apply time, and the state records that content.", f.name)
		}
	}
	return diags
}

// update records a change of wait_for_result or archive_reports (no
// request), and archives the evidence the plan left unknown.
func (p *Provider) update(ctx context.Context, addr string, prior, planned cty.Value) providers.ApplyResponse {
	m := newStateMap(planned)
	if known(m["evidence"]) {
		return providers.ApplyResponse{NewState: planned}
	}
	m["evidence"] = attr(prior, "evidence")
	if !known(m["evidence"]) {
		m["evidence"] = cty.NullVal(evidenceType)
	}
	if diags := p.needClient(); diags != nil {
		return providers.ApplyResponse{NewState: m.value(), Diagnostics: diags}
	}
	var diags providers.Diagnostics
	if wantsEvidence(m) {
		diags = p.archive(ctx, addr, m)
	}
	return providers.ApplyResponse{NewState: m.value(), Diagnostics: diags}
}
