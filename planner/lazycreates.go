package planner

import (
	"slices"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// This file keeps a batch's creates, in a plan that apply makes and
// carries out itself (Request.LazyCreates), as their packed values alone:
// no Step and no plans.Change an instance until the executor takes it
// (plans.Lazy). At a million new accounts that is about 500 bytes an
// instance (a 144-byte step, a 352-byte change) the plan does not hold
// from its walk until apply reaches each one. The executor takes each
// create as it schedules it (Lazy.Take); the renderer reads them as they
// are printed (Lazy.Change); Result.expandLazy makes them all for any
// other reader, exactly as the walk had (remake).

// lazyCreates are a resource's instances kept as packed creates.
type lazyCreates struct {
	r *resource
	// keys are the resource's keys; packs their packed values by index in
	// keys, each without what it repeats of base (the first one kept,
	// plans.PackBase.Share), or in whole (nil: all are in packs) when it
	// could not be kept so; nil once taken by apply. A block of refreshed
	// no-ops (lazyoutcomes.go) holds outs instead of packs.
	keys  []instanceKey
	packs [][]byte
	whole []*plans.Packed
	base  *plans.PackBase
	// tbase is, for a block of refreshed no-ops, what outs' values are
	// kept against (shareOutcome), with each one's record, which records
	// reads. baseOnce makes base, or tbase and records, of the first
	// instance kept.
	tbase    *plans.TupleBase
	records  *plans.RecordTuples
	baseOnce sync.Once
	outs     []lazyOutcome
	// akeys are keys' instance keys alone, once apply starts
	// (compactKeys): keys, their count and each (a batch's CSV rows), go.
	akeys []addrs.Key
	// order are the indices in keys in address order, once the walk of
	// the resource is done (sortLazy).
	order []int32
	// kept counts the instances kept; flags, spends and reason are what
	// every kept instance's step and change had besides its key and
	// values (set by the first one kept, compared with each other's: a
	// provider gives every create of a resource the same reason, say).
	mu     sync.Mutex
	kept   int
	set    bool
	flags  stepFlags
	spends int
	reason string
	// deps are every kept instance's DependsOn, its own key left out (set
	// by the first one kept, compared with each other's): a resource whose
	// block reads usapi_account.p[each.key] names that instance of it, one
	// that reads a resource whole the resource.
	deps []lazyDep
	// finals are what dependents read of a taken instance after apply when
	// it is not what they read when it was planned (Finish; by key): the
	// resource's value is then built again with them.
	finals map[addrs.Key]cty.Value
	// fins are what refresh found final of the kept refreshed no-ops
	// (lazyoutcomes.go), one of each kind, which they share.
	fins []*plans.Finished
}

// lazyDep is an upstream of a kept instance: the instance of res with the
// instance's own key (own), or res whole.
type lazyDep struct {
	res addrs.Resource
	own bool
}

// stepFlags are a step's flags, which remake gives back.
type stepFlags struct {
	taken, dropped, dataOK, predicted, keptPredicted, bound, backfill, packed, packedKnown, fpLater bool
}

func flagsOf(st *Step) stepFlags {
	return stepFlags{st.taken, st.dropped, st.dataOK, st.predicted, st.keptPredicted, st.bound, st.backfill, st.packed, st.packedKnown, st.fpLater}
}

func (f stepFlags) setOn(st *Step) {
	st.taken, st.dropped, st.dataOK, st.predicted, st.keptPredicted = f.taken, f.dropped, f.dataOK, f.predicted, f.keptPredicted
	st.bound, st.backfill, st.packed, st.packedKnown, st.fpLater = f.bound, f.backfill, f.packed, f.packedKnown, f.fpLater
}

// lazyResource reports whether the walk may keep r's creates without
// steps: the caller asked for it (an apply of the plan it makes, which
// takes no digest of the configurations); r is a batch of the root
// module's managed resource, with no condition, of which the state holds
// no instance, that nothing refers to or that is read by its keys alone
// (length(R): its value is then an empty object by key, which the lazy
// instances give, see buildWithCompact), and whose every upstream
// resource is planned with no step at all (upstreamKept: a verification
// per row reading its settled account's e-mail; its create is then sent
// as planned, upNoOps, and waits for nothing); the plan is of the whole
// configuration (no -target, -replace, -refresh-only, -exclude-invalid),
// with no import or moved block, and no check of the walk reads r's
// configurations.
func (p *planner) lazyResource(r *resource, n int, stored int) bool {
	return p.lazyBatch(r, n, stored) && p.walkChecks[r.prov.name] == nil && p.sel.wholeResource(r.addr) && p.upstreamKept(r)
}

// upstreamKept reports whether every resource r depends on is a managed
// resource of the root module the walk planned without a step or a lazy
// create (every instance unchanged and kept compactly, compact.go), with
// no error: apply changes nothing r's instances read, and no change of the
// plan is one they wait for.
func (p *planner) upstreamKept(r *resource) bool {
	if len(r.deps) > 0 && p.hasErrors() {
		return false
	}
	for _, d := range r.deps {
		up := p.res[d]
		if up == nil || up.addr.Mode != addrs.Managed || up.cfg == nil || up.cfg.Module != nil || len(up.steps) > 0 || up.lazy != nil {
			return false
		}
	}
	return true
}

// lazyBatch is lazyResource without what only the walk knows (its
// checks, the selection, the upstream's steps): for the pre-pass, which
// may keep the new instances of such a resource without steps
// (forgettableNew).
func (p *planner) lazyBatch(r *resource, n int, stored int) bool {
	return stored == 0 && p.lazyAllowed(r, n)
}

// lazyAllowed is lazyBatch of a resource whose records the state may
// hold.
func (p *planner) lazyAllowed(r *resource, n int) bool {
	rc, opts := r.cfg, p.req.Options
	if !p.req.LazyCreates || !p.req.ApplyOnly || p.bound != nil || n <= batchInstances || opts.RefreshOnly || opts.ExcludeInvalid ||
		len(opts.Targets) > 0 || len(opts.Replace) > 0 || p.hasImports() || p.moved != nil ||
		slices.ContainsFunc(p.req.Config.AllModules(), func(m *schema.Config) bool { return len(m.Moved) > 0 }) {
		return false
	}
	return rc != nil && rc.Module == nil && r.addr.Mode == addrs.Managed && r.prov != nil && (!r.referenced || r.keysOnly() && r.exp == keyed) &&
		len(rc.Preconditions)+len(rc.Postconditions) == 0
}

// lazyValue is what dependents read of a kept instance when it is
// planned (refValue of a create's planned value): nothing when nothing
// refers to its resource, an empty object when its keys alone are read.
func (r *resource) lazyValue() cty.Value {
	if !r.referenced {
		return cty.DynamicVal
	}
	return cty.EmptyObjectVal
}

// keep takes the packed values of st, the i-th instance's step, and
// reports whether the instance is kept without it: a create packed from
// a wholly known configuration, with nothing of its own but its key and
// values (no record, diagnostic, mark or digest; the value dependents
// read lazyValue, its dependencies those of every other with its own
// key), the same flags, spends and reason as every other kept one.
func (lz *lazyCreates) keep(p *planner, i int, st *Step) bool {
	c, r := st.Change, lz.r
	if !st.packed || !st.packedKnown || c.Action != plans.Create || st.Stored != nil || st.Persist || c.Persist || st.rare != nil ||
		st.Config != cty.NilVal || st.fp != "" || !st.value.RawEquals(r.lazyValue()) ||
		c.Before != cty.NilVal || c.After != cty.NilVal || c.Config != cty.NilVal || !sameSlice(c.Sensitive, r.sensitive) ||
		len(c.RequiresReplace) > 0 || c.ConfigDigest != "" || !sameResources(c.Deps, r.deps) || len(c.DependsOn) > 0 ||
		c.PrevAddr() != nil || c.Importing() != "" || c.Provider != r.prov.name || c.Addr != r.addr.Instance(lz.keys[i].key) {
		return false
	}
	pk := c.TakePacked()
	if pk == nil || c.Deferred() {
		c.SetPacked(pk)
		return false
	}
	shared := lz.share(pk) // out of lz.mu: the walk's workers keep theirs at once
	if lz.join(p, st, func() bool { lz.hold(i, pk, shared); return true }) {
		return true
	}
	c.SetPacked(pk)
	return false
}

// share is pk without what it repeats of the block's base (the first
// create shared, plans.PackBase.Share); nil when it cannot be kept so.
func (lz *lazyCreates) share(pk *plans.Packed) []byte {
	lz.baseOnce.Do(func() { lz.base, _ = plans.NewPackBase(pk) })
	if lz.base == nil {
		return nil
	}
	b, _ := lz.base.Share(pk)
	return b
}

// hold keeps pk, the packed values of keys[i], under lz.mu: as shared
// (share's) when it could be shared, whole otherwise.
func (lz *lazyCreates) hold(i int, pk *plans.Packed, shared []byte) {
	if shared != nil {
		lz.packs[i] = shared
		return
	}
	if lz.whole == nil {
		lz.whole = make([]*plans.Packed, len(lz.packs))
	}
	lz.whole[i] = pk
}

// packed is the packed values of keys[k], held.
func (lz *lazyCreates) packed(k int) *plans.Packed {
	if lz.whole != nil && lz.whole[k] != nil {
		return lz.whole[k]
	}
	pk, ok := lz.base.Unshare(lz.packs[k])
	if !ok {
		panic("planner: a lazy create's values could not be read again: " + lz.r.addr.Instance(lz.key(k)).String())
	}
	return pk
}

// join keeps st, planned as an instance lz may keep, when take (called
// under lz.mu) takes its values: its DependsOn names no other key's
// instance, and its flags, spends, reason and dependencies are those of
// every other kept one (the first sets them).
func (lz *lazyCreates) join(p *planner, st *Step, take func() bool) bool {
	deps, ok := p.lazyDeps(st)
	if !ok {
		return false
	}
	c, f := st.Change, flagsOf(st)
	lz.mu.Lock()
	defer lz.mu.Unlock()
	if !lz.set {
		lz.set, lz.flags, lz.spends, lz.reason, lz.deps = true, f, c.Spends, c.Reason, deps
	} else if f != lz.flags || c.Spends != lz.spends || c.Reason != lz.reason || !slices.Equal(deps, lz.deps) {
		return false
	}
	if !take() {
		return false
	}
	lz.kept++
	return true
}

// keepStep is keep for a block of creates, keepOutcome for one of
// refreshed no-ops (lazyoutcomes.go).
func (lz *lazyCreates) keepStep(p *planner, i int, st *Step) bool {
	if lz.outs != nil {
		return lz.keepOutcome(p, i, st)
	}
	return lz.keep(p, i, st)
}

// sameSlice reports whether a and b are the same slice (the resource's
// sensitive paths, which every change of it shares).
func sameSlice(a, b []cty.Path) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// sameResources is sameSlice of the resource's dependencies (Change.Deps).
func sameResources(a, b []addrs.Resource) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// lazyDeps is what dependsOn will give st's change, its own key left
// out; false when it names an instance by another key than st's own.
func (p *planner) lazyDeps(st *Step) ([]lazyDep, bool) {
	r := st.res
	if len(r.deps) == 0 || r.cfg == nil {
		return nil, true
	}
	own := st.Change.Addr
	var out []lazyDep
	for _, d := range r.deps {
		insts := []addrs.Instance{{Resource: d}}
		if len(r.keyed) > 0 {
			insts = p.instancesOf(st, d)
		}
		for _, in := range insts {
			switch {
			case in.Key == nil:
				out = append(out, lazyDep{res: d})
			case in.Key.String() == own.Key.String():
				out = append(out, lazyDep{res: d, own: true})
			default:
				return nil, false
			}
		}
	}
	return out, true
}

// dependsOn is the DependsOn of the kept instance key, as dependsOn gives
// it: lz.deps with that key.
func (lz *lazyCreates) dependsOn(key addrs.Key) []addrs.Instance {
	if len(lz.deps) == 0 {
		return nil
	}
	out := make([]addrs.Instance, len(lz.deps))
	for i, d := range lz.deps {
		out[i] = addrs.Instance{Resource: d.res}
		if d.own {
			out[i].Key = key
		}
	}
	if len(lz.r.keyed) == 0 {
		return out // dependsOn's order for a resource read whole: its deps'
	}
	return sortInstances(out)
}

// remake is the step of keys[k] as the walk had it when keep took it:
// its change, the packed values pk, the flags and spends every kept one
// had; no count and each (rep), which apply does not evaluate again for
// a wholly known configuration of a resource that depends on nothing
// (evaluatedAtApply), and which StartApply lets go of otherwise.
func (lz *lazyCreates) remake(k int, pk *plans.Packed) *Step {
	r := lz.r
	key := lz.key(k)
	st := newKeyStep(r, key, nil)
	lz.flags.setOn(st)
	st.value = r.lazyValue()
	c := st.Change
	c.Action, c.Spends, c.Reason = plans.Create, lz.spends, lz.reason
	c.DependsOn = lz.dependsOn(key)
	c.SetPacked(pk)
	return st
}

// key is the instance key of keys[k].
func (lz *lazyCreates) key(k int) addrs.Key {
	lz.mu.Lock()
	defer lz.mu.Unlock()
	return lz.keyLocked(k)
}

// keyLocked is key, under lz.mu.
func (lz *lazyCreates) keyLocked(k int) addrs.Key {
	if lz.akeys != nil {
		return lz.akeys[k]
	}
	return lz.keys[k].key
}

// compactKeys keeps, once apply starts, the instances' keys alone, each
// string key a copy (lean's): what held them (the resource's keys, with each
// instance's count and each, and the CSV text a key is a part of) is
// then held by nothing the executor reads. At a million new accounts
// that is about 250 MB the executor does not hold while the state's
// records grow.
func (lz *lazyCreates) compactKeys(lean leanKeys) {
	lz.mu.Lock()
	defer lz.mu.Unlock()
	if lz.akeys != nil {
		return
	}
	lz.akeys = lean.of(lz.keys)
	lz.keys = nil
}

// sortLazy orders the kept instances by address, as collect orders steps.
func (lz *lazyCreates) sortLazy() {
	lz.order = make([]int32, 0, lz.kept)
	for i := range lz.keys {
		if lz.held(i) {
			lz.order = append(lz.order, int32(i))
		}
	}
	sortByKey(lz.order, func(i int32) addrs.Key { return lz.keys[i].key })
}

// sortByKey orders indices by the instance key keyOf gives each, as
// collect orders steps.
func sortByKey(order []int32, keyOf func(int32) addrs.Key) {
	cmp := func(a, b int32) int { return cmpKeys(keyOf(a), keyOf(b)) }
	if !slices.IsSortedFunc(order, cmp) {
		slices.SortFunc(order, cmp)
	}
}

func cmpKeys(a, b addrs.Key) int {
	switch {
	case keyLess(a, b):
		return -1
	case keyLess(b, a):
		return 1
	}
	return 0
}

// count is how many instances are kept (0 for nil).
func (lz *lazyCreates) count() int {
	if lz == nil {
		return 0
	}
	return lz.kept
}

// held reports whether lz holds keys[k]'s values (kept, not taken).
func (lz *lazyCreates) held(k int) bool {
	if lz.outs != nil {
		return lz.outs[k].attrs != nil
	}
	return lz.packs[k] != nil || lz.whole != nil && lz.whole[k] != nil
}

// remakeAt is the step of keys[k], held, made for a reader: lz keeps its
// values.
func (lz *lazyCreates) remakeAt(k int) *Step {
	if lz.outs != nil {
		return lz.remakeOutcome(k, lz.outs[k])
	}
	return lz.remake(k, lz.packed(k))
}

// takeAt is the step of keys[k], held, made to be applied: lz lets go of
// its values, held by the step from then on.
func (lz *lazyCreates) takeAt(k int) *Step {
	st := lz.remakeAt(k)
	if lz.outs != nil {
		lz.outs[k] = lazyOutcome{}
	} else {
		lz.packs[k] = nil
		if lz.whole != nil {
			lz.whole[k] = nil
		}
	}
	return st
}

// action is the action of every change lz keeps.
func (lz *lazyCreates) action() plans.Action {
	if lz.outs != nil {
		return plans.NoOp
	}
	return plans.Create
}

// lazyBlocks gives plan the changes of the resources kept lazily, in the
// order of their places among Changes, and what expands them. A resource
// whose other instances have steps (a create or a refreshed no-op that
// could not be kept, an orphan) has a block for each run of its kept
// instances between two of its steps (runs): the plan lists them in
// the order the walk without lazy blocks gives.
func (r *Result) lazyBlocks() {
	p := r.p
	at := 0
	for _, a := range sortedResources(p.res) {
		res := p.res[a]
		if lz := res.lazy; lz != nil {
			for _, run := range lz.runs(res.steps) {
				r.Plan.Lazy = append(r.Plan.Lazy, plans.NewLazy(at+run.before, run.n, res.addr, res.prov.name, lz.action(),
					func(i int) *plans.Change { return r.lazyChange(lz, run.from+i) },
					func(i int) *plans.Change { return r.takeLazy(lz, run.from+i) }))
			}
		}
		at += len(res.steps)
	}
	if r.Plan.Lazy != nil {
		r.Plan.SetExpand(r.expandLazy)
	}
}

// lazyRun is a run of n kept instances, from the from-th in address order
// (lz.order), placed before the resource's before-th step.
type lazyRun struct {
	from, n, before int
}

// runs are the runs of lz's kept instances between steps, the
// resource's steps sorted by address (collect): one when it has none, or
// when they sort before or after every kept one.
func (lz *lazyCreates) runs(steps []*Step) []lazyRun {
	var out []lazyRun
	from, j := 0, 0
	for from < len(lz.order) {
		for j < len(steps) && cmpKeys(steps[j].Change.Addr.Key, lz.key(int(lz.order[from]))) <= 0 {
			j++
		}
		n := len(lz.order) - from
		if j < len(steps) { // the kept ones before steps[j]
			n, _ = slices.BinarySearchFunc(lz.order[from:], steps[j].Change.Addr.Key, func(k int32, key addrs.Key) int {
				return cmpKeys(lz.key(int(k)), key)
			})
		}
		out = append(out, lazyRun{from: from, n: n, before: j})
		from += n
	}
	return out
}

// lazyChange is the change of lz's i-th instance in address order, for a
// reader: its values stay with lz.
func (r *Result) lazyChange(lz *lazyCreates, i int) *plans.Change {
	return lz.remakeAt(int(lz.order[i])).Change
}

// takeLazy is the change of lz's i-th instance in address order, for
// apply: its step is made and known to the Result (madeStep) until
// Release, and lz lets go of its values.
func (r *Result) takeLazy(lz *lazyCreates, i int) *plans.Change {
	k := int(lz.order[i])
	if !lz.held(k) {
		panic("planner: a lazy change taken twice: " + lz.r.addr.Instance(lz.key(k)).String())
	}
	st := lz.takeAt(k)
	r.madeMu.Lock()
	if r.made == nil {
		r.made = map[*plans.Change]*Step{}
	}
	r.made[st.Change] = st
	r.madeMu.Unlock()
	return st.Change
}

// madeStep is the step of a change apply took from a lazy block (nil for
// any other).
func (r *Result) madeStep(c *plans.Change) *Step {
	r.madeMu.Lock()
	defer r.madeMu.Unlock()
	return r.made[c]
}

// forgetMade lets go of the step of a taken change, once released.
func (r *Result) forgetMade(c *plans.Change) {
	r.madeMu.Lock()
	delete(r.made, c)
	r.madeMu.Unlock()
}

// expandLazy puts every lazy create into its resource's steps and the
// plan's Changes, as the walk would have without Request.LazyCreates,
// for a reader of every change. Changes already taken by apply are not
// made again.
func (r *Result) expandLazy() {
	p := r.p
	if len(r.Plan.Lazy) == 0 {
		return
	}
	for _, a := range sortedResources(p.res) {
		res := p.res[a]
		lz := res.lazy
		if lz == nil {
			continue
		}
		res.lazy = nil
		for _, k := range lz.order {
			if lz.held(int(k)) {
				st := lz.takeAt(int(k))
				st.idx = int32(len(res.steps))
				res.steps = append(res.steps, st)
				res.left++
			}
		}
		sortSteps(res.steps)
		for j, s := range res.steps {
			s.idx = int32(j)
		}
	}
	r.steps = p.collect()
	changes := make([]*plans.Change, len(r.steps))
	for i, s := range r.steps {
		changes[i] = s.Change
	}
	r.Plan.Changes, r.Plan.Lazy = changes, nil
}

// lazyCount is how many instances the plan's lazy blocks hold.
func (r *Result) lazyCount() int {
	n := 0
	for _, l := range r.Plan.Lazy {
		n += l.N
	}
	return n
}

// forgettableNew reports whether the pre-pass may forget st, the step of
// a new instance whose key is ik, checked without a diagnostic and its
// configuration dropped (dropNew): the walk's forgottenNew makes the same
// step again (no mark, no digest but the one taken at apply, no value).
func forgettableNew(st *Step, ik *instanceKey) bool {
	c := st.Change
	return flagsOf(st) == stepFlags{dropped: true, fpLater: true} && st.rare == nil && st.Stored == nil && !st.Persist &&
		st.Config == cty.NilVal && st.fp == "" && st.value == cty.NilVal && st.fields == nil && st.rep == &ik.rep &&
		c.Action == 0 && c.Before == cty.NilVal && c.After == cty.NilVal && c.Config == cty.NilVal && !c.Deferred() &&
		c.Spends == 0 && c.Reason == "" && c.ConfigDigest == "" && len(c.RequiresReplace) == 0 && len(c.DependsOn) == 0 &&
		c.PrevAddr() == nil && c.Importing() == ""
}

// forgottenNew is the step the pre-pass forgot for the new instance ik of
// r (forgettableNew), as it was: checked, its configuration dropped, its
// digest left to apply.
func forgottenNew(r *resource, ik *instanceKey) *Step {
	st := newStep(r, ik, nil)
	st.dropped, st.fpLater = true, true
	return st
}

// values sets in attrs, by key, what dependents read of each kept
// instance (all) or of those whose value apply changed (finals) alone.
func (lz *lazyCreates) values(attrs map[string]cty.Value, all bool) {
	if lz == nil {
		return
	}
	if all {
		lz.plannedValues(attrs)
	}
	lz.mu.Lock()
	defer lz.mu.Unlock()
	for k, v := range lz.finals {
		attrs[string(k.(addrs.StringKey))] = v
	}
}

// plannedValues sets in attrs, by key, what dependents read of each kept
// instance when the plan was made (lazyValue).
func (lz *lazyCreates) plannedValues(attrs map[string]cty.Value) {
	lz.mu.Lock()
	defer lz.mu.Unlock()
	v := lz.r.lazyValue()
	for _, k := range lz.order {
		key := lz.keyLocked(int(k))
		attrs[string(key.(addrs.StringKey))] = v
	}
}

// setFinal keeps final, what dependents read of s after apply, when s is
// a create taken from lz (its resource's steps do not hold it).
func (lz *lazyCreates) setFinal(s *Step, final cty.Value) {
	res := s.res
	if lz == nil || int(s.idx) < len(res.steps) && res.steps[s.idx] == s {
		return
	}
	lz.mu.Lock()
	defer lz.mu.Unlock()
	if lz.finals == nil {
		lz.finals = map[addrs.Key]cty.Value{}
	}
	lz.finals[s.Change.Addr.Key] = final
}
