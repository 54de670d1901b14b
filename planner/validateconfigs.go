package planner

import (
	"slices"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Rules that span instances (two accounts with one username) are checked
// by each provider's ConfigsCheck. Validation and Plan's pre-pass add each
// configuration to its provider's check as soon as it is evaluated
// (resourceCheck.add), so that a configuration nothing else needs can be dropped
// at once (dropConfig): the pre-pass of a 100,000-account batch does not
// hold 100,000 configurations. The walk reuses the pre-pass's answer when
// it would add exactly the same configurations, and otherwise checks its
// own (validateConfigs).

// startConfigsChecks starts one check per provider for validation, and
// ranks the resources, whose order orders the configurations.
func (p *planner) startConfigsChecks() {
	p.checks = map[string]providers.ConfigsCheck{}
	p.rank = map[addrs.Resource]int64{}
	for i, addr := range sortedResources(p.res) {
		p.rank[addr] = int64(i)
	}
	for name, pr := range p.provs {
		if pr.block != nil {
			p.checks[name] = pr.p.CheckConfigs()
		}
	}
	p.mayDrop = p.dropAllowed()
}

// lastChecked is, for each provider, the index in p.order of the last of
// its resources validateResource checks.
func (p *planner) lastChecked() map[string]int {
	last := map[string]int{}
	for i, key := range p.order {
		if r := p.blocks[key].res; r != nil && r.block != nil && r.prov != nil {
			last[r.prov.name] = i
		}
	}
	return last
}

// askCheck asks a provider's check once every configuration it is given
// was added, and keeps only what it found (askedCheck), for
// validateConfigs to report where it reports the others: in a batch with
// dependents, the accounts' check (72 bytes an account) is let go of
// before the verifications are checked, not held beside theirs to the end
// of the pre-pass. A check the walk may ask again (openCheck) is kept.
func (p *planner) askCheck(name string) {
	c := p.checks[name]
	if c == nil || p.open[name] != nil || p.reopened[name] != nil {
		return
	}
	p.checks[name] = askedCheck{diags: c.Diagnostics()}
}

// askedCheck is a check that askCheck asked: nothing is added to it after.
type askedCheck struct {
	providers.NoConfigsCheck
	diags providers.Diagnostics
}

func (c askedCheck) Diagnostics() providers.Diagnostics { return c.diags }

// configOrder orders the i-th instance of r among all configurations: by
// resource address, then by instance.
func (p *planner) configOrder(r *resource, i int) int64 {
	return p.rank[r.addr]<<32 | int64(i)
}

// resourceCheck is what the pre-pass adds r's instances to: its
// provider's check (nil for none), its type, and the order of its first
// instance. Made once per resource: looked up per instance, the two maps
// cost 2% of the no-change plan of a batch with dependents.
type resourceCheck struct {
	check providers.ConfigsCheck
	// open is the provider's second check (openCheck), nil when none: it
	// is given every configuration but those that read a hole (unexact).
	open providers.ConfigsCheck
	// unexact, when the provider's check is asked again (openCheck),
	// notes the configurations that read a hole.
	unexact *unexactOrders
	typ     string
	order   int64
}

func (p *planner) resourceCheck(r *resource) resourceCheck {
	name := r.prov.name
	return resourceCheck{p.checks[name], p.open[name], p.reopened[name], r.addr.Type, p.configOrder(r, 0)}
}

// unexactOrders are the orders of the configurations a check was given
// that read a hole (Step.unexact).
type unexactOrders struct {
	mu     sync.Mutex
	orders []int64
}

func (u *unexactOrders) add(order int64) {
	u.mu.Lock()
	u.orders = append(u.orders, order)
	u.mu.Unlock()
}

// add adds cfg, the evaluated configuration of st, the i-th instance of
// the resource, to its provider's check. rec is the instance's stored
// record, nil when it has none.
func (c resourceCheck) add(i int, st *Step, cfg *leanConfig, rec *state.Resource) {
	if c.check != nil {
		providers.AddConfig(c.check, c.order|int64(i), c.typ, stepAddr(st, rec), cfg)
	}
	if c.open != nil && !st.unexact {
		providers.AddConfig(c.open, c.order|int64(i), c.typ, stepAddr(st, rec), cfg)
	}
	if c.unexact != nil && c.check != nil && st.unexact {
		c.unexact.add(c.order | int64(i))
	}
}

// stepAddr is st.Addr(), spelled without an allocation of its own when
// rec, st's stored record, holds it as its address: a check across
// instances keeps each instance's address to its end, a string of 32
// bytes per account at a million, where the record's is held anyway.
func stepAddr(st *Step, rec *state.Resource) string {
	var buf [128]byte
	addr := appendInstanceAddr(buf[:0], st.Change.Addr)
	if rec != nil && rec.Address == string(addr) {
		return rec.Address
	}
	return string(addr)
}

// dropAllowed lists the providers whose configurations the pre-pass may
// drop: those whose every resource the walk will take over from it (it
// depends on no other resource, and no -target leaves part of it out), so
// that the walk reuses this pass's check and needs no configuration again
// but for what it plans in full. -replace and -refresh-only plans keep
// every configuration.
func (p *planner) dropAllowed() map[string]bool {
	opts := p.req.Options
	if p.known == nil || len(opts.Targets) > 0 || opts.RefreshOnly {
		return nil
	}
	ok := map[string]bool{}
	for _, r := range p.res {
		if r.cfg == nil || r.prov == nil {
			continue
		}
		if _, seen := ok[r.prov.name]; !seen {
			ok[r.prov.name] = true
		}
		if len(r.deps) > 0 {
			ok[r.prov.name] = false
		}
	}
	return ok
}

// dropConfig forgets the configuration of a pre-pass step whose instance
// the walk will most likely plan without it: unchanged since its last
// clean apply (its fingerprint is its record's), with a value and no
// pending intent, and whose whole value nothing reads. Either no refresh
// reads it (unreadNoOp), or one does and finds it as stored (settle): a
// batch of 100,000 records their provider does not call settled is read by
// a plan's refresh, and the pre-pass does not hold 100,000 configurations
// meanwhile. The step still counts as evaluated; should the walk need the
// configuration after all (the refresh found a change), it evaluates it
// again (configAgain). A configuration kept is cfg's object, built only
// then.
func (p *planner) dropConfig(st *Step, rec *state.Resource, cfg *leanConfig) {
	if p.req.Options.RefreshOnly { // its walk reads the state, not the configuration
		st.Config, st.dropped = cty.NilVal, true
		return
	}
	// A dependent evaluated with the walk's values (predict.go) is taken
	// over by the walk, which checks its provider's configurations again
	// only if it does not take over all of them (evaluating dropped ones).
	r := st.res
	if !(p.mayDrop[r.prov.name] || r.exact && len(r.deps) > 0) || rec == nil || rec.Pending() != nil || !hasAttributes(rec) || r.referenced && !r.projected() {
		st.Config = cfg.Object()
		return
	}
	st.Config, st.dropped = cty.NilVal, true
}

// preKept is what Plan's pre-pass keeps of an instance it checked: its
// step, for the walk to take over, or nothing in a refresh-only plan,
// whose walk plans from the state and takes nothing over (refreshOnly):
// the pre-pass of a refresh-only plan of 100,000 accounts does not hold
// 100,000 steps and configurations until its end, whether or not their
// digests are their records' (a provider block or a row changed since the
// last apply keeps every configuration otherwise).
func (p *planner) preKept(st *Step) *Step {
	if p.known != nil && p.req.Options.RefreshOnly {
		return nil
	}
	return st
}

// dropNew forgets, in Plan's pre-pass, the configuration of an instance of
// a batch (a resource of more than batchInstances instances) that the
// state does not hold yet, once its provider validated it and its check
// saw it: the walk evaluates it again when it plans the create, and keeps
// it encoded in the plan (pack). The pre-pass of 100,000 new accounts does
// not hold 100,000 configurations at once; it costs one more evaluation
// per new instance.
func (p *planner) dropNew(st *Step, n int) {
	if p.known == nil || n <= batchInstances || st.res.addr.Mode != addrs.Managed || p.known.byRes[st.res.addr].get(st.Change.Addr.Key) != nil {
		return
	}
	st.Config, st.dropped = cty.NilVal, true
}

// evaluated reports whether a step's configuration was evaluated without
// error (and possibly dropped since).
func (st *Step) evaluated() bool { return st.Config != cty.NilVal || st.dropped || st.packed }

// validateConfigs reports what each provider's check found. Validation
// and the pre-pass added their configurations as they went; the walk
// reuses the pre-pass's answer for a provider whose every configuration it
// took over, and otherwise checks the configurations it planned.
func (p *planner) validateConfigs() {
	batches := map[string]*configBatch{}
	for _, addr := range sortedResources(p.res) {
		r := p.res[addr]
		if r.cfg == nil || r.prov == nil {
			continue
		}
		b := batches[r.prov.name]
		if b == nil {
			b = &configBatch{taken: true}
			batches[r.prov.name] = b
		}
		n := r.compact.count() + r.lazy.count() // checked, their configurations dropped or packed
		for _, st := range r.steps {
			if st.evaluated() {
				n++
			}
		}
		b.add(addr, n, r.taken)
	}
	for _, name := range sortedKeys(batches) {
		b := batches[name]
		check := p.checks[name]
		if wc := p.walkChecks[name]; check == nil && wc != nil {
			check = wc
		}
		if check == nil {
			if diags, ok := p.pre.configsChecked(name, b, p.hasErrors()); ok {
				if open := p.pre.openCheckOf(name); open != nil {
					// With the configurations the walk added (recheck):
					// what a check of them all finds.
					diags = p.configsDiags(open.Diagnostics())
				}
				p.report(diags)
				continue
			}
			check = p.checkPlanned(name)
		}
		b.diags = p.configsDiags(check.Diagnostics())
		p.report(b.diags)
		b.open = p.open[name]
		if u := p.reopened[name]; u != nil && b.open == nil {
			// The second check is this one, without what read a hole.
			b.open = check.(providers.ConfigsRecheck).Recheck(u.orders)
		}
		p.configsAsked[name] = b
	}
	p.checks, p.walkChecks = nil, nil // what they kept is garbage now
}

// startWalkChecks starts, for a plan's walk, the checks of the providers
// whose configurations the walk must check itself: those with a resource
// that depends on another (the walk never takes such a resource over from
// the pre-pass, whose configurations of it held unknown values). Each
// resource's configurations join as soon as its instances are planned
// (feedWalkCheck), so that the walk need not keep them to the end: a
// verification per row of a batch, unchanged, holds no configuration after
// its plan. Other providers' checks are the pre-pass's, or checkPlanned's.
// Plans that keep every configuration anyway (-target, -replace,
// -refresh-only, a saved plan's binding) check at the end as before.
func (p *planner) startWalkChecks() {
	opts := p.req.Options
	if p.validating || p.bound != nil || len(opts.Targets) > 0 || opts.RefreshOnly {
		return
	}
	p.walkChecks = map[string]providers.ConfigsCheck{}
	p.rank = map[addrs.Resource]int64{}
	for i, addr := range sortedResources(p.res) {
		p.rank[addr] = int64(i)
		r := p.res[addr]
		if r.cfg != nil && r.prov != nil && r.prov.block != nil && len(r.deps) > 0 && !p.pre.evaluatedExactly(addr) && p.walkChecks[r.prov.name] == nil {
			p.walkChecks[r.prov.name] = r.prov.p.CheckConfigs()
		}
	}
}

// feedWalkCheck adds the configurations of r's planned instances to its
// provider's walk check, in the order checkPlanned would, then lets the
// no-ops forget theirs.
func (p *planner) feedWalkCheck(r *resource) {
	check := p.walkChecks[r.prov.name]
	if check == nil {
		return
	}
	steps := slices.Clone(r.steps)
	sortSteps(steps)
	for i, st := range steps {
		cfg := p.walkConfig(st)
		if cfg == cty.NilVal {
			continue
		}
		check.Add(p.configOrder(r, i), providers.ValidateRequest{Type: r.addr.Type, Addr: st.Addr(), Config: cfg})
		if st.Change.Action == plans.NoOp && st.Stored != nil && st.Stored.Pending() == nil && (!st.Persist || releasableConfig(st)) {
			st.Config, st.dropped = cty.NilVal, true
		}
	}
}

// walkConfig is st's configuration as the walk's checks are given it:
// evaluated again when it was dropped, decoded when a batch's create keeps
// it encoded in its change (packed); cty.NilVal when it has none.
func (p *planner) walkConfig(st *Step) cty.Value {
	if st.dropped {
		st.Config, _ = p.evaluateAgain(st)
	}
	if st.packed {
		return packedConfig(st)
	}
	return st.Config
}

// openCheck starts, in Plan's pre-pass, the second check of r's provider
// that r, a resource whose instances may read a hole (predictColumn),
// needs: given every configuration the main check is but those that read
// a hole (unexact), which the walk adds (recheck) before it asks it
// (configBatch.open). The main check still sees them all, with their
// unknown values, as it did, so that the pass reports what it did before
// any request. A main check that can be asked again without some of its
// configurations (providers.ConfigsRecheck) is the second one once asked
// (validateConfigs), without those that read a hole (reopened): a million
// verifications' subjects are not held twice. False when a resource of
// r's provider was checked before (checkedProviders), which the second
// check would lack: r is then not evaluated exactly.
func (p *planner) openCheck(r *resource) bool {
	name := r.prov.name
	if p.open[name] != nil || p.reopened[name] != nil {
		return true
	}
	if p.checkedProviders[name] || p.checks[name] == nil {
		return false
	}
	if _, ok := p.checks[name].(providers.ConfigsRecheck); ok {
		if p.reopened == nil {
			p.reopened = map[string]*unexactOrders{}
		}
		p.reopened[name] = &unexactOrders{}
		return true
	}
	if p.open == nil {
		p.open = map[string]providers.ConfigsCheck{}
	}
	p.open[name] = r.prov.p.CheckConfigs()
	return true
}

// recheck adds to the pre-pass's second check of r's provider
// (openCheck), the configuration of st, the walk's step of the instance i of
// r, which the pre-pass evaluated with a hole: the check then holds the
// configurations the walk would have given it, in the same order.
func (p *planner) recheck(r *resource, i int, st *Step) {
	open := p.pre.openCheckOf(r.prov.name)
	if open == nil || st == nil {
		return
	}
	if cfg := p.walkConfig(st); cfg != cty.NilVal {
		open.Add(p.configOrder(r, i), providers.ValidateRequest{Type: r.addr.Type, Addr: st.Addr(), Config: cfg})
	}
}

// checkPlanned adds every configuration the walk planned for a provider to
// a new check.
func (p *planner) checkPlanned(name string) providers.ConfigsCheck {
	check := p.provs[name].p.CheckConfigs()
	var order int64
	for _, addr := range sortedResources(p.res) {
		r := p.res[addr]
		if r.cfg == nil || r.prov == nil || r.prov.name != name {
			continue
		}
		add := func(st *Step) {
			// A dropped configuration is not expected here (see
			// dropAllowed), but never checked short: walkConfig evaluates it.
			if cfg := p.walkConfig(st); cfg != cty.NilVal {
				check.Add(order, providers.ValidateRequest{Type: addr.Type, Addr: st.Addr(), Config: cfg})
				order++
			}
		}
		steps := r.steps
		if lz := r.lazy; lz != nil {
			// Each kept instance made for the check among the resource's
			// steps, as the walk keeping none has them, and forgotten once
			// added: a plan with an error (the refresh of one verification
			// answered 404) does not hold them all at once.
			for _, k := range lz.order {
				key := lz.key(int(k))
				for len(steps) > 0 && keyLess(steps[0].Change.Addr.Key, key) {
					add(steps[0])
					steps = steps[1:]
				}
				add(lz.remakeAt(int(k)))
			}
		}
		for _, st := range steps {
			add(st)
		}
	}
	return check
}

// configBatch describes the configurations of one provider that
// a ConfigsCheck was (or would be) given.
type configBatch struct {
	// shape lists each resource with its number of configurations.
	shape []resourceConfigs
	// taken is set while every resource's configurations were taken over
	// from the pre-pass.
	taken bool
	diags hcl.Diagnostics
	// open is the pre-pass's second check (openCheck), given every
	// configuration but those that read a hole, which the walk adds
	// (recheck) before it asks it. Nil when there is none.
	open providers.ConfigsCheck
}

// resourceConfigs is a resource of a configBatch and its number of
// configurations.
type resourceConfigs struct {
	res addrs.Resource
	n   int
}

func (b *configBatch) add(r addrs.Resource, n int, taken bool) {
	b.shape = append(b.shape, resourceConfigs{r, n})
	b.taken = b.taken && taken
}

// configsDiags maps ConfigsCheck diagnostics to the blocks of the
// resources they name.
func (p *planner) configsDiags(ds providers.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range ds {
		r := p.resourceOf(d.Resource)
		if r == nil || r.cfg == nil {
			out = append(out, convertDiag(d, nil, d.Resource))
			continue
		}
		out = append(out, p.resourceDiags(r, d.Resource, providers.Diagnostics{d})...)
	}
	return out
}

// resourceOf finds the resource of an instance address, nil when unknown.
func (p *planner) resourceOf(addr string) *resource {
	inst, err := addrs.ParseInstance(addr)
	if err != nil {
		return nil
	}
	return p.res[inst.Resource]
}

func hclDiags(d *hcl.Diagnostic) hcl.Diagnostics { return hcl.Diagnostics{d} }

func validateRequest(r *resource, cfg cty.Value) providers.ValidateRequest {
	return providers.ValidateRequest{Type: r.addr.Type, Addr: r.addr.String(), Config: cfg}
}

// configsChecked returns the diagnostics the pre-pass's ConfigsCheck
// gave for provider, when the walk would ask about exactly the same
// configurations (b), or, in a plan with errors (errored), about some of
// them: every configuration b counts was taken over from the pre-pass,
// and those it lacks are of instances whose plan failed (a verification
// Proofylink answered 404 for). The pre-pass's answer saw them all; a check
// made again of the rest would report no more, and evaluated every row
// again, holding 180 bytes a row at the plan's end.
func (pc *preChecked) configsChecked(provider string, b *configBatch, errored bool) (hcl.Diagnostics, bool) {
	if pc == nil || !b.taken {
		return nil, false
	}
	asked := pc.configs[provider]
	if asked == nil || !slices.EqualFunc(asked.shape, b.shape, func(pre, walk resourceConfigs) bool {
		return pre.res == walk.res && (pre.n == walk.n || errored && walk.n < pre.n)
	}) {
		return nil, false
	}
	return asked.diags, true
}

// packedConfig decodes the configuration a batch's create keeps encoded
// (Step.packed), for this use only; cty.NilVal if it cannot be read.
func packedConfig(st *Step) cty.Value {
	c := *st.Change
	if c.ReadDeferred() != nil {
		return cty.NilVal
	}
	return c.Config
}
