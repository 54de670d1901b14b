package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// preChecked is what Plan's pre-pass (prevalidate) evaluated that the walk
// can take over unchanged: the locals and resources that refer to no
// resource or data source, directly or through locals. Their values depend
// on variables, locals and files only, all the same in both passes, so the
// walk would compute exactly what the pre-pass did. Taking them over makes
// a batch's plan evaluate each instance once, not twice, while every input
// error is still known before the first request.
type preChecked struct {
	locals    map[string]cty.Value
	resources map[addrs.Resource]*resource
	// configs are the pre-pass's ConfigsCheck batches by provider.
	configs map[string]*configBatch
	// predicted are the values the pre-pass evaluated the resources of
	// resources with the walk's values of what they depend on (exact), and
	// checked whether the walk confirmed each (see confirmed).
	predicted map[addrs.Resource]cty.Value
	checked   map[addrs.Resource]bool
}

// reusable collects what the walk may take over from this planner, which
// ran validateAll with the plan's variables and found no error.
func (p *planner) reusable() *preChecked {
	pc := &preChecked{locals: map[string]cty.Value{}, resources: map[addrs.Resource]*resource{}, configs: p.configsAsked,
		predicted: map[addrs.Resource]cty.Value{}, checked: map[addrs.Resource]bool{}}
	for _, b := range p.blocks {
		switch {
		case b.local != nil && b.resourceFree:
			if v, ok := p.vals.locals[b.local.Name]; ok {
				pc.locals[b.local.Name] = v
			}
		case b.res != nil && (len(b.res.deps) == 0 || b.res.exact) && b.res.checkedKeys != nil:
			pc.resources[b.res.addr] = b.res
			for _, d := range b.res.deps {
				pc.predicted[d] = p.predicted[d]
			}
			if v, ok := p.predicted[b.res.addr]; ok && b.res.keysOnly() {
				// Its instances' values are all cty.EmptyObjectVal (the
				// walk's unreadNoOp gives the same): the walk takes the
				// value over rather than build it again (predictedWhole).
				pc.predicted[b.res.addr] = v
			}
		}
	}
	return pc
}

// evaluatedExactly reports whether the pre-pass evaluated r, a resource
// that depends on others, with the values the walk will give them, for the
// walk to take over once confirmed.
func (pc *preChecked) evaluatedExactly(r addrs.Resource) bool {
	if pc == nil {
		return false
	}
	pre := pc.resources[r]
	return pre != nil && len(pre.deps) > 0
}

// local returns the pre-pass's value of a local the walk may take over.
func (pc *preChecked) local(name string) (cty.Value, bool) {
	if pc == nil {
		return cty.NilVal, false
	}
	v, ok := pc.locals[name]
	return v, ok
}

// predictedOf is the value the pre-pass predicted for r, which a
// dependent was evaluated with; false when none was.
func (pc *preChecked) predictedOf(r addrs.Resource) (cty.Value, bool) {
	if pc == nil {
		return cty.NilVal, false
	}
	v, ok := pc.predicted[r]
	return v, ok && v != cty.NilVal
}

// openCheckOf is the pre-pass's second check of provider (openCheck),
// which the walk completes (recheck); nil when there is none.
func (pc *preChecked) openCheckOf(provider string) providers.ConfigsCheck {
	if pc == nil || pc.configs[provider] == nil {
		return nil
	}
	return pc.configs[provider].open
}

// take returns, and forgets, the pre-pass's resource r: its instance keys
// and one checked step per key. Nil when the walk must evaluate r itself.
func (pc *preChecked) take(r addrs.Resource) *resource {
	if pc == nil {
		return nil
	}
	pre := pc.resources[r]
	delete(pc.resources, r)
	return pre
}

// adopt makes the pre-pass's step of an instance the walk's: the same
// instance with the same configuration, now of the walk's resource and with
// its stored record. Reusing the step rather than copying it keeps one
// step per instance alive, not two.
func adopt(st *Step, r *resource, stored *state.Resource) *Step {
	st.res, st.Stored, st.taken = r, stored, true
	st.Change.Provider, st.Change.Deps = r.prov.name, r.deps
	return st
}

// checkedConfig evaluates an instance's configuration and validates it
// with its provider, or takes both over from the pre-pass (an adopted
// step). It reports the diagnostics and whether the configuration is
// usable.
func (p *planner) checkedConfig(st *Step) (cty.Value, bool) {
	if st.taken {
		st.taken = false
		if st.dropped && st.Stored == nil && !st.checks().HasErrors() {
			// A batch's new instance, validated by the pre-pass, which let
			// go of its configuration (dropNew).
			cfg, ok := p.evaluateAgain(st)
			if !ok {
				return cty.NilVal, false
			}
			st.Config = cfg
		}
		if st.fp == "" && !st.fpLater && !st.checks().HasErrors() {
			st.fp = p.fingerprint(st, st.Config) // the provider may answer once configured
		}
		p.report(st.checks())
		return st.Config, !st.checks().HasErrors()
	}
	r, addr := st.res, st.Addr()
	cfg, diags := p.evalConfig(st)
	if !diags.HasErrors() {
		// An instance unchanged since its last clean apply was validated
		// then, with this very configuration (an instance of a resource
		// that depends on others, which the pre-pass checked with their
		// values unknown, comes here).
		fp := p.fingerprint(st, cfg)
		if p.stored.sameDigest(r.addr, st.Change.Addr.Key, fp) {
			st.fp = fp
			p.report(diags)
			return cfg, true
		}
		vd := r.prov.p.ValidateResource(providers.ValidateRequest{Type: r.addr.Type, Addr: addr, Config: cfg})
		diags = append(diags, p.withRowOrigin(st, p.resourceDiags(r, addr, vd))...)
		if !diags.HasErrors() {
			st.fp = fp
		}
	}
	p.report(diags)
	return cfg, !diags.HasErrors()
}
