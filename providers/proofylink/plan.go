package proofylink

import (
	"context"

	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// planVerification proposes a verification's state. A new verification, or
// any input change but wait_for_result, is a create that spends one token;
// a change of wait_for_result alone is made in place without a request.
//
// Before a create (not a replace) it looks for a verification the API
// already holds for the same person and type (see guard); when there is
// one, the response names it in Existing and spends nothing.
func (p *Provider) planVerification(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	cfg, prior := marks.Unmarked(req.Config), marks.Unmarked(req.Prior)
	if cfg.IsNull() {
		return providers.PlanResponse{Planned: cty.NullVal(verification.ty)}
	}
	if diags := p.needDigester(); diags != nil {
		return providers.PlanResponse{Planned: cty.UnknownVal(verification.ty), Diagnostics: diags}
	}
	planned, diags := p.plannedInputs(cfg, prior)
	if prior.IsNull() {
		planned.unknownRemote()
		resp := providers.PlanResponse{Planned: planned.value(), Spends: 1, Diagnostics: diags}
		if !diags.HasErrors() && p.guardsCreate(req, cfg) {
			var more providers.Diagnostics
			resp.Existing, more = p.existing(ctx, req.Addr, cfg)
			resp.Diagnostics = append(resp.Diagnostics, more...)
			if resp.Existing != nil {
				resp.Spends = 0
			}
		}
		return resp
	}
	replace := replacePaths(planned, prior)
	if len(replace) > 0 {
		planned.unknownRemote()
		return providers.PlanResponse{Planned: planned.value(), RequiresReplace: replace, Spends: 1, Diagnostics: diags}
	}
	planned.copyRemote(prior)
	if wantsEvidence(planned) {
		planned["evidence"] = cty.UnknownVal(evidenceType)
	}
	return providers.PlanResponse{Planned: planned.valueOr(prior), Diagnostics: diags}
}

// plannedInputs sets the inputs from the configuration (the NIK masked) and
// the digests of the NIK and of the files' contents.
func (p *Provider) plannedInputs(cfg, prior cty.Value) (stateMap, providers.Diagnostics) {
	m := p.inputState(cfg, prior)
	var diags providers.Diagnostics
	for _, f := range fileInputs {
		var d providers.Diagnostics
		m[f.digestName], d = p.fileDigest(cfg, f)
		diags = append(diags, d...)
	}
	return m, diags
}

// inputState sets the inputs from the configuration, the NIK masked and
// digested; the files' digests are left null.
func (p *Provider) inputState(cfg, prior cty.Value) stateMap {
	m := newStateMap(cty.NullVal(verification.ty))
	for _, name := range verification.inputs {
		m[name] = attr(cfg, name)
		if m[name].Type() == cty.DynamicPseudoType {
			m[name] = cty.NullVal(verification.ty.AttributeType(name))
		}
	}
	m["id_number"], m["id_number_digest"] = p.plannedNIK(attr(cfg, "id_number"), prior)
	return m
}

// plannedNIK is the masked NIK and its digest. A configuration holding the
// prior masked value (ignore_changes puts it there) keeps the prior digest.
func (p *Provider) plannedNIK(nik, prior cty.Value) (masked, digest cty.Value) {
	if !nik.IsKnown() {
		return cty.UnknownVal(cty.String), cty.UnknownVal(cty.String)
	}
	if nik.IsNull() {
		return cty.NullVal(cty.String), cty.NullVal(cty.String)
	}
	s := nik.AsString()
	if known(prior) && isMasked(s) && sameValue(nik, prior.GetAttr("id_number")) {
		return prior.GetAttr("id_number"), prior.GetAttr("id_number_digest")
	}
	return cty.StringVal(maskNIK(s)), cty.StringVal(p.digest("id_number", []byte(s)))
}

// replacePaths lists the attributes the schema marks RequiresReplace
// (inputs and digests) that differ from prior; a changed NIK digest names
// id_number too. The other inputs (wait_for_result, allow_repeat,
// archive_reports) never replace.
func replacePaths(planned stateMap, prior cty.Value) []cty.Path {
	var paths []cty.Path
	for _, name := range verification.replace {
		if sameValue(planned[name], prior.GetAttr(name)) {
			continue
		}
		if name == "id_number_digest" && sameValue(planned["id_number"], prior.GetAttr("id_number")) {
			paths = append(paths, path("id_number"))
		}
		paths = append(paths, path(name))
	}
	return paths
}
