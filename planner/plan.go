package planner

import (
	"context"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Result is a plan and what the executor needs to carry it out.
type Result struct {
	Plan *plans.Plan
	p    *planner
	// steps are in the order of Plan.Changes.
	steps []*Step
	// made are the steps of the changes apply took from the plan's lazy
	// blocks (lazycreates.go), until released.
	madeMu sync.Mutex
	made   map[*plans.Change]*Step
}

// Plan computes the plan. The diagnostics hold every problem found; with
// errors, Result.Plan.Errored is set and the plan must not be applied.
// Plan makes read requests only (refresh, data sources, resolutions).
func Plan(ctx context.Context, req *Request) (*Result, hcl.Diagnostics) {
	p := newPlanner(req)
	res := p.plan(ctx)
	return res, sortDiags(p.diags)
}

func (p *planner) plan(ctx context.Context) *Result {
	st := p.req.state()
	plan := &plans.Plan{Options: p.req.Options, RefreshOnly: p.req.Options.RefreshOnly, Lineage: st.Lineage, Serial: st.Serial}
	res := &Result{Plan: plan, p: p}
	// The state is indexed while the configuration is prepared and the
	// pre-pass starts (indexStateAsync); the outcome is what indexing
	// first gave: a state with a record daftar cannot read reports that
	// first, with what prepare found, and plans nothing.
	idx := indexStateAsync(st)
	p.stored = idx
	prepared := p.prepare()
	p.mu.Lock()
	n := len(p.diags) // the diagnostics before prevalidate's
	p.mu.Unlock()
	prevalidated := prepared && p.prevalidate()
	idx.wait()
	if len(idx.diags) > 0 {
		// What prevalidate reported and decided is dropped: it ran only
		// because the index was not made yet.
		p.mu.Lock()
		p.diags = append(append(hcl.Diagnostics{}, idx.diags...), p.diags[:n]...)
		p.mu.Unlock()
		p.excluded, p.pre = nil, nil
		plan.Errored = true
		return res
	}
	if !prepared || !prevalidated {
		plan.Errored = true
		return res
	}
	p.applyMoves()
	if p.hasErrors() {
		plan.Errored = true
		return res
	}
	p.parseSelection()
	if p.hasErrors() {
		// An invalid -target or -replace: nothing is refreshed or planned
		// for what the user did not mean.
		plan.Errored = true
		return res
	}
	p.startWalkChecks()
	for _, key := range p.order {
		if ctx.Err() != nil {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Planning interrupted", Detail: "The plan was cancelled before it was complete: " + ctx.Err().Error() + "."}})
			break
		}
		p.walk(ctx, p.blocks[key])
	}
	p.planRemoved(ctx)
	p.checkImportTargets()
	p.validateConfigs()
	res.steps = p.collect()
	p.markMoves(res.steps)
	p.dependsOn(res.steps)
	p.configDigests(res.steps)
	plan.Changes = make([]*plans.Change, len(res.steps))
	for i, s := range res.steps {
		s.Change.Persist = s.Persist
		if calls(s.Change) && !s.packed {
			s.Change.Config = s.Config
		}
		plan.Changes[i] = s.Change
	}
	res.lazyBlocks()
	plan.Outputs = p.outputs()
	p.report(p.checkBlocks())
	if !p.hasErrors() {
		// An erroring plan spends nothing: it is not applied, and where
		// an upstream instance failed, each of its dependents is counted
		// as a replace (its value unknown), which is no spend to warn of.
		plan.Spends = p.spends(ctx, plan.Changes)
	}
	plan.Resolutions = p.sortedResolutions()
	plan.Excluded = p.sortedExclusions()
	plan.Existing = p.existingFound()
	plan.Finished = p.finishedCounts(res.steps)
	plan.InputDigest = p.inputDigest()
	plan.Errored = p.hasErrors()
	return res
}

// walk evaluates one block; blocks come in dependency order.
func (p *planner) walk(ctx context.Context, b *block) {
	switch {
	case b.local != nil:
		if v, ok := p.req.Locals[b.local.Name]; ok && b.resourceFree {
			p.vals.setLocal(b.local.Name, v)
			return
		}
		if v, ok := p.pre.local(b.local.Name); ok {
			p.vals.setLocal(b.local.Name, v)
			return
		}
		v, diags := p.evalLocal(b.local)
		p.report(diags)
		if diags.HasErrors() {
			v = cty.DynamicVal
		}
		p.vals.setLocal(b.local.Name, v)
	case b.prov != nil:
		p.evalProvider(b.prov)
	case b.res != nil:
		p.planResource(ctx, b.res)
	}
}

// planResource plans every instance of a resource and sets its value.
func (p *planner) planResource(ctx context.Context, r *resource) {
	switch {
	case r.block == nil || r.prov == nil:
		r.value = cty.DynamicVal
	case p.bound != nil:
		p.bindInstances(ctx, r)
	case !p.sel.resource(r.addr):
		p.keepFromState(ctx, r)
	case p.req.Options.RefreshOnly && r.addr.Mode == addrs.Managed:
		p.refreshOnly(ctx, r)
	default:
		p.planInstances(ctx, r)
	}
	p.vals.setResource(r.addr, r.value)
}

// planInstances expands a resource and plans each instance in parallel.
func (p *planner) planInstances(ctx context.Context, r *resource) {
	r.value, r.valuePredicted = cty.DynamicVal, false
	pre := p.pre.take(r.addr)
	if pre != nil && len(r.deps) > 0 && !p.pre.confirmed(p, r) {
		pre = nil // evaluated with other values than the walk's: evaluate again
	}
	var keys []instanceKey
	var diags hcl.Diagnostics
	if pre != nil {
		keys, r.taken = pre.checkedKeys, p.sel.wholeResource(r.addr)
	} else {
		keys, diags = p.expand(r)
		keys = p.withoutExcluded(r, keys)
	}
	p.report(diags)
	if diags.HasErrors() || r.prov.block == nil || !p.configure(ctx, r.prov) {
		return
	}
	p.warnIncompleteReplace(r, keys)
	if r.addr.Mode == addrs.Managed && p.hasImports() {
		imports, diags := p.importBlocks(r, keys)
		p.report(diags)
		if diags.HasErrors() {
			return
		}
		r.imports = imports
	}
	stored := p.stored.byRes[r.addr]
	whole := p.sel.wholeResource(r.addr)
	p.newEvaluator(r)
	r.batch = len(keys) > batchInstances
	steps := make([]*Step, len(keys))
	// The pre-pass's look-ups of the records, when no moved block has
	// changed the index since: at a million records a look-up costs about
	// a microsecond.
	var recs []*state.Resource
	if pre != nil && p.moved == nil && len(pre.checkedRecs) == len(keys) {
		recs = pre.checkedRecs
	}
	// The pre-pass's steps by index in keys, and the instances it kept
	// without one (compact.go): kept so again, or given the step it would
	// have kept.
	var preSteps []*Step
	var compacted []bool
	if pre != nil {
		preSteps = pre.steps
		if pc := pre.compact; pc != nil {
			preSteps = pc.steps
			if p.walkCompact(r, pre, recs) {
				compacted = make([]bool, len(keys))
			}
		}
	}
	var lz *lazyCreates
	outcomes := false
	switch {
	case p.lazyResource(r, len(keys), stored.len()):
		lz = &lazyCreates{r: r, keys: keys, packs: make([][]byte, len(keys))}
	case stored.len() > 0 && p.lazyOutcomeResource(r, len(keys)):
		lz = &lazyCreates{r: r, keys: keys, outs: make([]lazyOutcome, len(keys))}
		outcomes = true
	}
	// The instances kept compactly again are found first, in runs of
	// neighbouring indexes on every core (parallelRuns), and only the
	// others are handed to the workers one index at a time: at a million
	// unchanged rows the shared counter of parallel, taken per index by
	// workers that then had nothing to do, cost more than the check.
	var rest []int
	n := len(keys)
	if compacted != nil {
		predicted := pre.compact.predictedVals()
		p.parallelRuns(len(keys), cpuRun, func(i int) {
			compacted[i] = preSteps[i] == nil && p.compactable(r, recs[i], predicted)
		})
		rest = make([]int, 0, len(keys)-countTrue(compacted))
		for i, c := range compacted {
			if !c {
				rest = append(rest, i)
			}
		}
		n = len(rest)
	}
	if outcomes && n > 0 {
		// Only instances the walk plans read their rows again: when the
		// pre-pass kept every one (a plan with no change), packing the
		// text cost 0.5 s of CPU at a million rows, to save memory that
		// nothing reads.
		p.packTable(r)
	}
	p.parallel(n, func(i int) {
		if rest != nil {
			i = rest[i]
		}
		var st *Step
		var again bool // the pre-pass evaluated it with a hole (unexact)
		if pre != nil {
			var rec *state.Resource
			if recs != nil {
				rec = recs[i]
			} else {
				rec = stored.get(keys[i].key)
			}
			again = preSteps[i] != nil && preSteps[i].unexact
			switch {
			case again:
				// Evaluated, validated and checked by the walk, as its own.
				st = newStep(r, &keys[i], rec)
			case preSteps[i] == nil: // kept without a step by the pre-pass, not kept so again (above)
				if rec == nil { // a new instance the pre-pass forgot (forgettableNew)
					preSteps[i] = forgottenNew(r, &keys[i])
				} else {
					preSteps[i] = uncompact(r, &keys[i], rec)
				}
				if pre.compact.predictedVals() {
					// As predict left the step it would have kept.
					preSteps[i].value, preSteps[i].predicted = pre.compact.value(r, i), true
				}
			}
			if !again {
				st = adopt(preSteps[i], r, rec)
			}
			preSteps[i] = nil
		} else {
			st = newStep(r, &keys[i], stored.get(keys[i].key))
		}
		switch {
		case !whole && !p.sel.instance(st.Change.Addr):
			steps[i] = p.keep(st)
		case r.addr.Mode == addrs.Data:
			steps[i] = p.checked(ctx, st, p.planData)
		default:
			steps[i] = p.checked(ctx, st, p.planManaged)
		}
		if again {
			p.recheck(r, i, steps[i])
		}
		if lz != nil && steps[i] != nil && lz.keepStep(p, i, steps[i]) {
			steps[i] = nil
		}
	})
	if lz.count() > 0 {
		// Kept whatever the other instances have: steps, which the block
		// is split around in the plan's order (lazyBlocks), or errors.
		r.lazy = lz
		lz.sortLazy()
	}
	filled := p.filledColumn(r, pre, steps, compacted)
	r.steps = dropNil(steps)
	if n := countTrue(compacted); n > 0 {
		r.compact = &compact{is: compacted, n: n, keys: keys, recs: recs, vals: pre.compact.vals, col: pre.compact.col}
	}
	if len(r.steps)+r.compact.count()+r.lazy.count() < len(keys) && p.hasErrors() {
		p.feedWalkCheck(r)
		return // errors reported; dependents plan with an unknown value
	}
	p.forgetOrphans(r, keys, stored)
	p.feedWalkCheck(r)
	if filled != nil {
		r.value, r.valuePredicted = schema.ColumnsVal(filled), true
		return
	}
	if v, ok := p.predictedWhole(r, len(keys)); ok && pre != nil {
		if predictedWholeTaken != nil {
			predictedWholeTaken(r.addr.String(), schema.Whole(v), r.buildWithCompact(func(s *Step) cty.Value { return s.value }))
		}
		r.value, r.valuePredicted = v, true
		return
	}
	if col := keysColumn(r, len(keys)); col != nil {
		r.value = schema.ColumnsVal(col)
		return
	}
	if lk := lazyKeysOf(r); lk != nil {
		r.value = schema.ColumnsVal(lk)
		return
	}
	r.value = r.buildWithCompact(func(s *Step) cty.Value { return s.value })
}

// keysColumn is the value of r, a resource of n instances kept compactly
// whose dependents read only its keys (length(R)), as a column of no
// attribute over its keys, as predict makes it when every instance is
// unchanged: a row added since apply does not make the walk build an
// object of a million empty objects (about 100 MB at a million) that
// nothing reads but for its keys. Nil unless every instance is kept
// compactly or planned with a step that does not forget it, none lazily.
func keysColumn(r *resource, n int) *column {
	c := r.compact
	if c == nil || r.lazy != nil || !r.referenced || !r.keysOnly() || len(c.keys) != n || c.count()+len(r.steps) != n {
		return nil
	}
	for _, st := range r.steps {
		if _, ok := st.Change.Addr.Key.(addrs.StringKey); !ok || st.Change.Action == plans.Forget {
			return nil
		}
	}
	for i := range c.keys {
		if _, ok := c.keys[i].key.(addrs.StringKey); !ok {
			return nil
		}
	}
	return emptyColumn(c, nil, cty.NilType)
}

// forgetOrphans plans a forget for the stored instances that count or
// for_each no longer produce.
func (p *planner) forgetOrphans(r *resource, keys []instanceKey, stored *instRecords) {
	if stored.len() == 0 || r.addr.Mode == addrs.Data {
		return
	}
	if n := r.compact.count() + r.lazy.current(); stored.len() <= len(r.steps)+n && storedAllCurrent(r.steps, stored, r.compact, r.lazy) {
		return
	}
	current := make(map[addrs.Key]struct{}, len(keys))
	for _, k := range keys {
		current[k.key] = struct{}{}
	}
	for key, rec := range stored.all() {
		if _, ok := current[key]; ok {
			continue
		}
		if _, ok := p.excluded[r.addr.Instance(key).String()]; ok {
			continue // left as stored: excluded, not gone
		}
		if st := p.forget(r, key, rec); st != nil {
			r.steps = append(r.steps, st)
		}
	}
}

// storedAllCurrent reports whether every stored instance is one of the
// planned steps': as many distinct keys of them found among the stored
// records as there are records. A batch that lost no row finds no orphan
// without a set of its 100,000 keys.
func storedAllCurrent(steps []*Step, stored *instRecords, c *compact, lazy *lazyCreates) bool {
	n := c.current(stored) + lazy.current()
	for _, st := range steps {
		if st.Stored != nil && stored.get(st.Change.Addr.Key) == st.Stored {
			n++
		}
	}
	return n == stored.len()
}

// collect gathers every step, sorted by address.
func (p *planner) collect() []*Step {
	addrsSorted := sortedResources(p.res)
	var n int
	for _, r := range p.res {
		n += len(r.steps)
	}
	out := make([]*Step, 0, n)
	for _, a := range addrsSorted {
		r := p.res[a]
		sortSteps(r.steps)
		out = append(out, r.steps...)
	}
	return out
}

func sortSteps(steps []*Step) {
	if sort.SliceIsSorted(steps, func(i, j int) bool { return keyLess(steps[i].Change.Addr.Key, steps[j].Change.Addr.Key) }) {
		return
	}
	sort.Slice(steps, func(i, j int) bool { return keyLess(steps[i].Change.Addr.Key, steps[j].Change.Addr.Key) })
}

// keyLess orders keys as addrs.Instance.Less does, without building
// addresses.
func keyLess(a, b addrs.Key) bool {
	switch {
	case a == nil:
		return b != nil
	case b == nil:
		return false
	}
	_, aKeys := a.(addrs.Keys)
	_, bKeys := b.(addrs.Keys)
	if aKeys || bKeys {
		return addrs.Instance{Key: a}.Less(addrs.Instance{Key: b})
	}
	ai, aInt := a.(addrs.IntKey)
	bi, bInt := b.(addrs.IntKey)
	if aInt && bInt {
		return ai < bi
	}
	if aInt != bInt {
		return aInt
	}
	return a.(addrs.StringKey) < b.(addrs.StringKey)
}

func (p *planner) sortedResolutions() []plans.Resolution {
	out := append([]plans.Resolution(nil), p.resolutions...)
	sort.Slice(out, func(i, j int) bool { return out[i].Addr.Less(out[j].Addr) })
	return out
}

// finishedCounts counts the steps whose refresh found them newly final, by
// noun and outcome, and the refreshed no-ops kept lazily.
func (p *planner) finishedCounts(steps []*Step) []plans.Finished {
	counts := map[[2]string]int{}
	p.finishedLazy(counts)
	for _, s := range steps {
		if f := s.finished(); f != nil {
			counts[[2]string{f.Noun, f.Outcome}]++
		}
	}
	out := make([]plans.Finished, 0, len(counts))
	for k, n := range counts {
		out = append(out, plans.Finished{Noun: k[0], Outcome: k[1], Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Noun != out[j].Noun {
			return out[i].Noun < out[j].Noun
		}
		return out[i].Outcome < out[j].Outcome
	})
	return out
}
