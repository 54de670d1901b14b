package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// newStep starts the step of one instance.
func newStep(r *resource, ik *instanceKey, stored *state.Resource) *Step {
	st := newKeyStep(r, ik.key, stored)
	st.rep = &ik.rep // the resource's keys outlive its steps' planning
	return st
}

// newKeyStep starts the step of a stored instance that is not evaluated
// (no count or each).
func newKeyStep(r *resource, key addrs.Key, stored *state.Resource) *Step {
	st := &Step{Change: &plans.Change{}}
	st.start(r, key, stored)
	return st
}

// start makes st, whose Change is set, the new step of r's instance key:
// every other field of st and of its change as newKeyStep gives them.
func (st *Step) start(r *resource, key addrs.Key, stored *state.Resource) {
	c := st.Change
	*c = plans.Change{Addr: r.addr.Instance(key), Provider: r.prov.name, Deps: r.deps, Sensitive: r.sensitive}
	*st = Step{res: r, Stored: stored, Change: c}
}

// evalConfig evaluates an instance's body and strips its marks, keeping
// their paths.
func (p *planner) evalConfig(st *Step) (cty.Value, hcl.Diagnostics) {
	var v cty.Value
	var diags hcl.Diagnostics
	if e := st.res.eval; e != nil {
		v, diags = e.Eval(st.repetition())
	} else {
		v, diags = p.scope.EvalBody(st.res.cfg.Config, st.res.spec, st.repetition())
	}
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	return st.unmarkConfig(v), diags
}

// unmarkConfig strips the marks of st's evaluated configuration v,
// keeping their paths.
func (st *Step) unmarkConfig(v cty.Value) cty.Value {
	v, marks := unmarkDeepPaths(v)
	st.setMarks(marks)
	if len(marks) > 0 {
		st.Change.Sensitive = append(append([]cty.Path(nil), st.res.sensitive...), markPaths(marks)...)
	}
	return v
}

func markPaths(marks []cty.PathValueMarks) []cty.Path {
	out := make([]cty.Path, len(marks))
	for i, m := range marks {
		out[i] = m.Path
	}
	return out
}

// planManaged plans one instance of a managed resource. It returns nil
// when the instance could not be planned (the errors are reported).
//
// A create leaves the digest of a new instance to apply (Step.fpLater);
// any other outcome for it (an import, a record the provider found) takes
// it now, as the record is written with no Final.
func (p *planner) planManaged(ctx context.Context, st *Step) *Step {
	out := p.planManagedStep(ctx, st)
	if !st.packed {
		st.configValue() // planned from its attributes, but not packed after all
	}
	st.fields = nil
	if out != nil && out.fpLater && out.Change.Action != plans.Create {
		p.digestLater(out, out.Config)
	}
	if out != nil && out.Persist {
		p.keepOutcomeLean(out)
	}
	return out
}

// configValue is st.Config, built from st.fields when the walk left it to
// them (evaluateFields): a batch's new instance is planned and packed from
// its attributes, and its object built only where something needs it.
func (st *Step) configValue() cty.Value {
	if st.Config == cty.NilVal && st.fields != nil {
		st.Config = st.fields.Object()
	}
	return st.Config
}

func (p *planner) planManagedStep(ctx context.Context, st *Step) *Step {
	cfg, ok := p.checkedConfig(st)
	if !ok {
		return nil
	}
	st.Config = cfg
	forced := p.sel.replaced(st.Change.Addr)
	if p.unreadNoOp(st, forced) {
		return st
	}
	if p.keepPredicted(st, forced) {
		return st
	}
	prior, ok := p.prior(st)
	if !ok {
		return nil
	}
	if st.Stored != nil && st.Stored.Pending() != nil {
		if !p.configAgain(st) {
			return nil
		}
		if prior, ok = p.resolve(ctx, st, prior, forced); !ok {
			return st
		}
	}
	if id, imp := st.res.imports[st.Change.Addr.Key]; imp && st.Stored == nil {
		if !p.configAgain(st) {
			return nil
		}
		st.configValue()
		return p.planImport(ctx, st, id, forced)
	}
	if p.req.Options.Refresh && !prior.IsNull() {
		if prior, ok = p.refresh(ctx, st, prior); !ok {
			return nil
		}
	}
	if unchangedSinceApply(st, prior, forced) {
		c := st.Change
		c.Before, c.After, c.Action = prior, prior, plans.NoOp
		st.value = st.res.refValue(prior, st.marks())
		p.settle(st)
		return st
	}
	if !p.configAgain(st) {
		return nil
	}
	return p.decide(ctx, st, prior, forced)
}

// configAgain evaluates again, where the plan needs it after all, the
// configuration the pre-pass let go of expecting a no-op (dropConfig): a
// refresh found the record changed, or it was not the no-op expected. It
// reports whether the step has a usable configuration.
func (p *planner) configAgain(st *Step) bool {
	if !st.dropped {
		return true
	}
	cfg, ok := p.evaluateAgain(st)
	if ok {
		st.Config = cfg
	}
	return ok
}

// planImport plans an instance an import block adopts: the record read
// is the prior, and the change is what makes it match the configuration
// (usually nothing).
func (p *planner) planImport(ctx context.Context, st *Step, id string, forced bool) *Step {
	prior, ok := p.importRecord(ctx, st, id)
	if !ok {
		return nil
	}
	return p.decide(ctx, st, prior, forced)
}

// unreadNoOp plans, without even decoding its stored value, an instance
// that is a no-op however its value reads: its configuration is what it was
// at its last clean apply (unchangedSinceApply), a refresh would not read
// it (no refresh, or a record its provider called settled), and nothing
// refers to its resource. The change's values are read only if something
// prints or saves the plan (plans.Change.Defer).
func (p *planner) unreadNoOp(st *Step, forced bool) bool {
	rec := st.Stored
	if st.fp == "" || forced || !p.readsNothing(st.res, rec) || !rec.HasConfigDigest(st.fp) {
		return false
	}
	deferStored(st)
	st.keptPredicted = st.predicted // deferStored gives the value predict gave
	if st.res.taken && p.walkChecks[st.res.prov.name] == nil {
		// No check of the walk needs it: the pre-pass's check saw it, or
		// checkPlanned evaluates it again (a dependent taken over from the
		// pre-pass keeps it until here, to compute its fingerprint).
		st.Config, st.dropped = cty.NilVal, true
	}
	return true
}

// settle keeps, of an instance planned a no-op from its fingerprint whose
// dependents read some of its attributes (projection.go), only what the
// rest of the plan reads: the value its dependents see (refValue, which
// holds those attributes), not the decoded record (the refresh found it
// the same as stored: its values are deferred, as unreadNoOp's) nor, when
// the walk took its resource's checks over from the pre-pass, its
// configuration (should a check need it after all, it is evaluated again).
// A batch whose accounts a verification per row reads holds one e-mail
// per account, not the account's record and configuration. An instance
// nothing refers to is settled the same way: a record its provider does
// not call settled (a signup awaiting confirmation, a verification in
// progress, a record written before daftar recorded settled) is read by
// the refresh and, found unchanged, holds neither its decoded record nor
// its configuration to the end of the plan.
func (p *planner) settle(st *Step) {
	if st.res.referenced && !st.res.projected() || st.Persist || st.Stored == nil || st.Stored.Pending() != nil || !hasAttributes(st.Stored) {
		return
	}
	c := st.Change
	c.Before, c.After = cty.NilVal, cty.NilVal
	c.Defer(codec.LazyLoad(st.Stored.Attributes, st.res.ty))
	if st.res.taken && p.walkChecks[st.res.prov.name] == nil {
		st.Config, st.dropped = cty.NilVal, true
	}
}

// deferStored makes st a no-op whose values are its stored record's, read
// only if the plan is printed as JSON or saved.
func deferStored(st *Step) {
	rec, ty := st.Stored, st.res.ty
	st.Change.Defer(codec.LazyLoad(rec.Attributes, ty))
	st.value = cty.DynamicVal // what refValue gives a resource nothing refers to
	if st.res.referenced {
		st.value = cty.EmptyObjectVal // what refValue gives when only keys are read
	}
}

// readsNothing reports whether a plan can leave the stored record of an
// instance of r undecoded: it holds a value and no pending intent, nothing
// refers to r, and no refresh would read it (none, or a settled record).
// unreadNoOp asks it.
func (p *planner) readsNothing(r *resource, rec *state.Resource) bool {
	return rec != nil && rec.Pending() == nil && hasAttributes(rec) && (!r.referenced || r.keysOnly()) &&
		(!p.req.Options.Refresh || rec.Settled)
}

// evaluateAgain evaluates the configuration the pre-pass dropped.
func (p *planner) evaluateAgain(st *Step) (cty.Value, bool) {
	if cfg, ok := p.evaluateFields(st); ok {
		return cfg, true
	}
	sensitive := st.Change.Sensitive
	cfg, diags := p.evalConfig(st)
	st.Change.Sensitive = sensitive
	if diags.HasErrors() {
		p.report(diags)
		return cty.NilVal, false
	}
	st.dropped = false
	return cfg, true
}

// evaluateFields is evaluateAgain of a body that gives its attributes
// (schema.BodyEvaluator.EvalFields: Eval's values and diagnostics), none
// of them marked: its object, unmarked as evalConfig would leave it,
// without walking the object for marks. A batch's new instance keeps the
// attributes for pack. ok is false for any other body, an error or a
// mark: evaluateAgain evaluates it as before.
func (p *planner) evaluateFields(st *Step) (cty.Value, bool) {
	e := st.res.eval
	if e == nil {
		return cty.NilVal, false
	}
	f, diags, ok := e.EvalFields(st.repetition())
	if !ok || diags.HasErrors() || fieldsMarked(&f) {
		return cty.NilVal, false
	}
	st.dropped = false
	st.setMarks(nil)
	if st.res.batch && st.Stored == nil {
		// Planned and packed from its attributes; its object is built
		// only if something needs it (configValue).
		st.fields = &f
		return cty.NilVal, true
	}
	return f.Object(), true
}

// hasAttributes reports whether a record holds a value (not only an
// intent).
func hasAttributes(rec *state.Resource) bool {
	return rec.HasAttributes()
}

// prior decodes the instance's stored attributes.
func (p *planner) prior(st *Step) (cty.Value, bool) {
	if st.Stored == nil {
		return cty.NullVal(st.res.ty), true
	}
	raw, err := st.Stored.Attributes()
	if err != nil {
		p.report(hcl.Diagnostics{attrsError(err)})
		return cty.NilVal, false
	}
	v, err := decodeAttrs(raw, st.res.ty)
	if err != nil {
		p.report(hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid attributes in the state",
			Detail:   fmt.Sprintf("The state's attributes of %s do not match the schema of %s: %s. Remove it with daftar state rm and import it again.", st.Addr(), st.res.addr.Type, err),
			Subject:  st.res.cfg.DeclRange.Ptr(),
		}})
		return cty.NilVal, false
	}
	return v, true
}

// refresh reads the instance from the remote. A refreshed value that
// differs from the state is persisted by apply even when nothing changes.
func (p *planner) refresh(ctx context.Context, st *Step, prior cty.Value) (cty.Value, bool) {
	defer p.acquire()()
	resp := st.res.prov.p.ReadResource(ctx, providers.ReadRequest{Type: st.res.addr.Type, Addr: st.Addr(), Prior: prior})
	p.report(p.withRowOrigin(st, p.resourceDiags(st.res, st.Addr(), resp.Diagnostics)))
	if resp.Diagnostics.HasErrors() {
		return cty.NilVal, false
	}
	if resp.NewState == cty.NilVal {
		return prior, true
	}
	if !knownAndEqual(resp.NewState, prior) && !resp.NewState.RawEquals(prior) {
		st.Persist = true
		if f, ok := st.res.prov.p.(providers.Finisher); ok {
			if noun, outcome, ok := f.Finished(st.res.addr.Type, prior, resp.NewState); ok {
				st.more().finished = &plans.Finished{Noun: noun, Outcome: outcome, Count: 1}
			}
		}
	}
	return resp.NewState, true
}

// decide asks the provider for the planned state and chooses the action.
func (p *planner) decide(ctx context.Context, st *Step, prior cty.Value, forced bool) *Step {
	r, addr, c := st.res, st.Addr(), st.Change
	// -replace of an instance without a record (an undecided intent) is a
	// create the user asked for by name.
	req := providers.PlanRequest{Type: r.addr.Type, Addr: addr, Prior: prior, Forced: (forced || p.req.Reviewed) && prior.IsNull()}
	fields := st.fields // the configuration's attributes, for a batch's new instance (no prior, so no ignore_changes)
	if !prior.IsNull() {
		fields = nil
	}
	var resp providers.PlanResponse
	planned := false
	if fields != nil && st.Config == cty.NilVal {
		var vals []cty.Value
		if resp, vals, planned = planCreateFields(ctx, r, req, fields); planned && vals != nil {
			if p.createFromFields(st, prior, resp, vals) {
				return st
			}
			resp.Planned = objectOfFields(fields.Names, vals) // packed from the object after all
		}
		if !planned {
			resp, planned = planResourceAttrs(ctx, r, req, fields)
		}
	}
	config := cty.NilVal
	if !planned {
		config = ignoreChanges(r, st.configValue(), prior)
		req.Config, req.Ignored = config, ignoredPaths(r, config, prior)
		resp = planResourceFields(ctx, r, req, fields)
	}
	p.report(p.withRowOrigin(st, p.resourceDiags(r, addr, resp.Diagnostics)))
	if resp.Diagnostics.HasErrors() {
		return nil
	}
	c.Before, c.After, c.Spends = prior, resp.Planned, resp.Spends
	switch {
	case prior.IsNull() && resp.Existing != nil:
		return p.existingNoOp(st, prior, resp.Existing)
	case prior.IsNull():
		c.Action, c.Reason = plans.Create, resp.Reason
	case forced || len(resp.RequiresReplace) > 0:
		return p.replace(ctx, st, config, resp, forced)
	case unchanged(resp.Planned, prior):
		c.Action, c.Spends, c.After = plans.NoOp, 0, prior // one value, not two equal ones
		st.backfill = needsDigest(st)
	default:
		c.Action, c.Spends = plans.Update, 0
	}
	st.value = r.refValue(c.After, st.marks())
	if r.batch && c.Action == plans.Create {
		p.pack(st)
	}
	return st
}

// pack keeps a batch's create's configuration and planned value encoded
// in the plan (plans.Change.Pack) until apply reaches it, or the plan is
// printed or saved; the step lets go of its configuration, whose digest
// (Change.ConfigDigest) is taken now from the same encoding, unless the
// plan is only applied (Request.ApplyOnly).
func (p *planner) pack(st *Step) {
	c := st.Change
	if p.req.ApplyOnly && p.packValues(st) {
		return
	}
	var config []byte
	if f := st.fields; f != nil {
		c.Config = st.Config // cty.NilVal when planned from the attributes
		config = c.PackAttrs(st.res.ty, f.Names, f.Vals)
	}
	if config == nil {
		c.Config = st.configValue()
		config = c.Pack(st.res.ty)
	}
	if config == nil {
		c.Config = cty.NilVal // set with the others once the walk is done
		return
	}
	if p.req.Digester != nil && !p.req.ApplyOnly {
		c.ConfigDigest = p.req.Digester.Digest("plan-config", config)
	}
	st.packedKnown = packedWhollyKnown(st)
	st.Config, st.packed = cty.NilVal, true
}

// createFromFields makes st the create of a batch's new instance whose
// planned value the provider answered as its attributes (planned, in the
// order of st.fields.Names: planCreateFields, resp checked, without
// errors), packed from them as pack packs the create from its objects
// (plans.Change.PackCreateAttrs, PackCreateValues): neither the
// configuration's object nor the planned value's is built. Only a resource
// nothing refers to is planned so (no one reads st.value). It reports
// whether it did; when not, st is left as it was, for decide to plan from
// the objects.
func (p *planner) createFromFields(st *Step, prior cty.Value, resp providers.PlanResponse, planned []cty.Value) bool {
	r, c, f := st.res, st.Change, st.fields
	if !r.batch || r.referenced || resp.Existing != nil || resp.Diagnostics.HasErrors() || f == nil || st.Config != cty.NilVal {
		return false
	}
	action, before := c.Action, c.Before
	c.Action, c.Before = plans.Create, prior
	packed := p.req.ApplyOnly && c.PackCreateValues(r.ty, f.Names, f.Vals, planned)
	if !packed {
		config := c.PackCreateAttrs(r.ty, f.Names, f.Vals, planned)
		if config == nil {
			c.Action, c.Before = action, before
			return false
		}
		if p.req.Digester != nil && !p.req.ApplyOnly {
			c.ConfigDigest = p.req.Digester.Digest("plan-config", config)
		}
	}
	p.report(p.resourceDiags(r, st.Addr(), resp.Diagnostics))
	c.Reason, c.Spends = resp.Reason, resp.Spends
	st.value = r.refValue(cty.NilVal, st.marks()) // nothing refers to r
	st.packedKnown = packedWhollyKnown(st)
	st.packed = true
	return true
}

// packValues is pack for a plan that is only applied
// (Request.ApplyOnly), which takes no digest of the configuration: the
// create keeps its attribute values alone (plans.Change.PackValues),
// about half the bytes of its objects' encoding. It reports whether it
// packed.
func (p *planner) packValues(st *Step) bool {
	c := st.Change
	var names []string
	var vals []cty.Value
	if f := st.fields; f != nil {
		c.Config, names, vals = st.Config, f.Names, f.Vals
	} else {
		c.Config = st.configValue()
	}
	if c.Config == cty.NilVal && names == nil || !c.PackValues(st.res.ty, names, vals) {
		c.Config = cty.NilVal
		return false
	}
	st.packedKnown = packedWhollyKnown(st)
	st.Config, st.packed = cty.NilVal, true
	return true
}

// packedWhollyKnown reports whether the configuration pack encoded is
// wholly known: its object's, or, for an instance planned from its
// attributes (Config cty.NilVal, which cty calls wholly known), every
// attribute's.
func packedWhollyKnown(st *Step) bool {
	if st.Config != cty.NilVal || st.fields == nil {
		return st.Config.IsWhollyKnown()
	}
	for _, v := range st.fields.Vals {
		if !v.IsWhollyKnown() {
			return false
		}
	}
	return true
}

// batchInstances is how many instances a resource has at most before its
// creates' planned values are kept encoded in the plan (resource.batch):
// a batch of 100,000 holds 100,000 planned values from its plan until
// apply reaches each one. A resource of few instances keeps them decoded,
// as a plan of few changes prints them all.
var batchInstances = 100 // a variable for tests (SetBatchInstances)

// unchanged reports whether a planned value is wholly known and equal to
// the prior one. Most instances of a batch are unchanged and their values
// identical, which RawEquals confirms without Equals' allocations.
func unchanged(planned, prior cty.Value) bool {
	if knownAndEqual(planned, prior) {
		return true
	}
	return planned.IsWhollyKnown() && planned.Equals(prior).True()
}

// replace plans a new record in place of the old one: the provider plans
// a create (null prior), and the old record is forgotten on apply.
func (p *planner) replace(ctx context.Context, st *Step, config cty.Value, first providers.PlanResponse, forced bool) *Step {
	r, addr, c := st.res, st.Addr(), st.Change
	resp := planResource(ctx, r, providers.PlanRequest{Type: r.addr.Type, Addr: addr, Config: config, Prior: cty.NullVal(r.ty), Forced: true, Replacing: st.Change.Before})
	p.report(p.withRowOrigin(st, p.resourceDiags(r, addr, resp.Diagnostics)))
	if resp.Diagnostics.HasErrors() {
		return nil
	}
	c.Action, c.After = plans.Replace, resp.Planned
	c.Spends = max(first.Spends, resp.Spends)
	c.RequiresReplace = first.RequiresReplace
	if forced {
		c.Reason = "requested with -replace"
	} else {
		c.Reason = "changing " + pathList(first.RequiresReplace) + " needs a new remote record; the old one is forgotten"
	}
	st.value = r.refValue(c.After, st.marks())
	return st
}

// pathList spells paths as "email, basic_profile.gender".
func pathList(paths []cty.Path) string {
	var names []string
	for _, p := range paths {
		names = append(names, pathString(p))
	}
	return strings.Join(names, ", ")
}

func pathString(path cty.Path) string {
	var b strings.Builder
	for _, s := range path {
		switch s := s.(type) {
		case cty.GetAttrStep:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case cty.IndexStep:
			fmt.Fprintf(&b, "[%s]", s.Key.GoString())
		}
	}
	return b.String()
}

// refValue is the value dependents see: the planned value with the marks
// of its configuration and of the schema's sensitive attributes.
func (r *resource) refValue(v cty.Value, marks []cty.PathValueMarks) cty.Value {
	if !r.referenced {
		return cty.DynamicVal // no one looks: a batch nothing refers to skips the marking
	}
	if v == cty.NilVal {
		return cty.UnknownVal(r.ty)
	}
	sens := r.sensMarks
	if r.projected() {
		v, sens, marks = r.project(v), r.projectMarks(sens), r.projectMarks(marks)
	}
	if len(sens) > 0 {
		v = v.MarkWithPaths(sens)
	}
	if len(marks) > 0 {
		v = v.MarkWithPaths(marks)
	}
	return v
}

func sensitiveMarks(paths []cty.Path) []cty.PathValueMarks {
	out := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		out[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(schema.Sensitive)}
	}
	return out
}
