package proofylink

import (
	"context"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// importVerification adopts a verification by its reference_code. With a
// configuration, the inputs come from it and the verification's NIK must
// be the configuration's (their digests are compared); without one, the
// inputs are what the detail shows.
func (p *Provider) importVerification(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	if diags := append(p.needClient(), p.needDigester()...); diags != nil {
		return providers.ImportResponse{NewState: nullState(), Diagnostics: diags}
	}
	code := strings.TrimSpace(req.ID)
	d, err := p.conf().client.detail(httpx.WithResource(ctx, req.Addr), code)
	if err != nil {
		return providers.ImportResponse{NewState: nullState(), Diagnostics: readDiagnostics(code, err)}
	}
	cfg := marks.Unmarked(req.Config)
	if !known(cfg) || !cfg.IsWhollyKnown() {
		return providers.ImportResponse{NewState: p.importedWithoutConfig(d), Diagnostics: noConfigWarning(code)}
	}
	return p.importWithConfig(cfg, d)
}

func (p *Provider) importWithConfig(cfg cty.Value, d *detail) providers.ImportResponse {
	code := d.Verification.ReferenceCode.str()
	if diags := p.sameSubject(cfg, d); diags.HasErrors() {
		return providers.ImportResponse{NewState: nullState(), Diagnostics: diags}
	}
	m, diags := p.plannedInputs(cfg, nullState())
	if diags.HasErrors() {
		return providers.ImportResponse{NewState: nullState(), Diagnostics: diags}
	}
	m.setCreated(&created{ReferenceCode: d.Verification.ReferenceCode, CreatedAt: d.Verification.CreatedAt})
	m.setRecord(d.Verification)
	diags = append(diags, importWarnings(cfg, d, code)...)
	return providers.ImportResponse{NewState: m.value(), Diagnostics: diags}
}

// sameSubject checks that the verification screens the configuration's
// NIK: by digest when the detail shows the NIK in clear, by masked form
// otherwise.
func (p *Provider) sameSubject(cfg cty.Value, d *detail) providers.Diagnostics {
	nik, shown := stringAttr(cfg, "id_number"), d.Customer.IDNumber.str()
	same := nikMatches(shown, nik)
	if !isMasked(shown) && shown != "" {
		same = p.digest("id_number", []byte(shown)) == p.digest("id_number", []byte(nik))
	}
	if same || shown == "" {
		return nil
	}
	return providers.Diagnostics{}.Errorf(path("id_number"), "Verification of another NIK",
		"Verification %s screens the NIK %s, not the configured %s. Import the reference_code of this subject's verification.",
		d.Verification.ReferenceCode.str(), maskNIK(shown), maskNIK(nik))
}

// importWarnings notes a name or type that differs from the configuration.
func importWarnings(cfg cty.Value, d *detail, code string) providers.Diagnostics {
	var diags providers.Diagnostics
	if name := d.Customer.Name.str(); name != "" && !equalFold(name, stringAttr(cfg, "full_name")) {
		diags = diags.Warnf(path("full_name"), "Imported name differs",
			"Verification %s is for %q, the configuration says %q. The state keeps the configuration's name.", code, name, stringAttr(cfg, "full_name"))
	}
	typeID, _ := intAttr(cfg, "verification_type_id")
	if tn := d.Verification.VerificationTypeName.str(); tn != "" && !typeNameMatches(typeID, tn) {
		diags = diags.Warnf(path("verification_type_id"), "Imported type differs",
			"Verification %s is of type %q, which is not verification_type_id %d.", code, tn, typeID)
	}
	return diags
}

// importedWithoutConfig describes a verification from its detail alone.
func (p *Provider) importedWithoutConfig(d *detail) cty.Value {
	m := newStateMap(nullState())
	m.setCreated(&created{ReferenceCode: d.Verification.ReferenceCode, CreatedAt: d.Verification.CreatedAt})
	m.setRecord(d.Verification)
	m["full_name"] = apiStr(d.Customer.Name)
	m["phone_number"] = apiStr(d.Customer.Phone)
	if nik := d.Customer.IDNumber.str(); nik != "" {
		m["id_number"] = cty.StringVal(maskNIK(nik))
		if !isMasked(nik) {
			m["id_number_digest"] = cty.StringVal(p.digest("id_number", []byte(nik)))
		}
	}
	if id, ok := typeIDOf(d.Verification.VerificationTypeName.str()); ok {
		m["verification_type_id"] = cty.NumberIntVal(id)
	}
	return m.value()
}

func noConfigWarning(code string) providers.Diagnostics {
	return providers.Diagnostics{}.Warnf(nil, "Imported without a configuration",
		"Verification %s was imported from what the API shows. Declare it with the same inputs, or the next plan replaces it "+
			"(spending a token).", code)
}

// typeIDOf is the verification_type_id of a type name.
func typeIDOf(name string) (int64, bool) {
	for id := range int64(4) {
		if typeNameMatches(id+1, name) {
			return id + 1, true
		}
	}
	return 0, false
}
