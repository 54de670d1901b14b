package planner

import (
	"context"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/sync/errgroup"
)

// parallel calls fn(0..n-1) on a few workers under an errgroup: enough to
// use every CPU for evaluation and to keep Parallelism provider reads in
// flight (reads themselves are bounded by acquire). The workers take
// indexes from a counter rather than one g.Go per index under SetLimit:
// at 10,000 instances a goroutine per instance cost 4 more allocations and
// about 20% more CPU per planned instance (BenchmarkPlanNoChanges).
func (p *planner) parallel(n int, fn func(i int)) {
	p.parallelRuns(n, 1, fn)
}

// cpuRun is how many consecutive indexes a worker of parallelRuns takes
// at a time for work that makes no request (the pre-pass).
const cpuRun = 64

// parallelRuns is parallel with each worker taking run consecutive
// indexes at a time, for work that only computes: one shared counter
// taken per index had the two cores pass its cache line to and fro
// 200,000 times in the pre-pass of a batch with dependents, and a run
// keeps a worker on neighbouring rows, keys and records (and on one
// shard of a check across instances, providers.Repeats). A run of more
// than one would hold back requests, which must all be in flight. The
// run is shorter where n is too small to give every worker a few.
func (p *planner) parallelRuns(n, run int, fn func(i int)) {
	workers := min(n, max(runtime.GOMAXPROCS(0), p.req.parallelism()))
	run = max(1, min(run, n/(4*max(workers, 1))))
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var g errgroup.Group
	var crash panics.First
	for range workers {
		g.Go(func() error {
			defer crash.Recover(nil)
			panics.Inject("planner")
			for start := int(next.Add(int64(run)) - int64(run)); start < n; start = int(next.Add(int64(run)) - int64(run)) {
				for i := start; i < min(start+run, n); i++ {
					fn(i)
				}
			}
			return nil
		})
	}
	_ = g.Wait() // fn reports its own outcome; nothing returns an error
	// A panic (a bug) in a worker is raised again here, in the caller's
	// goroutine, where the command reports it.
	crash.Repanic()
}

// keepFromState makes every stored instance of a resource that is not
// selected by -target a no-op, its value the stored one.
func (p *planner) keepFromState(_ context.Context, r *resource) {
	r.value = cty.DynamicVal
	if r.addr.Mode == addrs.Data {
		return
	}
	stored := p.stored.byRes[r.addr]
	keys := make([]addrs.Key, 0, stored.len())
	for k := range stored.all() {
		keys = append(keys, k)
	}
	steps := make([]*Step, len(keys))
	p.parallel(len(keys), func(i int) {
		steps[i] = p.keep(newKeyStep(r, keys[i], stored.get(keys[i])))
	})
	r.steps = dropNil(steps)
	sortSteps(r.steps)
	r.value = r.build(r.steps, func(s *Step) cty.Value { return s.value })
}

// keep makes st a no-op holding its stored value; nil when there is none.
// When nothing refers to its resource, the value is read only if the plan
// is printed or saved: -target of one instance of a batch leaves the other
// 99,999 undecoded.
func (p *planner) keep(st *Step) *Step {
	if st.Stored == nil {
		return nil
	}
	if rec := st.Stored; (!st.res.referenced || st.res.keysOnly()) && rec.Pending() == nil && hasAttributes(rec) {
		deferStored(st)
		return st
	}
	prior, ok := p.prior(st)
	if !ok {
		return nil
	}
	c := st.Change
	c.Action, c.Before, c.After = plans.NoOp, prior, prior
	st.value = st.res.refValue(prior, nil)
	if prior.IsNull() {
		st.value = cty.UnknownVal(st.res.ty)
	}
	return st
}

// forget plans the forgetting of a stored instance no longer configured.
func (p *planner) forget(r *resource, key addrs.Key, rec *state.Resource) *Step {
	inst := r.addr.Instance(key)
	if !p.sel.instance(inst) {
		return nil
	}
	prov := rec.Provider()
	if prov == "" {
		prov = r.addr.Provider()
	}
	before := cty.NullVal(cty.DynamicPseudoType)
	if r.block != nil {
		raw, err := rec.Attributes()
		if err != nil {
			p.report(hcl.Diagnostics{attrsError(err)})
			return nil
		}
		if v, err := decodeAttrs(raw, r.ty); err == nil {
			before = v
		}
	}
	return &Step{res: r, Stored: rec, Change: &plans.Change{
		Addr: inst, Provider: prov, Action: plans.Forget, Before: before, After: cty.NullVal(before.Type()),
		Sensitive: r.sensitive,
		Reason:    "not in the configuration: the remote record stays, daftar forgets it",
	}}
}

// planRemoved handles the resources the state holds and the configuration
// no longer declares: forgotten, or refreshed by a refresh-only plan.
func (p *planner) planRemoved(ctx context.Context) {
	for addr, stored := range p.stored.byRes {
		if _, ok := p.res[addr]; ok || !p.sel.resource(addr) {
			continue
		}
		r := &resource{addr: addr, exp: expansionOfKeys(stored)}
		if pr, block := p.lookupType(addr); block != nil {
			r.setSchema(pr, block)
		}
		p.res[addr] = r
		if p.req.Options.RefreshOnly {
			p.refreshOnly(ctx, r)
			continue
		}
		for key, rec := range stored.all() {
			if st := p.forget(r, key, rec); st != nil {
				r.steps = append(r.steps, st)
			}
		}
	}
}

func expansionOfKeys(stored *instRecords) expansion {
	for k := range stored.all() {
		switch k.(type) {
		case addrs.IntKey:
			return counted
		case addrs.StringKey:
			return keyed
		}
	}
	return single
}

// dropNil returns the steps that are not nil, in order. When at most half
// of them are left, they are copied into a slice of their own: a batch's
// steps are a slice by index in its keys, most of them nil once the
// instances are kept compactly or lazily, and the resource held that
// slice's whole array for the rest of the run (8 MB a resource at a
// million rows, three of them through the outcome apply's walk).
func dropNil(steps []*Step) []*Step {
	n := 0
	for _, s := range steps {
		if s != nil {
			n++
		}
	}
	out := steps[:0]
	if n <= cap(steps)/2 {
		out = make([]*Step, 0, n)
	}
	for _, s := range steps {
		if s != nil {
			out = append(out, s)
		}
	}
	if n > cap(steps)/2 {
		clear(steps[n:]) // what the array holds past them keeps no step
	}
	return out
}

// build makes the whole resource's value from its instances' values: an
// object for a single instance, a tuple for count (unknown where an
// instance is missing), an object keyed by for_each key.
func (r *resource) build(steps []*Step, val func(*Step) cty.Value) cty.Value {
	if !r.referenced {
		return cty.DynamicVal
	}
	if r.exp == nested {
		return r.buildNested(steps, val)
	}
	return buildOf(r.exp, steps, val, func(s *Step) addrs.Key { return s.Change.Addr.Key })
}

// buildNested makes the value of a nested resource: an object by module
// instance key (nestedAttr) of each module instance's view of it, built
// from its instances' own keys.
func (r *resource) buildNested(steps []*Step, val func(*Step) cty.Value) cty.Value {
	groups := map[string][]*Step{}
	for _, s := range steps {
		name := nestedAttr(s.Change.Addr.ModuleKeys())
		groups[name] = append(groups[name], s)
	}
	attrs := make(map[string]cty.Value, len(groups))
	for name, g := range groups {
		attrs[name] = buildOf(r.ownExp, g, val, func(s *Step) addrs.Key { return s.Change.Addr.OwnKey() })
	}
	return cty.ObjectVal(attrs)
}

// nestedAttr names a module instance in a nested resource's value: its
// key as schema's instanceValue reads it (ani, 0, ["a"][0]).
func nestedAttr(k addrs.Key) string {
	switch k := k.(type) {
	case addrs.StringKey:
		return string(k)
	case addrs.IntKey:
		return strconv.Itoa(int(k))
	case nil:
		return ""
	}
	return k.String()
}

// buildOf builds a value of steps keyed by exp, their keys read by keyOf.
func buildOf(exp expansion, steps []*Step, val func(*Step) cty.Value, keyOf func(*Step) addrs.Key) cty.Value {
	switch exp {
	case counted:
		var vals []cty.Value
		for _, s := range steps {
			k, ok := keyOf(s).(addrs.IntKey)
			if !ok || s.Change.Action == plans.Forget {
				continue
			}
			for len(vals) < int(k) {
				vals = append(vals, cty.DynamicVal)
			}
			if len(vals) == int(k) {
				vals = append(vals, val(s))
			} else {
				vals[k] = val(s)
			}
		}
		return cty.TupleVal(vals)
	case keyed:
		attrs := make(map[string]cty.Value, len(steps))
		for _, s := range steps {
			if k, ok := keyOf(s).(addrs.StringKey); ok && s.Change.Action != plans.Forget {
				attrs[string(k)] = val(s)
			}
		}
		return cty.ObjectVal(attrs)
	}
	for _, s := range steps {
		if keyOf(s) == addrs.NoKey && s.Change.Action != plans.Forget {
			return val(s)
		}
	}
	return cty.DynamicVal
}

// refreshOnly refreshes every stored instance of r: a value changed
// outside daftar is an Update with no request on apply (Persist), a record
// gone remotely a Forget.
func (p *planner) refreshOnly(ctx context.Context, r *resource) {
	r.value = cty.DynamicVal
	// The pre-pass's steps hold every instance's configuration, which a
	// refresh-only plan does not plan from: release them before reading.
	p.pre.take(r.addr)
	stored := p.stored.byRes[r.addr]
	if stored.len() == 0 || r.block == nil {
		return
	}
	if r.prov.block == nil {
		if r.cfg == nil {
			return
		}
		return // missing provider block: reported by loadResources
	}
	if !p.configure(ctx, r.prov) {
		return
	}
	keys := make([]addrs.Key, 0, stored.len())
	for k := range stored.all() {
		keys = append(keys, k)
	}
	steps := make([]*Step, len(keys))
	p.parallel(len(keys), func(i int) {
		st := newKeyStep(r, keys[i], stored.get(keys[i]))
		if !p.sel.instance(st.Change.Addr) {
			steps[i] = p.keep(st)
			return
		}
		steps[i] = p.refreshInstance(ctx, st)
	})
	r.steps = dropNil(steps)
	sortSteps(r.steps)
	r.value = r.build(r.steps, func(s *Step) cty.Value { return s.value })
}

func (p *planner) refreshInstance(ctx context.Context, st *Step) *Step {
	prior, ok := p.prior(st)
	if !ok {
		return nil
	}
	if prior.IsNull() {
		return p.keep(st) // only a pending intent: a normal plan resolves it
	}
	release := p.acquire()
	resp := st.res.prov.p.ReadResource(ctx, providers.ReadRequest{Type: st.res.addr.Type, Addr: st.Addr(), Prior: prior, Full: true})
	release()
	p.report(p.resourceDiags(st.res, st.Addr(), resp.Diagnostics))
	if resp.Diagnostics.HasErrors() {
		return nil
	}
	now := resp.NewState
	if now == cty.NilVal {
		now = prior
	}
	if now.RawEquals(prior) && !st.res.readUnplanned && st.Stored.Pending() == nil {
		// Unchanged, and nothing this plan evaluates reads its value (a
		// dependent resource's configuration is not evaluated here, and
		// what reads only its keys reads no value): a
		// no-op whose values stay in the state record, as an unchanged
		// instance's do in a normal plan (deferStored). Holding every
		// refreshed value twice, decoded, cost a refresh-only plan of
		// 100,000 a gigabyte; holding the accounts' whole values for a
		// verification per row, which reads their e-mails only when it
		// is planned, cost 690 MB.
		deferStored(st)
		return st
	}
	c := st.Change
	c.Before, c.After = prior, now
	switch {
	case now.IsNull():
		c.Action, c.Reason = plans.Forget, "no longer exists remotely (refresh-only): daftar forgets it"
	case !now.RawEquals(prior):
		c.Action, c.Reason, st.Persist = plans.Update, "changed outside daftar (refresh-only)", true
	default:
		c.Action = plans.NoOp
	}
	st.value = st.res.refValue(now, nil)
	return st
}
