package planner

import (
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// This file binds a saved plan (a plan file) to the configuration for
// apply, without planning again: the saved plan's changes are what runs,
// and the configuration is evaluated only for what the plan value cannot
// hold: the secrets a plan file leaves out, the values only apply can
// tell, the values dependents and outputs read. Nothing is refreshed,
// resolved or planned by a provider here; the executor asks Final for
// each change as it applies it.

// Bind prepares the apply of saved, a plan made from req.State with
// req.Options (the caller checked the state is the one the plan was made
// from). It returns the Result apply reports with (its Plan is saved) and
// the Evaluation of saved.
//
// Each change that calls a provider runs with the configuration it was
// planned with: the plan file's, with the sensitive paths the file leaves
// unknown taken from the configuration evaluated now. When the result is
// not the configuration reviewed (its digest is not the change's
// ConfigDigest: a secret input, such as a NIK in a CSV row, changed since
// the plan was made), Bind fails naming the change, and nothing is
// applied. An instance the configuration gained since is not applied; one
// it lost is applied as reviewed when its configuration was wholly in the
// plan file.
func Bind(ctx context.Context, req *Request, saved *plans.Plan) (*Result, *Evaluation, hcl.Diagnostics) {
	p := newPlanner(req)
	p.bound = map[addrs.Resource][]*plans.Change{}
	for _, c := range saved.Changes {
		p.bound[c.Addr.Resource] = append(p.bound[c.Addr.Resource], c)
	}
	res := &Result{Plan: saved, p: p}
	idx, diags := indexState(req.state())
	p.report(diags)
	p.stored = idx
	if !p.prepare() {
		return res, nil, p.diags
	}
	p.applyMoves()
	for _, key := range p.order {
		if ctx.Err() != nil {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Apply interrupted", Detail: "The apply was cancelled while the saved plan was read: nothing was sent or recorded."}})
			break
		}
		p.walk(ctx, p.blocks[key])
	}
	p.bindRemoved(ctx)
	if p.hasErrors() {
		return res, nil, p.diags
	}
	byChange := make(map[*plans.Change]*Step, len(saved.Changes))
	for _, r := range p.res {
		for _, s := range r.steps {
			byChange[s.Change] = s
		}
	}
	res.steps = make([]*Step, len(saved.Changes))
	for i, c := range saved.Changes {
		if res.steps[i] = byChange[c]; res.steps[i] == nil {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Plan not applicable",
				Detail: fmt.Sprintf("The plan holds a change of %s that this configuration cannot apply: its resource type or provider is no longer configured. Nothing was applied. Make a new plan.", c.Addr)}})
			return res, nil, p.diags
		}
	}
	return res, &Evaluation{r: res, plan: saved, byChange: byChange}, p.diags
}

// bindInstances binds the saved changes of r to its instances: those the
// configuration still produces are evaluated, the others (a row removed
// since the plan) are bound without a configuration of their own.
func (p *planner) bindInstances(ctx context.Context, r *resource) {
	r.value = cty.DynamicVal
	saved := p.bound[r.addr]
	keys, diags := p.expand(r)
	p.report(diags)
	if diags.HasErrors() || r.prov.block == nil {
		return
	}
	if len(saved) > 0 && !p.configure(ctx, r.prov) {
		return
	}
	byKey := make(map[addrs.Key]*instanceKey, len(keys))
	for i := range keys {
		byKey[keys[i].key] = &keys[i]
	}
	stored := p.stored.byRes[r.addr]
	p.newEvaluator(r)
	r.batch = len(saved) > batchInstances
	steps := make([]*Step, len(saved))
	p.parallel(len(saved), func(i int) {
		c := saved[i]
		if ik := byKey[c.Addr.Key]; ik != nil {
			steps[i] = p.bindStep(ctx, newStep(r, ik, stored.get(c.Addr.Key)), c, true)
		} else {
			steps[i] = p.bindStep(ctx, newKeyStep(r, c.Addr.Key, stored.get(c.Addr.Key)), c, false)
		}
	})
	r.steps = dropNil(steps)
	r.value = r.build(r.steps, func(s *Step) cty.Value { return s.value })
}

// bindRemoved binds the saved changes of resources no longer in the
// configuration (forgets, mostly).
func (p *planner) bindRemoved(ctx context.Context) {
	for addr, saved := range p.bound {
		if _, ok := p.res[addr]; ok {
			continue
		}
		r := &resource{addr: addr, exp: expansionOfKeys(p.stored.byRes[addr])}
		pr, block := p.lookupType(addr)
		if block == nil {
			continue // reported by Bind: not applicable
		}
		r.setSchema(pr, block)
		p.res[addr] = r
		if !p.configure(ctx, pr) {
			continue
		}
		stored := p.stored.byRes[addr]
		for _, c := range saved {
			if st := p.bindStep(ctx, newKeyStep(r, c.Addr.Key, stored.get(c.Addr.Key)), c, false); st != nil {
				r.steps = append(r.steps, st)
			}
		}
	}
}

// bindStep makes c, a saved change, the change of st. A change that calls
// a provider gets its reviewed configuration (reviewedConfig); evaluate
// says the instance is in the configuration (its marks are read from
// it). What the file left unknown of the prior value is read from the
// state record. It returns nil when the change cannot run as reviewed
// (the error is reported).
func (p *planner) bindStep(ctx context.Context, st *Step, c *plans.Change, evaluate bool) *Step {
	var fresh cty.Value
	if evaluate && (c.Persist || c.Action != plans.NoOp) {
		v, diags := p.evalConfig(st)
		p.report(p.withRowOrigin(st, diags))
		if diags.HasErrors() {
			return nil
		}
		fresh = v
	}
	st.Change, st.Persist = c, c.Persist
	st.bound = true
	if calls(c) && c.Deferred() {
		// A create the plan file's reader kept encoded
		// (plans.Reader.PackCreates): read here, packed again below.
		if err := c.ReadDeferred(); err != nil {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid plan file", Detail: fmt.Sprintf("The values of %s in the plan file cannot be read: %s.", c.Addr, err)}})
			return nil
		}
	}
	if calls(c) && !p.req.Options.RefreshOnly { // a refresh-only plan calls no provider
		cfg, ok := p.reviewedConfig(st, fresh)
		if !ok {
			return nil
		}
		st.Config, st.fp = cfg, p.fingerprint(st, cfg)
	}
	if c.Deferred() && (c.Persist || st.res.referenced) {
		// Its values are what apply records, or what dependents read.
		if err := c.ReadDeferred(); err != nil {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid plan file", Detail: fmt.Sprintf("The values of %s in the plan file cannot be read: %s.", c.Addr, err)}})
			return nil
		}
	}
	if st.Stored != nil && c.Before != cty.NilVal && !c.Before.IsWhollyKnown() {
		if raw, err := st.Stored.Attributes(); err != nil {
			p.report(hcl.Diagnostics{attrsError(err)})
			return nil
		} else if prior, err := decodeAttrs(raw, st.res.ty); err == nil {
			c.Before = fillUnknown(c.Before, prior)
			if c.Persist {
				c.After = fillUnknown(c.After, prior)
			}
		}
	}
	if c.Persist && c.After != cty.NilVal && !c.After.IsWhollyKnown() && fresh != cty.NilVal {
		p.completeRecorded(ctx, st, fresh)
	}
	st.value = st.res.refValue(c.After, st.marks()) // DynamicVal when nothing refers to it
	if rc := st.res.cfg; rc != nil && len(rc.Postconditions) > 0 && calls(c) {
		p.conds.mu.Lock()
		p.conds.later[st] = true
		p.conds.mu.Unlock()
	}
	packBound(st)
	return st
}

// packBound keeps a saved batch's create encoded until apply reaches it,
// as the plan does (pack): its change holds the configuration reviewed,
// completed with its secrets (what Final plans with), and its planned
// value, as cty msgpack; the step lets go of its configuration. The
// change's ConfigDigest stays the reviewed one.
func packBound(st *Step) {
	c := st.Change
	if !st.res.batch || c.Action != plans.Create || st.Config == cty.NilVal {
		return
	}
	saved := c.Config
	c.Config = st.Config
	if c.Pack(st.res.ty) == nil {
		c.Config = saved
		return
	}
	st.packedKnown = st.Config.IsWhollyKnown()
	st.Config, st.packed = cty.NilVal, true
}

// calls reports whether a change calls a provider, with its configuration.
func calls(c *plans.Change) bool {
	switch c.Action {
	case plans.Create, plans.Update, plans.Replace, plans.Read:
		return true
	}
	return false
}

// reviewedConfig is the configuration c was planned with: the plan
// file's, its sensitive paths (unknown in the file) taken from fresh, the
// configuration evaluated now; fresh itself for a file that kept no
// configuration. It must digest to the change's ConfigDigest: else the
// configuration changed since the plan was made in what the file cannot
// hold, and the change is refused.
func (p *planner) reviewedConfig(st *Step, fresh cty.Value) (cty.Value, bool) {
	c := st.Change
	cfg := c.Config
	switch {
	case cfg == cty.NilVal:
		cfg = fresh
	case fresh != cty.NilVal:
		cfg = fillPaths(cfg, fresh, c.Sensitive)
	}
	if cfg == cty.NilVal || fresh == cty.NilVal && !cfg.IsWhollyKnown() {
		p.report(p.notReviewed(st, "it is no longer in the configuration, and the plan file does not hold all of its configuration"))
		return cty.NilVal, false
	}
	if c.ConfigDigest != "" && p.req.Digester != nil && configDigest(p.req.Digester, cfg) != c.ConfigDigest {
		what := "its configuration changed since the plan was made"
		if c.Config != cty.NilVal {
			what = "its sensitive inputs (a password, a NIK, a token), which the plan file does not hold, changed since the plan was made"
		}
		p.report(p.notReviewed(st, what))
		return cty.NilVal, false
	}
	return cfg, true
}

func (p *planner) notReviewed(st *Step, why string) hcl.Diagnostics {
	d := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Saved plan no longer applicable",
		Detail: fmt.Sprintf("The saved plan cannot apply %s as it was reviewed: %s. Nothing was applied. Make a new plan with daftar plan -out, review it, and apply that.",
			st.Addr(), why),
	}
	if st.res.cfg != nil {
		d.Subject = st.res.cfg.DeclRange.Ptr()
	}
	return p.withRowOrigin(st, hcl.Diagnostics{d})
}

// configDigest is Change.ConfigDigest of cfg (see configDigests).
func configDigest(d providers.Digester, cfg cty.Value) string {
	b, err := ctymsgpack.Marshal(cfg, cfg.Type())
	if err != nil {
		b = []byte(cfg.GoString())
	}
	return d.Digest("plan-config", b)
}

// fillPaths is saved with the values at paths (unknown in a plan file)
// taken from fresh, where fresh has them with the same type.
func fillPaths(saved, fresh cty.Value, paths []cty.Path) cty.Value {
	if len(paths) == 0 || !saved.Type().Equals(fresh.Type()) {
		return saved
	}
	out, err := cty.Transform(saved, func(p cty.Path, v cty.Value) (cty.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		for _, s := range paths {
			if p.Equals(s) {
				if f, err := p.Apply(fresh); err == nil && f.Type().Equals(v.Type()) {
					return f, nil
				}
			}
		}
		return v, nil
	})
	if err != nil {
		return saved
	}
	return out
}

// completeRecorded fills what the plan file left unknown of the values a
// change records with no provider call (an import, an adoption), which
// the state record did not give: the provider plans the configuration
// against the recorded value, as the plan did, and its answer fills the
// unknown paths (a password's keyed digest, say). Nothing is sent.
func (p *planner) completeRecorded(ctx context.Context, st *Step, cfg cty.Value) {
	r, c := st.res, st.Change
	prior := c.Before
	if prior == cty.NilVal || prior.IsNull() {
		prior = c.After
	}
	resp := planResource(ctx, r, providers.PlanRequest{Type: r.addr.Type, Addr: st.Addr(), Config: ignoreChanges(r, cfg, prior), Prior: prior,
		Ignored: ignoredPaths(r, cfg, prior)})
	if resp.Planned == cty.NilVal {
		return // the record cannot be encoded: apply says so for this change
	}
	// Its diagnostics are the plan's, which saw the whole prior: only the
	// values it plans are read here.
	c.After = fillUnknown(c.After, resp.Planned)
	if c.Before != cty.NilVal && !c.Before.IsNull() {
		c.Before = fillUnknown(c.Before, resp.Planned)
	}
}
