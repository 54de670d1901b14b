package executor

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxCreates is how many times a create is sent when each uncertain
// outcome resolves as "not created": the first try and two more.
const maxCreates = 3

// create makes a new remote record (also for a replace) with the intent
// protocol: intent recorded durably, request, outcome recorded; an
// uncertain outcome is resolved before anything is sent again.
func (a *applier) create(s *step) (cty.Value, hcl.Diagnostics) {
	cfg, planned, diags := a.eval.Final(a.drain, s.Change)
	if diags.HasErrors() {
		return cty.NilVal, a.failed(s, diags)
	}
	digest := planner.RequestDigest(a.opts.Digester, cfg)
	for attempt := 1; ; attempt++ {
		intent := &state.Intent{ID: newID(), Operation: "create", Started: time.Now().UTC(), RunID: a.opts.RunID, RequestDigest: digest}
		w := a.persistIntent(state.Update{Set: []*state.Resource{a.pending(s, intent)}})
		resp := s.Provider.ApplyResource(httpx.WithIntent(a.drain, w.wait), providers.ApplyRequest{
			Type: s.Change.Addr.Resource.Type, Addr: s.Addr(), Operation: providers.Create,
			Config: cfg, Prior: cty.NullVal(planned.Type()), Planned: planned,
		})
		if err := w.wait(); err != nil && (resp.NewState == cty.NilVal || resp.NewState.IsNull()) {
			// No intent, so no request: the transport held the create.
			return cty.NilVal, append(diags, a.persistFailed(s, err)...)
		} else if err != nil {
			diags = append(diags, a.persistFailed(s, err)...)
		}
		diags = append(diags, a.failed(s, a.eval.Diagnostics(s.Change, resp.Diagnostics))...)
		if made := resp.NewState; made != cty.NilVal && !made.IsNull() {
			if !diags.HasErrors() {
				return made, append(diags, a.recordApplied(s, made)...)
			}
			return made, append(diags, a.record(s, made)...) // partial success is recorded too
		}
		if !resp.Uncertain {
			if a.ctx.Err() != nil {
				// Interrupted, and certainly nothing made: most likely the
				// create was still queued and never sent. The change did
				// not start; the next apply makes it (and shows any other
				// error it had).
				a.markUnsent(s)
				diags = withoutErrors(diags)
			}
			return cty.NilVal, append(diags, a.restore(s)...)
		}
		if resp.Acknowledged {
			// The API said it made the record: that survives this run, so
			// that no later search that misses it sends the create again.
			intent.Acknowledged = true
			diags = append(diags, a.persistDiags(s, state.Update{Set: []*state.Resource{a.pending(s, intent)}})...)
		}
		v, again, more := a.resolveUncertain(s, cfg, intent, attempt)
		if again || v != cty.NilVal {
			// The resolution decided what the lost answer would have
			// said: the record was adopted, or none was made and the
			// retry decides. The uncertain create's error no longer holds.
			diags = withoutErrors(diags)
		}
		diags = append(diags, more...)
		if !again {
			if v != cty.NilVal {
				return a.completeAdopted(s, cfg, v, diags)
			}
			return v, diags
		}
	}
}

// completeAdopted finishes a create whose record was adopted after its
// answer was lost. The create may have stopped after making the record and
// before its later steps (an account's basic profile); an update sends
// what is missing now, so that a completed apply leaves nothing to plan.
// The adopted record is already recorded: a failed update leaves it there,
// and the next plan shows the update again.
func (a *applier) completeAdopted(s *step, cfg, adopted cty.Value, diags hcl.Diagnostics) (cty.Value, hcl.Diagnostics) {
	planned, update, more := a.eval.AfterAdoption(a.drain, s.Change, cfg, adopted)
	diags = append(diags, a.failed(s, more)...)
	if !update || diags.HasErrors() {
		return adopted, diags
	}
	resp := s.Provider.ApplyResource(a.drain, providers.ApplyRequest{
		Type: s.Change.Addr.Resource.Type, Addr: s.Addr(), Operation: providers.Update,
		Config: cfg, Prior: adopted, Planned: planned,
	})
	diags = append(diags, a.failed(s, a.eval.Diagnostics(s.Change, resp.Diagnostics))...)
	if resp.NewState == cty.NilVal || resp.NewState.IsNull() {
		return adopted, diags
	}
	return resp.NewState, append(diags, a.record(s, resp.NewState)...)
}

// resolveUncertain asks the provider what became of a create whose answer
// was lost. It returns the adopted value, or again=true when the create
// may be sent once more.
func (a *applier) resolveUncertain(s *step, cfg cty.Value, intent *state.Intent, attempt int) (cty.Value, bool, hcl.Diagnostics) {
	typ, holders := s.Change.Addr.Resource.Type, a.holders()
	if err := holders.Err(); err != nil {
		return cty.NilVal, false, append(a.failed(s, attrsDiag(err)), a.pendingDiag(s, "the state's records could not be read"))
	}
	resp := s.Provider.ResolveResource(a.drain, providers.ResolveRequest{
		Type: typ, Addr: s.Addr(), Config: cfg, Started: intent.Started,
		Replacing: replacing(s), HeldBy: holders.HeldBy(typ, s.Addr()),
	})
	if !resp.Diagnostics.HasErrors() {
		resp = planner.ClaimAdopted(holders, typ, s.Addr(), resp)
	}
	diags := a.eval.Diagnostics(s.Change, resp.Diagnostics)
	if resp.Resolution == providers.NotCreated && intent.Acknowledged {
		resp.Resolution, resp.Message = providers.Undecided, planner.AcknowledgedNotFound
	}
	switch {
	case resp.Diagnostics.HasErrors() || resp.Resolution == providers.Undecided:
		return cty.NilVal, false, append(a.failed(s, diags), a.pendingDiag(s, resp.Message))
	case resp.Resolution == providers.Adopted:
		return resp.NewState, false, append(withoutErrors(diags), a.record(s, resp.NewState)...)
	case attempt >= maxCreates || a.ctx.Err() != nil:
		return cty.NilVal, false, append(a.restore(s), a.giveUp(s, attempt))
	}
	return cty.NilVal, true, diags
}

// replacing is the record a replace replaces, which its create never
// made; null for a create.
func replacing(s *step) cty.Value {
	if s.Change.Action == plans.Replace {
		return s.Change.Before
	}
	return cty.NilVal
}

// holders indexes the state for resolutions on first use; persist keeps
// it current.
func (a *applier) holders() *planner.Holders {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.holderIdx == nil {
		a.holderIdx = planner.NewHolders(a.opts.Providers, a.opts.State)
	}
	return a.holderIdx
}

// pending is the record holding an intent: the stored attributes (a
// replace keeps the old record until the new one exists), or none.
func (a *applier) pending(s *step, intent *state.Intent) *state.Resource {
	var rec state.Resource
	if s.Stored != nil && s.Stored.Pending() == nil {
		rec = *s.Stored
	} else {
		fresh, _ := a.eval.Record(s.Change, cty.NullVal(cty.DynamicPseudoType), time.Now())
		rec = *fresh
		rec.SetConfigDigest("")
		if s.Stored != nil {
			rec.CopyAttributes(s.Stored)
		}
	}
	rec.SetPending(intent)
	rec.SetUpdatedAt(intent.Started)
	return &rec
}

// restore puts the state back as the plan found it, once the remote said
// no record was made.
func (a *applier) restore(s *step) hcl.Diagnostics {
	if s.Stored != nil {
		return a.persistDiags(s, state.Update{Set: []*state.Resource{s.Stored}})
	}
	return a.persistDiags(s, state.Update{Remove: []string{s.Addr()}})
}

func (a *applier) pendingDiag(s *step, message string) *hcl.Diagnostic {
	if message == "" {
		message = "the remote could not tell"
	}
	return a.diag(s, fmt.Sprintf("%s: create outcome unknown", s.Addr()),
		fmt.Sprintf("The answer to the create of %s was lost, and daftar could not find out whether the record was made: %s. The intent stays in the state; the next plan resolves it again, and shows what to do if it still cannot.",
			s.Addr(), message))
}

func (a *applier) giveUp(s *step, attempt int) *hcl.Diagnostic {
	return a.diag(s, fmt.Sprintf("%s: create failed", s.Addr()),
		fmt.Sprintf("The create of %s was sent %d times; each answer was lost and the remote showed no record was made. Try again later.", s.Addr(), attempt))
}

func withoutErrors(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}

func newID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// markUnsent records that s's create was not made because of the
// interrupt; takeUnsent reports it once.
func (a *applier) markUnsent(s *step) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.unsent == nil {
		a.unsent = map[*plans.Change]bool{}
	}
	a.unsent[s.Change] = true
}

func (a *applier) takeUnsent(s *step) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	unsent := a.unsent[s.Change]
	delete(a.unsent, s.Change)
	return unsent
}
