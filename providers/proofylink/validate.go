package proofylink

import (
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// ValidateResource checks one configuration with the documents' rules,
// making no request. Unknown values are skipped.
func (p *Provider) ValidateResource(req providers.ValidateRequest) providers.Diagnostics {
	cfg := marks.Unmarked(req.Config)
	switch req.Type {
	case listDataType, balanceDataType:
		return nil
	}
	rt, diags := p.resource(req.Type)
	if diags != nil || !cfg.IsKnown() || cfg.IsNull() {
		return diags
	}
	return rt.validate(p, cfg)
}

func unknownType(typ string) providers.Diagnostics {
	return providers.Diagnostics{}.Errorf(nil, "Unknown Proofylink type",
		"The Proofylink provider serves the resource proofylink_verification and the data sources "+
			"proofylink_verifications and proofylink_token_balance, not %q.", typ)
}

func (p *Provider) validateVerification(cfg cty.Value) providers.Diagnostics {
	var diags providers.Diagnostics
	diags = append(diags, validateNIK(cfg)...)
	diags = append(diags, validateContact(cfg)...)
	diags = append(diags, validateConsent(cfg)...)
	diags = append(diags, validateType(cfg)...)
	diags = append(diags, validateMetadata(cfg)...)
	diags = append(diags, p.validateFiles(cfg)...)
	return diags
}

// path is the attribute path of a top-level attribute.
func path(name string) cty.Path { return cty.GetAttrPath(name) }

// check returns the known string attribute name of cfg and whether it is
// known and not null.
func check(cfg cty.Value, name string) (string, bool) {
	v := attr(cfg, name)
	if !known(v) || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}
