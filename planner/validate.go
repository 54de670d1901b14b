package planner

import (
	"context"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Validate checks a configuration without any request and without
// configuring providers: blocks, references, cycles, provider blocks,
// every resource body against its schema, and the providers' own rules.
// Where count or for_each is known from variables and locals alone, every
// instance is checked; elsewhere one representative with unknown values.
// With no Vars in the request (daftar validate), variables are unknown.
func Validate(req *Request) hcl.Diagnostics {
	// A variable with no value given is unknown: what it decides is
	// checked through one value standing for all.
	r := *req
	r.Vars = unknownVars(req.Config)
	maps.Copy(r.Vars, req.Vars)
	req = &r
	p := newPlanner(req)
	p.validating, p.checkOnly = true, true
	// No state: every instance is new, checked as a plan from an empty
	// state checks it (prevalidate), which keeps of a batch's valid
	// instances only what the checks across them read, not each one's
	// configuration and step.
	p.known = &stateIndex{byRes: map[addrs.Resource]*instRecords{}}
	return sortDiags(p.validateAll())
}

// prevalidate runs Validate's checks with the request's real variables, so
// that Plan reports every input error before it sends any request. Only a
// failing run matters: a passing one's warnings come again from the plan,
// or, for the instances whose evaluation the walk takes over (see
// preChecked), with their evaluation.
func (p *planner) prevalidate() bool {
	pre := newPlanner(p.req)
	pre.validating = true
	pre.known = p.stored
	diags := pre.validateAll()
	p.excluded = pre.excluded
	p.report(pre.exclusionDiags) // where each excluded instance is wrong
	if diags.HasErrors() {
		p.report(diags)
		return false
	}
	p.pre = pre.reusable()
	return true
}

// EvalLocals evaluates the locals that refer to no resource or data
// source: they depend on variables and files only, so a command can
// evaluate them while it loads the state (a batch's csvdecode of 100,000
// rows, while a 100,000-resource state is read), and hand them to Plan in
// Request.Locals. It makes no request and needs no state. When any local
// gives a diagnostic, even a warning, it returns nil: Plan then evaluates
// every local and reports it. A local read as a CSV table (evalLocal) is
// given as a value only Plan reads (schema.TableVal), not the local's
// value.
func EvalLocals(req *Request) map[string]cty.Value {
	r := *req
	r.State, r.Locals = nil, nil
	p := newPlanner(&r)
	if !p.prepare() {
		return nil
	}
	out := map[string]cty.Value{}
	for _, key := range p.order {
		b := p.blocks[key]
		if b.local == nil || !b.resourceFree {
			continue
		}
		v, diags := p.evalLocal(b.local)
		if len(diags) > 0 {
			return nil
		}
		p.vals.setLocal(b.local.Name, v)
		out[b.local.Name] = v
	}
	return out
}

func unknownVars(cfg *schema.Config) map[string]cty.Value {
	vars := make(map[string]cty.Value, len(cfg.Variables))
	for name, v := range cfg.Variables {
		vars[name] = cty.UnknownVal(v.Type)
	}
	return vars
}

func (p *planner) validateAll() hcl.Diagnostics {
	p.stored = &stateIndex{byRes: map[addrs.Resource]*instRecords{}}
	if !p.prepare() {
		return p.diags
	}
	p.startConfigsChecks()
	if p.mayPredict() {
		p.predicted, p.holes = map[addrs.Resource]cty.Value{}, map[addrs.Resource]int{}
	}
	p.tableKeys = map[*schema.CSVTable][]instanceKey{}
	defer func() { p.tableKeys = nil }()
	last := p.lastChecked()
	for i, key := range p.order {
		b := p.blocks[key]
		switch {
		case b.res != nil:
			p.validateResource(b.res)
			p.vals.setResource(b.res.addr, p.predictedValue(b.res))
			if b.res.prov != nil && last[b.res.prov.name] == i {
				p.askCheck(b.res.prov.name)
			}
			if p.checkOnly {
				// Daftar validate: a batch's 100,000 checked steps
				// are not held while the next resource is checked.
				b.res.steps, b.res.compact, b.res.checkedKeys, b.res.checkedRecs = nil, nil, nil, nil
			}
		case b.local != nil, b.prov != nil:
			p.walk(context.Background(), b)
		}
	}
	p.validateConfigs()
	p.checkImportTargets()
	p.outputs()
	return p.diags
}

// validateResource checks every instance of a resource whose expansion is
// known without any request, or one representative instance.
func (p *planner) validateResource(r *resource) {
	if r.block == nil || r.prov == nil {
		return
	}
	r.exact = p.depsPredicted(r)
	holey := r.exact && p.readsHoles(r)
	if holey && !p.openCheck(r) {
		r.exact, holey = false, false
	}
	defer p.providerChecked(r)
	keys, expanded := p.validationKeys(r)
	if p.known != nil {
		p.known.wait() // Plan indexes the state while the keys are made
	}
	steps := make([]*Step, len(keys))
	matched := make([]bool, len(keys))
	// recs are the instances' records, looked up once: a look-up in the
	// index of a million records costs about a microsecond (a cache miss
	// or more), and the pass needs each record up to five times.
	recs := make([]*state.Resource, len(keys))
	var known *instRecords
	if expanded && p.known != nil {
		known = p.known.byRes[r.addr]
	}
	// A new instance of a batch is validated from its attributes when its
	// provider can (providers.ValidateAttrs): its configuration is
	// dropped after this pass (dropNew), and building its object only to
	// validate it cost a fifth of a plan of 100,000 new accounts.
	va, _ := r.prov.p.(providers.ValidateAttrs)
	newLean := objectless && va != nil && expanded && p.known != nil && len(keys) > batchInstances && r.addr.Mode == addrs.Managed
	// compacted marks the unchanged instances kept without a step
	// (compact.go), when the caller reads none.
	var compacted []bool
	if expanded && p.known != nil && p.compactResource(r, len(keys)) {
		compacted = make([]bool, len(keys))
	}
	// forgetNew is set when the walk may keep r's creates without steps
	// (lazycreates.go): a new instance checked cleanly is kept without a
	// step here too, and the walk makes it (forgottenNew).
	forgetNew := expanded && p.known != nil && known.len() == 0 && p.lazyBatch(r, len(keys), 0)
	var forgot atomic.Int64
	replaced := p.replaceOf(r.addr)
	p.newEvaluator(r)
	check := p.resourceCheck(r)
	if known != nil {
		inRanges(len(keys), func(lo, hi int) {
			known.lookup(keys, nil, lo, hi, func(i int, rec *state.Resource) { recs[i] = rec })
		})
	}
	p.parallelRuns(len(keys), cpuRun, func(i int) {
		st := preStep(r, &keys[i], compacted != nil || forgetNew)
		rec := recs[i]
		lc, diags := p.evalLean(st, rec != nil || newLean)
		if diags.HasErrors() {
			diags = p.withRowOrigin(st, diags)
			if expanded && p.exclude(st, diags) {
				return
			}
			p.report(diags)
			return
		}
		if expanded && p.excludedUpstream(st) {
			return
		}
		// An instance whose evaluation reads a hole of what r depends on
		// (predictColumn) is evaluated again by the walk, which checks it
		// across instances then (openCheck).
		st.unexact = holey && !lc.known()
		check.add(i, st, lc, rec)
		if expanded && p.known != nil && !st.unexact {
			fp, same := p.fingerprintLean(st, lc, rec)
			if st.fp = fp; same {
				st.setChecks(diags) // validated when it was applied
				p.report(diags)
				p.dropConfig(st, rec, lc)
				lc.release() // its object, if dropConfig kept one, holds copies
				// An instance -replace names is planned by the walk (a
				// replace): a step of its own, and a hole of what predict
				// makes of r, its value the walk's.
				forced := replaced != nil && matchesAny(replaced, st.Change.Addr)
				if compacted != nil && !forced && p.compactInstance(st, rec, len(diags)) {
					compacted[i], matched[i] = true, true
					forgetPreStep(st)
					return
				}
				st.fp = rec.ConfigDigest()
				steps[i], matched[i] = p.preKept(st), !forced
				return
			}
		}
		req := validateRequest(r, cty.NilVal)
		if expanded {
			req.Addr = st.Addr()
		}
		vd, byAttrs := providers.Diagnostics(nil), false
		if newLean && rec == nil && lc.obj == cty.NilVal {
			vd, byAttrs = va.ValidateResourceAttrs(req, lc)
		}
		if !byAttrs || vd.HasErrors() {
			// The object, as it is kept with an error (the walk does not
			// evaluate the instance again).
			st.Config = lc.Object()
		}
		if !byAttrs {
			req.Config = st.Config
			vd = r.prov.p.ValidateResource(req)
		}
		st.setChecks(append(diags, p.withRowOrigin(st, p.resourceDiags(r, req.Addr, vd))...))
		if expanded && st.checks().HasErrors() && p.exclude(st, st.checks()) {
			return
		}
		p.report(st.checks())
		if p.known != nil && len(r.deps) > 0 && (!r.exact || st.unexact) {
			// The walk evaluates a resource that depends on others again
			// (reusable): what it needs of this pass is in the checks.
			st.Config, st.dropped = cty.NilVal, true
		} else if expanded && !st.checks().HasErrors() {
			p.dropNew(st, len(keys))
		}
		if forgetNew && rec == nil && !st.unexact && !st.checks().HasErrors() && forgettableNew(st, &keys[i]) {
			forgot.Add(1)
			forgetPreStep(st)
			return
		}
		steps[i] = p.preKept(st)
	})
	keys = p.withoutExcluded(r, keys)
	var c *compact
	if n := countTrue(compacted); n > 0 || forgot.Load() > 0 {
		// The walk takes the steps over by index in keys.
		c = &compact{is: compacted, n: n, news: int(forgot.Load()), steps: steps}
		steps = slices.Clone(steps)
	}
	r.steps = dropNil(steps)
	if expanded && len(r.steps)+c.count() == len(keys) {
		r.checkedKeys = keys
		if p.known != nil && len(keys) == len(recs) { // none excluded: recs[i] is keys[i]'s
			r.checkedRecs = recs
		}
		if c != nil && r.checkedRecs != nil {
			c.keys, c.recs = keys, recs
			r.compact = c
		}
		if len(r.steps)+r.compact.count() == len(steps) {
			p.predict(r, matched, recs)
		}
	}
	if c != nil && r.compact == nil {
		// Not taken over by the walk, which plans every instance itself.
		r.checkedKeys, r.checkedRecs = nil, nil
	}
	if r.compact == nil && known != nil {
		// The records in their file's order serve look-ups of ranges of
		// keys: this pass's, and the plan end's of the instances kept
		// compactly (compact.current), of which r has none. 8 MB at a
		// million, let go of before the walk.
		known.seq = nil
	}
}

// validationKeys expands count or for_each when their values are known,
// and otherwise returns one instance with unknown repetition values.
// expanded reports the former.
func (p *planner) validationKeys(r *resource) (keys []instanceKey, expanded bool) {
	if r.cfg.Module != nil {
		return p.validationKeysInModule(r)
	}
	var rep schema.Repetition
	switch r.exp {
	case counted:
		rep = schema.CountRepetition(cty.UnknownVal(cty.Number), nil)
	case keyed:
		rep = schema.EachRepetition(cty.UnknownVal(cty.String), cty.DynamicVal, nil)
	default:
		return []instanceKey{{key: addrs.NoKey}}, true
	}
	if t := p.forEachTable(r); t != nil {
		return p.tableKeysOf(t), true
	}
	v, diags := p.expansionValue(r)
	if diags.HasErrors() {
		p.report(diags)
		return nil, false
	}
	if r.exp == keyed {
		if d := sensitiveKeys(r, v, r.cfg.ForEach.Range().Ptr()); d != nil {
			p.report(hcl.Diagnostics{d})
			return nil, false
		}
	}
	if plain, _ := v.Unmark(); r.exp == keyed && plain.IsKnown() && !plain.IsNull() && plain.Type().IsObjectType() {
		// The batch's case: check and expand in one parallel pass.
		if keys, known := p.objectKeys(plain); known {
			return keys, true
		}
		return []instanceKey{{key: addrs.NoKey, rep: rep}}, false
	}
	if !whollyKnown(v) {
		return []instanceKey{{key: addrs.NoKey, rep: rep}}, false
	}
	keys, diags = p.expandValue(r, v)
	p.report(diags)
	return keys, !diags.HasErrors()
}

// whollyKnown is cty's IsWhollyKnown (marks ignored) without its sorted
// walk of every object's attributes, which a for_each over 100,000 rows
// makes 100,000 times.
func whollyKnown(v cty.Value) bool {
	v, _ = v.Unmark()
	switch ty := v.Type(); {
	case !v.IsKnown():
		return false
	case v.IsNull() || ty.IsPrimitiveType():
		return true
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if !whollyKnown(v.GetAttr(name)) {
				return false
			}
		}
		return true
	case ty.IsMapType():
		for _, e := range v.AsValueMap() {
			if !whollyKnown(e) {
				return false
			}
		}
		return true
	}
	return v.IsWhollyKnown()
}

// ResourceGraph returns, for each resource and data source of the
// configuration, the resources it depends on (through locals too), with
// no request and no state: what daftar graph draws. Variables may be
// unset.
func ResourceGraph(req *Request) (map[addrs.Resource][]addrs.Resource, hcl.Diagnostics) {
	r := *req
	r.State, r.Locals = nil, nil
	p := newPlanner(&r)
	if !p.prepare() {
		return nil, p.diags
	}
	out := make(map[addrs.Resource][]addrs.Resource, len(p.res))
	for a, res := range p.res {
		if res.cfg != nil {
			out[a] = res.deps
		}
	}
	return out, p.diags
}
