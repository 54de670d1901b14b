package executor

import (
	"errors"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// do carries out one step and records its outcome. It reports success.
func (a *applier) do(s *step) bool {
	c := s.Change
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeStarted(c)
	}
	final, diags := a.dispatchRead(s)
	a.eval.Finish(s.Change, final)
	a.addDiags(diags)
	if a.takeUnsent(s) {
		a.interrupted(s)
		if a.opts.Hooks != nil {
			a.opts.Hooks.ChangeFinished(c, errors.New("not started: the apply was interrupted before its request was sent"))
		}
		return false
	}
	var err error
	if diags.HasErrors() {
		err = errors.New(firstError(diags))
		a.failure(c, diags)
	} else {
		a.count(func(r *Report) { countSuccess(r, s.Change) })
		err = readWarning(c, final, diags)
	}
	if a.opts.Hooks != nil {
		a.opts.Hooks.ChangeFinished(c, err)
	}
	return !diags.HasErrors()
}

// Warning is what ChangeFinished reports for a change that did not do its
// work while the apply goes on: a read whose errors the configuration
// makes warnings (a data source scoped to a check block). It is no
// failure: the Report does not count it.
type Warning struct{ Summary string }

func (w *Warning) Error() string { return w.Summary }

// readWarning is the Warning of a read that failed with its errors made
// warnings; nil for any other outcome.
func readWarning(c *plans.Change, final cty.Value, diags hcl.Diagnostics) error {
	if c.Action != plans.Read || final != cty.NilVal || diags.HasErrors() {
		return nil
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			return &Warning{Summary: d.Summary}
		}
	}
	return nil
}

// failure counts a failed change and keeps its errors.
func (a *applier) failure(c *plans.Change, diags hcl.Diagnostics) {
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	a.count(func(r *Report) {
		r.Failed++
		r.Failures = append(r.Failures, Failure{Change: c, Diags: errs})
	})
}

func countSuccess(r *Report, c *plans.Change) {
	if c.Importing() != "" {
		r.Imported++
	}
	switch c.Action {
	case plans.Create:
		r.Added++
	case plans.Replace:
		r.Replaced++
	case plans.Update:
		r.Changed++
	case plans.Forget:
		r.Forgotten++
	}
}

// dispatchRead reads the values the plan kept encoded for the step
// (plans.Change.Pack), which it holds until it finishes (dropValues), then
// dispatches it.
func (a *applier) dispatchRead(s *step) (cty.Value, hcl.Diagnostics) {
	if err := s.Change.ReadDeferred(); err != nil {
		return cty.NilVal, hcl.Diagnostics{a.diag(s, s.Addr()+": cannot read the plan", err.Error())}
	}
	return a.dispatch(s)
}

// dispatch runs the step's action; final is the instance's value after
// apply (cty.NilVal when nothing was made).
func (a *applier) dispatch(s *step) (cty.Value, hcl.Diagnostics) {
	panics.Inject("executor")
	switch c := s.Change; {
	case c.Action == plans.Create || c.Action == plans.Replace:
		return a.create(s)
	case c.Action == plans.Update && !c.Persist:
		return a.update(s)
	case c.Action == plans.Update && !a.plan.RefreshOnly:
		return a.persistThenUpdate(s)
	case c.Action == plans.Forget:
		return cty.NilVal, a.persistDiags(s, state.Update{Remove: []string{s.Addr()}})
	case c.Action == plans.Read:
		return a.read(s)
	}
	return a.persistValue(s) // adopted, refreshed, or an intent resolved as not created
}

// persistValue records the step's planned value with no provider call; a
// null value removes the record (an intent that made nothing).
func (a *applier) persistValue(s *step) (cty.Value, hcl.Diagnostics) {
	v := s.Change.After
	if v == cty.NilVal || v.IsNull() {
		return cty.NilVal, a.persistDiags(s, state.Update{Remove: []string{s.Addr()}})
	}
	if s.Change.Action == plans.NoOp {
		return v, a.recordApplied(s, v)
	}
	return v, a.record(s, v)
}

// persistThenUpdate carries out an update of a record the plan adopted
// from an interrupted create, or refreshed: the record as found is
// recorded first (clearing the intent), then the update is sent. Only a
// refresh-only plan writes its planned value with no provider call.
func (a *applier) persistThenUpdate(s *step) (cty.Value, hcl.Diagnostics) {
	if diags := a.record(s, s.Change.Before); diags.HasErrors() {
		return cty.NilVal, diags
	}
	return a.update(s)
}

// update changes a record in place.
func (a *applier) update(s *step) (cty.Value, hcl.Diagnostics) {
	cfg, planned, diags := a.eval.Final(a.drain, s.Change)
	if diags.HasErrors() {
		return cty.NilVal, a.failed(s, diags)
	}
	resp := s.Provider.ApplyResource(a.drain, providers.ApplyRequest{
		Type: s.Change.Addr.Resource.Type, Addr: s.Addr(), Operation: providers.Update,
		Config: cfg, Prior: s.Change.Before, Planned: planned,
	})
	diags = append(diags, a.failed(s, a.eval.Diagnostics(s.Change, resp.Diagnostics))...)
	if resp.NewState == cty.NilVal || resp.NewState.IsNull() {
		return cty.NilVal, diags
	}
	if !diags.HasErrors() {
		return resp.NewState, append(diags, a.recordApplied(s, resp.NewState)...)
	}
	return resp.NewState, append(diags, a.record(s, resp.NewState)...)
}

// read reads a data source whose configuration was known only at apply.
func (a *applier) read(s *step) (cty.Value, hcl.Diagnostics) {
	cfg, _, diags := a.eval.Final(a.drain, s.Change)
	if diags.HasErrors() {
		return cty.NilVal, a.failed(s, diags)
	}
	resp := s.Provider.ReadData(a.drain, providers.ReadDataRequest{Type: s.Change.Addr.Resource.Type, Addr: s.Addr(), Config: cfg})
	diags = append(diags, a.failed(s, a.eval.Diagnostics(s.Change, resp.Diagnostics))...)
	if diags.HasErrors() || resp.Diagnostics.HasErrors() {
		return cty.NilVal, diags // the provider's errors may be warnings here (readWarning)
	}
	return resp.State, diags
}

// record stores v as the step's state record (clearing any intent),
// without the configuration's digest: what the remote holds may not be
// what the configuration says.
func (a *applier) record(s *step, v cty.Value) hcl.Diagnostics {
	rec, err := a.eval.Record(s.Change, v, time.Now())
	if err != nil {
		return a.failed(s, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot encode the state", Detail: err.Error()}})
	}
	rec.SetConfigDigest("")
	return a.persistDiags(s, state.Update{Set: []*state.Resource{rec}})
}

// recordApplied stores v, the outcome of applying the step's whole
// configuration without error, with the configuration's digest, so that
// the next plan of the same configuration skips the provider's plan.
func (a *applier) recordApplied(s *step, v cty.Value) hcl.Diagnostics {
	rec, err := a.eval.Record(s.Change, v, time.Now())
	if err != nil {
		return a.failed(s, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot encode the state", Detail: err.Error()}})
	}
	return a.persistDiags(s, state.Update{Set: []*state.Resource{rec}})
}

// persistDiags records u, turning a failure into a diagnostic.
func (a *applier) persistDiags(s *step, u state.Update) hcl.Diagnostics {
	if err := a.persist(u); err != nil {
		return a.persistFailed(s, err)
	}
	return nil
}

// persistFailed is the diagnostic of a state write that failed with err.
func (a *applier) persistFailed(s *step, err error) hcl.Diagnostics {
	return hcl.Diagnostics{a.diag(s, fmt.Sprintf("%s: cannot record the outcome in the state", s.Addr()),
		fmt.Sprintf("The state could not be written: %s. What the remote did for %s may be missing from the state; the next plan resolves it.", err, s.Addr()))}
}

// diag is an error of the executor's own about s, placed at its block by
// the evaluator.
func (a *applier) diag(s *step, summary, detail string) *hcl.Diagnostic {
	ds := a.eval.Diagnostics(s.Change, providers.Diagnostics{{Severity: providers.Error, Summary: summary, Detail: detail}})
	if len(ds) == 1 {
		return ds[0]
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

// failed names the step's address in the summaries of error diagnostics.
func (a *applier) failed(s *step, diags hcl.Diagnostics) hcl.Diagnostics {
	prefix := s.Addr() + ": "
	for _, d := range diags {
		if d.Severity == hcl.DiagError && (len(d.Summary) < len(prefix) || d.Summary[:len(prefix)] != prefix) {
			d.Summary = prefix + d.Summary
		}
	}
	return diags
}

func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d.Summary
		}
	}
	return ""
}
