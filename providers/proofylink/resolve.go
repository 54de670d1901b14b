package proofylink

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/providers"
	"github.com/zclconf/go-cty/cty"
)

// clockSkew is how much earlier than the intent's Started a matching
// verification's created_at may be: the API's clock and ours differ.
const clockSkew = 2 * time.Minute

// ResolveResource looks for the verification an interrupted create may
// have made. The list, searched by full name (every page), gives the
// candidates: the same name (case ignored), the same masked NIK, a type
// name that fits verification_type_id, created at or after Started less
// clockSkew. A candidate is never the verification being replaced, nor one
// another address holds. Each remaining candidate is confirmed on its
// detail, which shows the full NIK and the phone number: both must be the
// configuration's. One confirmed candidate is adopted; none, and nothing
// that could not be checked, means nothing was created; anything else
// (several confirmed, a created_at or a detail that cannot be read) is
// undecided, never a guess.
func (p *Provider) resolveVerification(ctx context.Context, req providers.ResolveRequest) providers.ResolveResponse {
	if diags := append(p.needClient(), p.needDigester()...); diags != nil {
		return providers.ResolveResponse{Resolution: providers.Undecided, NewState: nullState(), Diagnostics: diags}
	}
	ctx = httpx.WithResource(ctx, req.Addr)
	cfg := marks.Unmarked(req.Config)
	items, err := p.conf().client.list(ctx, stringAttr(cfg, "full_name"))
	if err != nil {
		return undecided(req.Addr, "the search for it failed", requestDiagnostics("Cannot resolve an interrupted create", err, ""))
	}
	s := &search{cfg: cfg, since: req.Started.Add(-clockSkew), replacing: replacedCode(req.Replacing), heldBy: req.HeldBy}
	for _, it := range items {
		s.consider(it)
	}
	s.confirm(ctx, p.conf().client)
	return p.decide(req.Addr, s)
}

// decide turns a search's findings into a resolution.
func (p *Provider) decide(addr string, s *search) providers.ResolveResponse {
	switch {
	case len(s.unsure) > 0:
		return undecided(addr, strings.Join(append(s.unsure, s.confirmedWhy()...), "; "), s.diags)
	case len(s.confirmed) == 1:
		return p.adopt(addr, s.cfg, s.confirmed[0])
	case len(s.confirmed) > 1:
		return undecided(addr, "several verifications match it ("+strings.Join(s.confirmedCodes(), ", ")+")", s.diags)
	}
	msg := "no verification created by the interrupted apply was found; it will be created"
	if len(s.excluded) > 0 {
		msg = "no verification created by the interrupted apply was found (" + strings.Join(s.excluded, "; ") + "); it will be created"
	}
	return providers.ResolveResponse{Resolution: providers.NotCreated, NewState: nullState(), Message: msg}
}

// search gathers what the list and the details say about the candidates.
type search struct {
	cfg       cty.Value
	since     time.Time
	replacing string
	heldBy    func(string) string

	// candidates passed the list's checks; confirm reads their details.
	candidates []record
	// confirmed are the candidates whose detail is the configuration's
	// subject, with that detail.
	confirmed []confirmed
	// unsure says, for each entry that may be the record but cannot be
	// confirmed, why.
	unsure []string
	// excluded says why entries that look like the record are not it
	// (the record replaced, another address's record).
	excluded []string
	diags    providers.Diagnostics
}

type confirmed struct {
	item   record
	detail *detail
}

// consider sorts one list entry.
func (s *search) consider(it record) {
	name, nik := stringAttr(s.cfg, "full_name"), stringAttr(s.cfg, "id_number")
	typeID, _ := intAttr(s.cfg, "verification_type_id")
	if !equalFold(it.CustomerName.str(), name) || !nikMatches(it.CustomerIDNumber.str(), nik) ||
		!typeNameMatches(typeID, it.VerificationTypeName.str()) {
		return // another subject, or another type
	}
	code := it.ReferenceCode.str()
	switch {
	case code == "":
		s.unsure = append(s.unsure, "a list entry that matches it has no reference_code")
		return
	case code == s.replacing:
		s.excluded = append(s.excluded, code+" is the verification being replaced")
		return
	}
	if holder := s.held(code); holder != "" {
		s.excluded = append(s.excluded, code+" belongs to "+holder)
		return
	}
	created, err := time.Parse(time.RFC3339Nano, it.CreatedAt.str())
	switch {
	case err != nil:
		s.unsure = append(s.unsure, fmt.Sprintf("%s matches it, but its created_at %q cannot be read, so whether it was created after the intent cannot be confirmed", code, it.CreatedAt.str()))
	case !created.Before(s.since):
		s.candidates = append(s.candidates, it)
	}
}

func (s *search) held(code string) string {
	if s.heldBy == nil {
		return ""
	}
	return s.heldBy(code)
}

// confirm reads the detail of each candidate and keeps those that screen
// the configuration's NIK with its phone number.
func (s *search) confirm(ctx context.Context, c *client) {
	nik, phone := stringAttr(s.cfg, "id_number"), stringAttr(s.cfg, "phone_number")
	for _, it := range s.candidates {
		code := it.ReferenceCode.str()
		d, err := c.detail(ctx, code)
		if err != nil {
			s.unsure = append(s.unsure, "reading the candidate "+code+" failed")
			s.diags = append(s.diags, requestDiagnostics("Cannot read verification "+code, err, "")...)
			continue
		}
		shownNIK, shownPhone := d.Customer.IDNumber.str(), d.Customer.Phone.str()
		switch {
		case shownNIK == "" || isMasked(shownNIK) || shownPhone == "":
			s.unsure = append(s.unsure, code+" matches it, but its detail does not show the full NIK and phone number to confirm it")
		case shownNIK != nik || !samePhone(shownPhone, phone):
			s.excluded = append(s.excluded, code+" is another person with the same name and masked NIK")
		default:
			s.confirmed = append(s.confirmed, confirmed{it, d})
		}
	}
}

func (s *search) confirmedCodes() []string {
	out := make([]string, len(s.confirmed))
	for i, c := range s.confirmed {
		out[i] = c.item.ReferenceCode.str()
	}
	return out
}

// confirmedWhy names the confirmed candidates, for an undecided message.
func (s *search) confirmedWhy() []string {
	var out []string
	for _, code := range s.confirmedCodes() {
		out = append(out, code+" matches it")
	}
	return out
}

// samePhone compares a phone number as the detail shows it (without 62,
// as the document's example) with the configuration's (with 62).
func samePhone(shown, configured string) bool {
	return nationalNumber(shown) != "" && nationalNumber(shown) == nationalNumber(configured)
}

// nationalNumber is a phone number's digits without the country code 62
// or the trunk prefix 0.
func nationalNumber(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if rest, ok := strings.CutPrefix(d, "62"); ok {
		return rest
	}
	return strings.TrimPrefix(d, "0")
}

// replacedCode is the reference_code of the verification a replace
// replaces, "" for a plain create.
func replacedCode(v cty.Value) string {
	if v == cty.NilVal {
		return ""
	}
	return stringAttr(marks.Unmarked(v), "reference_code")
}

// adopt takes the one confirmed candidate into the state.
func (p *Provider) adopt(addr string, cfg cty.Value, c confirmed) providers.ResolveResponse {
	code := c.item.ReferenceCode.str()
	m, diags := p.plannedInputs(cfg, nullState())
	m.setCreated(&created{ReferenceCode: c.item.ReferenceCode, Status: c.item.Status, CreatedAt: c.item.CreatedAt})
	m.setRecord(c.detail.Verification)
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
