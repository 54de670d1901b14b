package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// resolve decides a pending intent before the instance is planned. It
// returns the prior to plan from, or false when the instance must be left
// as it is (undecided, and -replace does not name it).
func (p *planner) resolve(ctx context.Context, st *Step, prior cty.Value, forced bool) (cty.Value, bool) {
	intent := st.Stored.Pending()
	resp := providers.ResolveResponse{Resolution: providers.Undecided,
		Message: "its configuration holds values known only after apply, so the remote cannot be searched for it"}
	if st.Config.IsWhollyKnown() {
		resp = p.callResolve(ctx, st, prior)
	}
	if resp.Resolution == providers.Adopted {
		resp = p.claim(st, resp)
	}
	if resp.Resolution == providers.NotCreated && intent.Acknowledged {
		resp = providers.ResolveResponse{Resolution: providers.Undecided, Message: AcknowledgedNotFound}
	}
	if resp.Resolution == providers.NotCreated && p.sentOtherwise(st) {
		resp = providers.ResolveResponse{Resolution: providers.Undecided,
			Message: "the configuration changed since the interrupted create was sent, and the search used it as it is now: a record made with the earlier values would not be found"}
	}
	res := plans.Resolution{Addr: st.Change.Addr, Message: resp.Message}
	switch resp.Resolution {
	case providers.Adopted:
		res.Outcome = "adopted"
		st.Persist = true
		p.addResolution(res)
		return resp.NewState, true
	case providers.NotCreated:
		res.Outcome = "not-created"
		if res.Message == "" {
			res.Message = "the interrupted create made no record; it is planned again"
		}
		st.Persist = true
		p.addResolution(res)
		return prior, true
	}
	res.Outcome = "undecided"
	p.addResolution(res)
	p.report(hcl.Diagnostics{undecidedWarning(st, intent.Started.Format("2006-01-02 15:04:05 MST"), resp.Message, forced)})
	if forced {
		return prior, true
	}
	c := st.Change
	c.Action, c.Before, c.After = plans.NoOp, prior, prior
	c.Reason = "an interrupted create is undecided"
	st.value = st.res.refValue(prior, st.marks())
	if prior.IsNull() {
		st.value = cty.UnknownVal(st.res.ty)
	}
	return prior, false
}

// AcknowledgedNotFound is why a create the API acknowledged (a success
// whose record could not be read) stays undecided when the search does not
// find its record.
const AcknowledgedNotFound = "the API answered that it created the record, but its answer did not say which one, and the search does not find it (yet); " +
	"daftar will not create it again by itself"

// RequestDigest is the keyed digest of a create's configuration that its
// intent records, never the configuration itself: equal configurations
// give equal digests, so that a plan can tell whether an interrupted
// create was sent with the configuration it reads now. "" without a
// digester.
func RequestDigest(d providers.Digester, cfg cty.Value) string {
	if d == nil {
		return ""
	}
	b, err := codec.MarshalJSON(cfg, cfg.Type()) // ctyjson's bytes, unmarked
	if err != nil {
		return ""
	}
	return d.Digest("create-request", b)
}

// sentOtherwise reports whether st's pending create was sent with another
// configuration than st's. A search by today's values may then miss the
// record it made (a verification searched by a full name since edited),
// so "not created" cannot be trusted.
func (p *planner) sentOtherwise(st *Step) bool {
	sent := st.Stored.Pending().RequestDigest
	now := RequestDigest(p.req.Digester, st.Config)
	return sent != "" && now != "" && sent != now
}

// callResolve asks the provider. prior is the record the state holds at
// the address: the record a replace's intent replaces, or null.
func (p *planner) callResolve(ctx context.Context, st *Step, prior cty.Value) providers.ResolveResponse {
	if err := p.holders().Err(); err != nil {
		p.report(hcl.Diagnostics{attrsError(err)})
		return providers.ResolveResponse{Resolution: providers.Undecided, Message: "the state's records could not be read"}
	}
	defer p.acquire()()
	resp := st.res.prov.p.ResolveResource(ctx, providers.ResolveRequest{
		Type: st.res.addr.Type, Addr: st.Addr(), Config: st.Config, Started: st.Stored.Pending().Started,
		Replacing: prior, HeldBy: p.holders().HeldBy(st.res.addr.Type, st.Addr()),
	})
	p.report(p.withRowOrigin(st, p.resourceDiags(st.res, st.Addr(), resp.Diagnostics)))
	if resp.Diagnostics.HasErrors() {
		resp.Resolution = providers.Undecided
		if resp.Message == "" {
			resp.Message = "the search for the record failed"
		}
	}
	return resp
}

// holders indexes the plan's state on first use.
func (p *planner) holders() *Holders {
	p.holdersOnce.Do(func() { p.holderIdx = newHolders(p.req.Providers, p.req.state()) })
	return p.holderIdx
}

// claim keeps an adoption only when no other address holds the record or
// adopted it in this plan (two intents resolved at once may both find it);
// otherwise the intent is undecided.
func (p *planner) claim(st *Step, resp providers.ResolveResponse) providers.ResolveResponse {
	return ClaimAdopted(p.holders(), st.res.addr.Type, st.Addr(), resp)
}

// ClaimAdopted claims in h the record an adopting resp found for the
// instance addr of type typ; when another address holds it, the answer
// becomes undecided, saying which.
func ClaimAdopted(h *Holders, typ, addr string, resp providers.ResolveResponse) providers.ResolveResponse {
	if resp.Resolution != providers.Adopted {
		return resp
	}
	other := h.Claim(typ, addr, resp.NewState)
	if other == "" {
		return resp
	}
	id := h.idOf(typ, resp.NewState)
	return providers.ResolveResponse{Resolution: providers.Undecided, Diagnostics: resp.Diagnostics,
		Message: fmt.Sprintf("the record it would adopt, %s, is held by %s: one record is never adopted at two addresses. "+
			"If %s belongs here, run daftar state rm '%s' and daftar import '%s' %s; if it does not, apply with -replace='%s'",
			id, other, id, other, addr, id, addr)}
}

func undecidedWarning(st *Step, started, message string, forced bool) *hcl.Diagnostic {
	addr := st.Addr()
	detail := fmt.Sprintf("An apply interrupted at %s may or may not have created %s: %s.", started, addr, message)
	switch {
	case forced:
		detail += " It is created again, as -replace asks."
	case strings.Contains(message, "daftar import"): // the provider said what to do
		detail += " daftar does not create it again by itself."
	default:
		detail += fmt.Sprintf(" daftar does not create it again by itself. If the record exists, adopt it with:\n  daftar import '%s' ID\nIf it does not, create it again with -replace='%s'.", addr, addr)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Interrupted create undecided",
		Detail:   detail,
		Subject:  st.res.cfg.DeclRange.Ptr(),
	}
}

func (p *planner) addResolution(r plans.Resolution) {
	p.mu.Lock()
	p.resolutions = append(p.resolutions, r)
	p.mu.Unlock()
}

// AfterAdoption tells what a record adopted during apply (a create whose
// answer was lost, found at the remote) still needs to match the
// configuration cfg the create was sent with: the create may have stopped
// after making the record and before its later steps (an account
// registered, its basic profile not yet set). It asks the provider to plan
// from the adopted record, as planning does for a record adopted then;
// update is true when an in-place update would change it, with planned the
// value to send. A change that only a replace could make is left to the
// next plan, which shows it.
func (r *Result) AfterAdoption(ctx context.Context, s *Step, cfg, adopted cty.Value) (planned cty.Value, update bool, diags hcl.Diagnostics) {
	res := s.res
	resp := planResource(ctx, res, providers.PlanRequest{Type: res.addr.Type, Addr: s.Addr(), Config: cfg, Prior: adopted})
	diags = r.Diagnostics(s, resp.Diagnostics)
	if diags.HasErrors() || len(resp.RequiresReplace) > 0 || unchanged(resp.Planned, adopted) {
		return adopted, false, diags
	}
	return resp.Planned, true, diags
}
