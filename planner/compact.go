package planner

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// This file keeps a batch's unchanged instances compactly when the plan's
// caller reads no no-op (Request.CompactNoOps: a plan printed for people,
// whose renderer skips no-ops) or reads each as it writes it (the JSON
// plan, the plan file: Result.Source, noopsource.go): an instance that would be a no-op whose
// values stay in its state record (unreadNoOp) gets no Step and no
// plans.Change, only a mark beside the resource's keys and records, which
// the plan holds anyway. At a million unchanged accounts that is about 690
// bytes an instance (a Step, a Change, the deferred value and its loader)
// not held to the end of the plan. Result.ExpandNoOps makes their steps and
// changes, exactly as the walk would have (deferStored), for a caller that
// needs them after all.

// compact is a resource's instances kept without a step.
type compact struct {
	// is marks, by index in keys, the instances kept without a step.
	is []bool
	n  int // how many are marked
	// news counts the new instances the pre-pass kept without a step
	// (forgottenNew), nil in steps but not marked in is.
	news int
	// keys and recs are the resource's keys and their records (the
	// pre-pass's checkedKeys and checkedRecs), in the same order. Once
	// apply starts, akeys hold keys' instance keys alone and keys is nil
	// (leanKeys): nothing evaluates an instance kept compactly at apply,
	// so its count and each (a batch's CSV row) are not kept.
	keys  []instanceKey
	akeys []addrs.Key
	recs  []*state.Resource
	// steps are, in the pre-pass, its steps by index in keys: nil where an
	// instance is marked (the walk takes them over by index).
	steps []*Step
	// vals are, for a resource whose dependents read some of its
	// attributes (projected), the values they see of the marked instances
	// by index in keys: what the pre-pass predicted from their records
	// (predict), which is what the walk would give each (keepPredicted).
	// Nil for a resource read only by its keys, or nothing.
	vals []cty.Value
	// col holds those values instead, as a column per attribute read,
	// when every instance is marked (column.go).
	col *column
}

// len is the number of the resource's keys.
func (c *compact) len() int {
	if c.keys == nil {
		return len(c.akeys)
	}
	return len(c.keys)
}

// key is the instance key of keys[i].
func (c *compact) key(i int) addrs.Key {
	if c.keys == nil {
		return c.akeys[i]
	}
	return c.keys[i].key
}

// instKey is keys[i], or once apply let go of them its key alone, with no
// count or each: nothing evaluates the step made of it (a no-op).
func (c *compact) instKey(i int) *instanceKey {
	if c.keys == nil {
		return &instanceKey{key: c.akeys[i]}
	}
	return &c.keys[i]
}

// leanKeys lets go of keys, keeping akeys, their instance keys alone
// (made once for every holder of the same keys: lean).
func (c *compact) leanKeys(lean leanKeys) {
	if c == nil || c.keys == nil {
		return
	}
	c.akeys, c.keys = lean.of(c.keys), nil
}

// predictedVals reports whether c holds the values predicted for its
// instances (vals or col).
func (c *compact) predictedVals() bool { return c != nil && (c.vals != nil || c.col != nil) }

// value is what the dependents of r see of the marked instance i.
func (c *compact) value(r *resource, i int) cty.Value {
	if c.col != nil {
		return c.col.row(i)
	}
	if c.vals != nil {
		return c.vals[i]
	}
	if r.referenced {
		return cty.EmptyObjectVal // what deferStored gives
	}
	return cty.DynamicVal
}

// compactResource reports whether the pre-pass or the walk may keep the
// unchanged instances of r without steps: the caller asked for it; r is
// a batch of the root module's managed resource, with no condition, that
// nothing refers to, or only for its keys (length(R), keys(R): its value
// is then built with the instances kept compactly, buildWithCompact), or
// for some of its attributes (R[each.key].email: projected; the values
// its dependents see of the instances kept compactly are then the ones
// predict reads from their records, compact.vals, and the walk keeps them
// compactly only where the pre-pass predicted them); the plan is of the whole
// configuration (no -target, -replace, -refresh-only, -exclude-invalid),
// and has no import or moved block.
func (p *planner) compactResource(r *resource, n int) bool {
	rc, opts := r.cfg, p.req.Options
	if !p.req.CompactNoOps || p.bound != nil || n <= batchInstances || opts.RefreshOnly || opts.ExcludeInvalid || len(opts.Targets) > 0 ||
		p.hasImports() || slices.ContainsFunc(p.req.Config.AllModules(), func(m *schema.Config) bool { return len(m.Moved) > 0 }) {
		return false
	}
	return rc != nil && rc.Module == nil && r.addr.Mode == addrs.Managed && r.prov != nil && (!r.referenced || r.exp == keyed && r.projected()) &&
		len(rc.Preconditions)+len(rc.Postconditions) == 0
}

// compactInstance reports whether the pre-pass's step st of an instance
// whose stored record rec holds the digest of its configuration
// (digestMatches) may be forgotten and the instance kept compactly: no
// diagnostic, no sensitive mark of its own, its configuration dropped
// (dropConfig), and a record the walk would leave unread (readsNothing),
// or whose step the walk makes again as the pre-pass had it (remadeByWalk).
func (p *planner) compactInstance(st *Step, rec *state.Resource, diagsN int) bool {
	if diagsN > 0 || !st.dropped || len(st.marks()) > 0 {
		return false
	}
	if p.compactable(st.res, rec, p.predicted != nil) {
		return true
	}
	if !p.remadeByWalk(st.res, rec) {
		return false
	}
	if preRemade != nil {
		preRemade(st.Addr())
	}
	return true
}

// remaking lets the pre-pass keep instances for the walk to make again
// (remadeByWalk); tests turn it off to compare a plan with the one made
// with their steps kept.
var remaking = true

// preRemade, set by tests, is told each instance the pre-pass keeps
// compactly for the walk to make its step again (remadeByWalk).
var preRemade func(addr string)

// remadeByWalk reports whether the walk, which refreshes rec (a record
// its provider does not call settled: a verification whose outcome is
// still to be read), makes the pre-pass's step of the instance again from
// rec alone (uncompact: checked, its configuration dropped, its digest
// its record's) when the pre-pass kept it compactly: rec holds a value and
// no pending intent, and nothing reads an attribute of r, so that no value
// is predicted from rec (predict). Otherwise every such step, about 600
// bytes at its peak (the step, its change and its digest's text), waited
// from the pre-pass until the walk reached it: 620 MB at a million
// verifications, the peak of the apply that reads their outcome.
func (p *planner) remadeByWalk(r *resource, rec *state.Resource) bool {
	return remaking && p.req.Options.Refresh && rec != nil && !rec.Settled && rec.Pending() == nil && hasAttributes(rec) && (!r.referenced || r.keysOnly())
}

// compactable is readsNothing, but for a resource whose dependents read
// some of its attributes (projected): then, when predicted, the value they
// see of rec is what predict read from it (compact.vals); the record holds
// a value and no pending intent, and no refresh would read it.
func (p *planner) compactable(r *resource, rec *state.Resource, predicted bool) bool {
	if r.referenced && !r.keysOnly() {
		return predicted && r.projected() && rec != nil && rec.Pending() == nil && hasAttributes(rec) && (!p.req.Options.Refresh || rec.Settled)
	}
	return p.readsNothing(r, rec)
}

// walkCompact reports whether the walk may keep the instances the
// pre-pass kept compactly (pre.compact) without steps: besides
// compactResource, no check of the walk needs their configurations
// (feedWalkCheck) and the records are the ones the pre-pass looked up (no
// moved block changed the index since).
func (p *planner) walkCompact(r *resource, pre *resource, recs []*state.Resource) bool {
	return pre.compact != nil && recs != nil && p.compactResource(r, len(pre.compact.keys)) && p.walkChecks[r.prov.name] == nil &&
		p.sel.wholeResource(r.addr)
}

// uncompact is the step the pre-pass would have kept for the instance
// keys[i] it kept compactly, adopted by the walk's resource r: checked,
// its configuration dropped (dropConfig), its digest its record's.
func uncompact(r *resource, ik *instanceKey, rec *state.Resource) *Step {
	st := newStep(r, ik, rec)
	st.fp, st.dropped, st.taken = rec.ConfigDigest(), true, true
	return st
}

// preSteps are the pre-pass's steps of instances it kept compactly, to be
// used again: a batch of a million unchanged accounts evaluates and
// fingerprints each in a step (and its change) it then forgets, 600 bytes
// of garbage an instance otherwise.
var preSteps = sync.Pool{New: func() any { return &Step{Change: &plans.Change{}} }}

// preStep is newStep, with a step from preSteps when reuse is set.
func preStep(r *resource, ik *instanceKey, reuse bool) *Step {
	if !reuse {
		return newStep(r, ik, nil)
	}
	st := preSteps.Get().(*Step)
	st.start(r, ik.key, nil)
	st.rep = &ik.rep
	return st
}

// forgetPreStep gives preSteps st, which the pre-pass kept compactly:
// nothing holds it (its configuration was dropped, its attributes given
// back, its provider's check kept no reference to it).
func forgetPreStep(st *Step) {
	c := st.Change
	*c = plans.Change{}
	*st = Step{Change: c}
	preSteps.Put(st)
}

// count is how many instances are kept without steps (0 for nil).
func (c *compact) count() int {
	if c == nil {
		return 0
	}
	return c.n + c.news
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// buildWithCompact is r.build of its steps and of the instances kept
// compactly: what each dependent sees of those is what deferStored gives
// (cty.DynamicVal when nothing refers to r, cty.EmptyObjectVal when only
// its keys are read, by for_each key: compactResource), or the value
// predicted from its record (compact.vals) when some attributes are; and
// of the creates kept lazily (lazycreates.go), each an empty object, or
// what apply left of it (lazyCreates.finals).
func (r *resource) buildWithCompact(val func(*Step) cty.Value) cty.Value {
	c, lz := r.compact, r.lazy
	if c == nil && lz == nil || !r.referenced {
		return r.build(r.steps, val)
	}
	attrs := make(map[string]cty.Value, len(r.steps)+c.count()+lz.count())
	if c != nil {
		for i, is := range c.is {
			if is {
				attrs[string(c.key(i).(addrs.StringKey))] = c.value(r, i)
			}
		}
	}
	lz.values(attrs, true)
	for _, s := range r.steps {
		if k, ok := s.Change.Addr.Key.(addrs.StringKey); ok && s.Change.Action != plans.Forget {
			attrs[string(k)] = val(s)
		}
	}
	return cty.ObjectVal(attrs)
}

// current is storedAllCurrent for the instances kept without
// steps: how many of them hold their key's stored record.
func (c *compact) current(stored *instRecords) int {
	if c == nil {
		return 0
	}
	// On every core: a million look-ups, the last thing a plan does
	// before it is printed.
	var n atomic.Int64
	inRanges(len(c.is), func(lo, hi int) {
		k := 0
		stored.lookup(c.keys, c.is, lo, hi, func(i int, rec *state.Resource) {
			if rec == c.recs[i] {
				k++
			}
		})
		n.Add(int64(k))
	})
	return int(n.Load())
}

// ExpandNoOps gives the plan the changes (and the Result the steps) of the
// unchanged instances it kept compactly (Request.CompactNoOps), each the
// no-op the walk makes of such an instance (unreadNoOp): its values left
// in its state record, read when something prints or saves them. Plan.
// Changes then lists every instance, as without CompactNoOps. It does
// nothing when none was kept so.
func (r *Result) ExpandNoOps() {
	p := r.p
	if p == nil || r.Plan == nil || r.Plan.Errored {
		return
	}
	var made []*Step
	for _, res := range p.res {
		c := res.compact
		if c == nil {
			continue
		}
		res.compact = nil
		for i, is := range c.is {
			if !is {
				continue
			}
			st := c.noOpStep(res, i)
			res.steps = append(res.steps, st)
			made = append(made, st)
		}
	}
	if made == nil {
		return
	}
	r.expandLazy()    // the lazy blocks' places move: none is left lazy
	p.dependsOn(made) // as plan did for the others
	r.steps = p.collect()
	changes := make([]*plans.Change, len(r.steps))
	for i, s := range r.steps {
		changes[i] = s.Change
	}
	r.Plan.Changes = changes
}

// noOpStep is the step of the marked instance i of r, kept compactly: the
// no-op the walk makes of such an instance (unreadNoOp), its values left
// in its state record (deferStored), without its DependsOn (dependsOn).
func (c *compact) noOpStep(r *resource, i int) *Step {
	st := uncompact(r, c.instKey(i), c.recs[i])
	st.taken = false
	deferStored(st)
	st.Config = cty.NilVal
	if c.predictedVals() {
		// What keepPredicted leaves: the value predicted.
		st.value, st.predicted, st.keptPredicted = c.value(r, i), true, true
	}
	return st
}
