package proofylink

import (
	"context"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// ReadData reads proofylink_verifications (every page of the list) or
// proofylink_token_balance.
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	if diags := p.needClient(); diags != nil {
		return providers.ReadDataResponse{State: req.Config, Diagnostics: diags}
	}
	ctx = httpx.WithResource(ctx, req.Addr)
	cfg := marks.Unmarked(req.Config)
	switch req.Type {
	case listDataType:
		return p.readList(ctx, cfg)
	case balanceDataType:
		return p.readBalance(ctx)
	}
	return providers.ReadDataResponse{State: req.Config, Diagnostics: unknownType(req.Type)}
}

func (p *Provider) readList(ctx context.Context, cfg cty.Value) providers.ReadDataResponse {
	q := attr(cfg, "q")
	if q.Type() != cty.String {
		q = cty.NullVal(cty.String)
	}
	items, err := p.conf().client.list(ctx, stringValue(q))
	if err != nil {
		return providers.ReadDataResponse{State: cty.NullVal(verificationsDataBlock().ImpliedType()),
			Diagnostics: requestDiagnostics("Cannot list Proofylink verifications", err, "")}
	}
	return providers.ReadDataResponse{State: cty.ObjectVal(map[string]cty.Value{
		"q":             q,
		"verifications": listValue(items),
	})}
}

// listValue is the verifications attribute: one object per entry, the NIK
// masked as the API gives it (and masked again if it ever came in clear).
func listValue(items []record) cty.Value {
	if len(items) == 0 {
		return cty.ListValEmpty(listItemType)
	}
	vals := make([]cty.Value, len(items))
	for i, it := range items {
		vals[i] = cty.ObjectVal(map[string]cty.Value{
			"reference_code":         apiStr(it.ReferenceCode),
			"verification_type_name": apiStr(it.VerificationTypeName),
			"status":                 apiStr(it.Status),
			"customer_name":          apiStr(it.CustomerName),
			"customer_id_number":     maskedStr(it.CustomerIDNumber),
			"final_decision":         apiStr(it.FinalDecision),
			"created_at":             apiStr(it.CreatedAt),
			"updated_at":             apiStr(it.UpdatedAt),
			"credibility_score":      numVal(it.CredibilityScore.v),
			"credibility_level":      apiStr(it.CredibilityLevel),
		})
	}
	return cty.ListVal(vals)
}

// maskedStr is a NIK as the API shows it, masked when it is in clear.
func maskedStr(f flexString) cty.Value {
	if f.v == nil || isMasked(*f.v) {
		return apiStr(f)
	}
	return cty.StringVal(maskNIK(*f.v))
}

func (p *Provider) readBalance(ctx context.Context) providers.ReadDataResponse {
	n, err := p.conf().client.balance(ctx)
	if err != nil {
		return providers.ReadDataResponse{State: cty.NullVal(balanceDataBlock().ImpliedType()), Diagnostics: balanceDiagnostics(err)}
	}
	return providers.ReadDataResponse{State: cty.ObjectVal(map[string]cty.Value{"token": cty.NumberIntVal(n)})}
}
