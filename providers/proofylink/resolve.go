package proofylink

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// clockSkew is how much earlier than the intent's Started a matching
// verification's created_at may be: the API's clock and ours differ.
const clockSkew = 2 * time.Minute

// ResolveResource looks for the verification an interrupted create may
// have made: the list searched by full name, every page, for an entry with
// the same name (case ignored), the same masked NIK, a type name that fits
// verification_type_id, created at or after Started less clockSkew.
func (p *Provider) ResolveResource(ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	if req.Type != verificationType {
		return providers.ResolveResponse{Resolution: providers.Undecided, NewState: nullState(), Diagnostics: unknownType(req.Type)}
	}
	if diags := append(p.needClient(), p.needDigester()...); diags != nil {
		return providers.ResolveResponse{Resolution: providers.Undecided, NewState: nullState(), Diagnostics: diags}
	}
	ctx = httpx.WithResource(ctx, req.Addr)
	cfg := unmarked(req.Config)
	items, err := p.client.list(ctx, stringAttr(cfg, "full_name"))
	if err != nil {
		return undecided(req.Addr, "the search for it failed", requestDiagnostics("Cannot resolve an interrupted create", err, ""))
	}
	matches := matching(items, cfg, req.Started.Add(-clockSkew))
	switch len(matches) {
	case 0:
		return providers.ResolveResponse{Resolution: providers.NotCreated, NewState: nullState(),
			Message: "no verification created by the interrupted apply was found; it will be created"}
	case 1:
		return p.adopt(ctx, req.Addr, cfg, matches[0])
	}
	return undecided(req.Addr, "several verifications match it ("+strings.Join(codes(matches), ", ")+")", nil)
}

// matching filters the list entries that the create may have made.
func matching(items []record, cfg cty.Value, since time.Time) []record {
	name, nik := stringAttr(cfg, "full_name"), stringAttr(cfg, "id_number")
	typeID, _ := intAttr(cfg, "verification_type_id")
	var out []record
	for _, it := range items {
		if equalFold(it.CustomerName.str(), name) && nikMatches(it.CustomerIDNumber.str(), nik) &&
			typeNameMatches(typeID, it.VerificationTypeName.str()) && createdSince(it.CreatedAt.str(), since) {
			out = append(out, it)
		}
	}
	return out
}

// createdSince reports a created_at at or after since; a time the client
// cannot read is kept as a possible match (the search then cannot decide
// rather than wrongly deciding).
func createdSince(createdAt string, since time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, createdAt)
	return err != nil || !t.Before(since)
}

// adopt takes the one match into the state, with its detail.
func (p *Provider) adopt(ctx context.Context, addr string, cfg cty.Value, it record) providers.ResolveResponse {
	code := it.ReferenceCode.str()
	d, err := p.client.detail(ctx, code)
	if err != nil {
		return undecided(addr, "reading the match "+code+" failed", requestDiagnostics("Cannot read verification "+code, err, ""))
	}
	m, diags := p.plannedInputs(cfg, nullState())
	m.setCreated(&created{ReferenceCode: it.ReferenceCode, Status: it.Status, CreatedAt: it.CreatedAt})
	m.setRecord(d.Verification)
	if diags.HasErrors() {
		return providers.ResolveResponse{Resolution: providers.Undecided, NewState: nullState(), Diagnostics: diags,
			Message: fmt.Sprintf("found reference_code %s but cannot record it: %s", code, diags[0].Detail)}
	}
	return providers.ResolveResponse{Resolution: providers.Adopted, NewState: m.value(), Diagnostics: diags,
		Message: fmt.Sprintf("adopted reference_code %s created by an interrupted apply", code)}
}

func undecided(addr, why string, diags providers.Diagnostics) providers.ResolveResponse {
	what := "the verification"
	if addr != "" {
		what = addr
	}
	msg := fmt.Sprintf("cannot tell whether the interrupted apply created %s: %s. Run daftar import %s REFERENCE_CODE "+
		"with the right reference_code, or apply with -replace=%s to create it again (spending a token)", what, why, what, what)
	return providers.ResolveResponse{Resolution: providers.Undecided, NewState: nullState(), Message: msg, Diagnostics: diags}
}

func codes(items []record) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ReferenceCode.str()
	}
	return out
}
