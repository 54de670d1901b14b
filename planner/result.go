package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// This file is the executor's side of a Result: re-evaluating an
// instance's configuration with the values apply has produced, asking the
// provider for the final planned state, recording each instance's final
// value, and building state records. A Result is applied at most once;
// these methods are safe for concurrent use on different steps.

// Steps lists the plan's changes with their apply data, in the order of
// Plan.Changes. Once apply has released a change (Evaluation.Release),
// its entry is nil.
func (r *Result) Steps() []*Step {
	r.ExpandNoOps() // every change has its step
	r.expandLazy()
	return r.steps
}

// StepsButLazy is Steps without the plan's lazy creates (plans.Plan.Lazy,
// which it leaves lazy) and without the unchanged instances kept compactly
// (Request.CompactNoOps), which it leaves compact: for a reader that
// counts the changes apply carries out, and those from the blocks.
func (r *Result) StepsButLazy() []*Step {
	return r.steps
}

// Provider returns the configured provider of a step.
func (r *Result) Provider(s *Step) providers.Provider { return s.res.prov.p }

// Digester is the request's Digester (nil when none).
func (r *Result) Digester() providers.Digester { return r.p.req.Digester }

// Range is the source range of the step's block, for diagnostics (the
// zero range for a resource no longer in the configuration).
func (r *Result) Range(s *Step) hcl.Range {
	if s.res.cfg == nil {
		return hcl.Range{}
	}
	return s.res.cfg.DeclRange
}

// Diagnostics maps a provider's diagnostics about a step to its source,
// as planning does.
//
// The errors of a data source scoped to a check block, read during apply,
// are warnings: the check fails, the apply goes on.
func (r *Result) Diagnostics(s *Step, ds providers.Diagnostics) hcl.Diagnostics {
	diags := r.p.resourceDiags(s.res, s.Addr(), ds)
	if rc := s.res.cfg; rc != nil && rc.Check != "" && ds.HasErrors() {
		return r.p.scopedReadFailed(rc.Check, s.Change.Addr, diags)
	}
	return diags
}

// DependsOn lists the resources whose every instance must finish before
// any instance of s's resource starts.
func (r *Result) DependsOn(s *Step) []addrs.Resource { return s.res.deps }

// Final evaluates a create's or an update's configuration again with the
// values apply has produced so far, checks it is wholly known and valid,
// and asks the provider for the final planned state. The executor calls it
// only after every resource the step depends on has finished.
//
// A managed resource that depends on nothing was evaluated, validated and
// planned with exactly these values already: its plan-time configuration
// and planned state are final, and a batch's apply does not do that work
// a second time per instance.
func (r *Result) Final(ctx context.Context, s *Step) (config, planned cty.Value, diags hcl.Diagnostics) {
	r.p.vals.startApply()
	res, addr := s.res, s.Addr()
	if s.packed && s.Config == cty.NilVal {
		// A batch's create: the executor read its configuration from the
		// change (plans.Change.ReadDeferred) before asking.
		if err := s.Change.ReadDeferred(); err != nil {
			return cty.NilVal, cty.NilVal, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the plan", Detail: err.Error(), Subject: res.cfg.DeclRange.Ptr()}}
		}
		s.Config = s.Change.Config
	}
	// The digest of a new instance's configuration, for its record
	// (Step.fpLater); one that depends on others takes the digest of the
	// configuration applied, below.
	r.p.digestLater(s, s.Config)
	if settled(s) {
		return s.Config, s.Change.After, nil
	}
	cfg, marks, diags := r.finalConfig(s)
	if diags.HasErrors() {
		return cty.NilVal, cty.NilVal, diags
	}
	if !cfg.IsWhollyKnown() {
		return cty.NilVal, cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Configuration not known",
			Detail:   fmt.Sprintf("The configuration of %s still holds values known only after apply, because something it depends on was not applied.", addr),
			Subject:  res.cfg.DeclRange.Ptr(),
		})
	}
	vd := res.prov.p.ValidateResource(providers.ValidateRequest{Type: res.addr.Type, Addr: addr, Config: cfg})
	if diags = append(diags, r.Diagnostics(s, vd)...); diags.HasErrors() || res.addr.Mode == addrs.Data {
		return cfg, cty.NilVal, diags
	}
	prior := s.Change.Before
	if s.Change.Action == plans.Create || s.Change.Action == plans.Replace {
		prior = cty.NullVal(res.ty)
	}
	// The creates of a saved plan were reviewed (as Request.Reviewed says).
	resp := planResource(ctx, res, providers.PlanRequest{Type: res.addr.Type, Addr: addr, Config: ignoreChanges(res, cfg, prior), Prior: prior,
		Forced: s.bound && prior.IsNull()})
	diags = append(diags, r.Diagnostics(s, resp.Diagnostics)...)
	if len(res.deps) > 0 && !diags.HasErrors() {
		// What the record of a clean apply holds: the digest of the
		// configuration applied, which holds the values apply gave the
		// instances it depends on (the planned one may have held unknowns).
		s.fp = r.p.fingerprintMarked(s, cfg, marks)
	}
	if s.Change.Action == plans.Update && len(resp.RequiresReplace) > 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Change needs a replace",
			Detail:   fmt.Sprintf("With the values known at apply, changing %s of %s needs a new remote record, which the plan did not say. Plan again.", pathList(resp.RequiresReplace), addr),
			Subject:  res.cfg.DeclRange.Ptr(),
		})
	}
	return cfg, resp.Planned, diags
}

// finalConfig is the configuration Final plans with: the body evaluated
// again with the values apply produced; for a saved plan's change (Bind),
// the configuration reviewed, where it holds values only apply can tell
// completed from that evaluation, path by path.
//
// It returns the configuration unmarked, with the paths of its marks.
func (r *Result) finalConfig(s *Step) (cty.Value, []cty.PathValueMarks, hcl.Diagnostics) {
	if s.bound && s.Config.IsWhollyKnown() {
		return s.Config, s.marks(), nil
	}
	cfg, diags := r.evalFinal(s)
	if diags.HasErrors() {
		return cty.NilVal, nil, diags
	}
	cfg, marks := unmarkDeepPaths(cfg)
	if s.bound {
		cfg = fillUnknown(s.Config, cfg)
	}
	return cfg, marks, diags
}

// settled reports whether a step's plan-time configuration and planned
// state are what Final would compute again: a managed create, replace or
// update of a resource that depends on no other, with a wholly known
// configuration.
func settled(s *Step) bool {
	res, c := s.res, s.Change
	switch {
	case s.bound: // a plan file's planned value lacks its secrets
		return false
	case res.addr.Mode != addrs.Managed || len(res.deps) > 0 && !res.upNoOps || s.Config == cty.NilVal || c.After == cty.NilVal:
		return false
	case c.Action != plans.Create && c.Action != plans.Replace && c.Action != plans.Update:
		return false
	}
	return s.Config.IsWhollyKnown()
}

// Finish records an instance's value after apply (cty.NilVal when the
// change failed: the planned value stays), when something refers to its
// resource. When it is the last instance of its resource, the resource's
// value is rebuilt for its dependents.
func (r *Result) Finish(s *Step, v cty.Value) {
	if v != cty.NilVal && v.IsNull() && s.Change.Action == plans.NoOp {
		// No record, none made: a create left to the user (the remote
		// holds the record, or an interrupted create is undecided) keeps
		// its planned value, unknown, rather than a null its dependents
		// cannot read.
		v = cty.NilVal
	}
	r.p.postconditionsAfterApply(s, v)
	res := s.res
	var final cty.Value
	if v != cty.NilVal && res.referenced { // kept only for dependents
		// What dependents read of it (projection.go), marked: for a
		// resource read by its keys only, an empty object, so that a
		// batch's finished instances hold no value.
		final = res.refValue(v, s.marks())
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	// The configuration is not evaluated again once the change has
	// finished (the state has its record).
	s.Config = cty.NilVal
	s.setChecks(nil)
	s.release()
	switch {
	case final == cty.NilVal:
	case res.sameAfterApply(s, final):
		s.finishedSame = true
	default:
		s.more().final = final
		res.lazy.setFinal(s, final) // a create taken from a lazy block: in no slot of res.steps
		// The resource's value is built again only if what dependents
		// read of an instance changed: a batch's verifications read by
		// their keys alone (length(R)) read an empty object before and
		// after, and the value of a million keys is not built twice.
		res.dirty = res.dirty || res.valuePredicted || !final.RawEquals(s.value)
	}
	res.left--
	if res.left > 0 || !res.dirty {
		return
	}
	res.value = res.rebuild(func(s *Step) cty.Value {
		if f := s.final(); f != cty.NilVal {
			return f
		}
		return s.value
	})
	r.p.vals.setResource(res.addr, res.value)
}

// StartApply prepares the per-resource counters Finish uses. The executor
// calls it once, before the first Finish.
func (r *Result) StartApply() {
	for _, res := range r.p.res {
		res.left = len(res.steps) + res.lazy.count()
		res.dirty = false
		for j, s := range res.steps {
			s.idx = int32(j)
		}
		res.upNoOps = r.p.upNoOps(res)
	}
	for _, res := range r.p.res {
		if res.upNoOps {
			continue // evaluates nothing of them at apply (evalFinal)
		}
		for d := range res.keyed {
			if up := r.p.res[d]; up != nil && up.byKey == nil {
				up.byKey = make(map[addrs.Key]*Step, len(up.steps))
				for _, s := range up.steps {
					up.byKey[s.Change.Addr.Key] = s
				}
			}
		}
	}
	r.releaseForApply()
	r.releaseNoOpConfigs()
	r.p.vals.startApply()
}

// Outputs evaluates the outputs with the values apply produced.
func (r *Result) Outputs() ([]*plans.Output, hcl.Diagnostics) {
	return r.p.evalOutputs()
}

// Record builds the state record of a step holding v (marks stripped),
// with no pending intent.
func (r *Result) Record(s *Step, v cty.Value, now time.Time) (*state.Resource, error) {
	attrs, err := encodeAttrs(v, s.res.ty)
	if err != nil {
		return nil, fmt.Errorf("encoding the state of %s: %w", s.Addr(), err)
	}
	inst := s.Change.Addr
	settled := false
	if p, ok := s.res.prov.p.(providers.Settler); ok && v != cty.NilVal && !v.IsNull() {
		settled = p.Settled(inst.Resource.Type, v)
	}
	rec := (&state.Resource{Address: s.Addr(), Settled: settled}).WithKind(state.Kind{
		Mode:     "managed",
		Type:     inst.Resource.Type,
		Name:     inst.Resource.Name,
		Provider: s.Change.Provider,
	}).WithIndexKey(resourceIndexKey(inst)).WithUpdatedAt(now.UTC())
	rec.SetModule(inst.ModuleInstance())
	rec.SetSensitivePaths(s.markedPaths())
	rec.SetDependencies(s.res.depNames)
	rec.SetAttributes(attrs)
	return rec, nil
}

// ConfigDigest is the digest of the configuration the step was planned
// with (state.Resource.ConfigDigest), for the record of its clean apply;
// empty when the instance must be planned in full next time.
func (r *Result) ConfigDigest(s *Step) string {
	if s.fpLater {
		cfg := s.Config
		if cfg == cty.NilVal {
			var err error
			if cfg, err = s.Change.ConfigValue(); err != nil {
				return ""
			}
		}
		r.p.digestLater(s, cfg)
	}
	return s.fp
}

// markedPaths are the paths of the instance's configuration that hold
// sensitive values (from a sensitive variable, say) beyond those the
// schema marks, as the state keeps them: show and state show hide them.
func (s *Step) markedPaths() [][]any {
	var out [][]any
	for _, m := range s.marks() {
		if !containsPath(s.res.sensitive, m.Path) {
			out = append(out, plans.EncodePath(m.Path))
		}
	}
	return out
}

func containsPath(paths []cty.Path, p cty.Path) bool {
	for _, q := range paths {
		if q.Equals(p) {
			return true
		}
	}
	return false
}

// Configuration is s's evaluated configuration, marks stripped: the one
// planned, or, for an instance whose plan let go of it (an unchanged
// instance, a batch's create waiting encoded), its body evaluated again.
// cty.NilVal for an instance no longer configured, or whose body does not
// evaluate without error.
func (r *Result) Configuration(s *Step) cty.Value {
	if s.Config != cty.NilVal || s.res.cfg == nil || s.res.addr.Mode != addrs.Managed {
		return s.Config
	}
	cfg, diags := r.evalFinal(s)
	if diags.HasErrors() || cfg == cty.NilVal {
		return cty.NilVal
	}
	cfg, _ = unmarkDeepPaths(cfg)
	return cfg
}
