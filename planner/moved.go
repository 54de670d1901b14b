package planner

import (
	"fmt"
	"slices"
	"sort"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// MovedRecord returns a copy of r recorded at the address to: the same
// remote record, known by another name. Its attributes, digests and
// dependencies stay; the caller checks that the types match.
func MovedRecord(r *state.Resource, to addrs.Instance) *state.Resource {
	c := *r
	c.Address = to.String()
	k := c.Kind()
	k.Type, k.Name = to.Resource.Type, to.Resource.Name
	c.SetKind(k) // another interned Kind: r's is shared with its resource's records
	c.SetModule(to.ModuleInstance())
	c.SetIndexKey(resourceIndexKey(to))
	return &c
}

// move is one instance renamed by a moved block, or every instance of a
// resource (whole, when the block names resources, not instances): in a
// module instance, from.Key and to.Key are then its key, and only the
// instances under it move.
type move struct {
	from, to addrs.Instance
	block    *schema.Moved
	whole    bool
}

// applyMoves renames, in the planner's index of the state, the records
// the moved blocks name, so that the walk plans them at their new
// addresses; the steps found there get Change.PrevAddr. A block whose
// source is not in the state is silent (already moved, or never created);
// one whose destination is already in the state is an error.
func (p *planner) applyMoves() {
	mods := p.req.Config.AllModules()
	if !slices.ContainsFunc(mods, func(m *schema.Config) bool { return len(m.Moved) > 0 }) {
		return
	}
	p.moved = map[addrs.Instance]addrs.Instance{}
	for _, m := range p.req.Config.Moved {
		for _, mv := range p.expandMoved(m, nil) {
			p.moveRecords(mv)
		}
	}
	for _, m := range mods[1:] {
		if len(m.Moved) == 0 {
			continue
		}
		for _, mi := range p.movedModuleInstances(m) {
			for _, b := range m.Moved {
				for _, mv := range p.expandMoved(b, mi) {
					p.moveRecords(mv)
				}
			}
		}
	}
}

// movedModuleInstances expands the instances of a module that holds
// moved blocks, before the walk: its count or for_each may use variables,
// locals and functions, not resources.
func (p *planner) movedModuleInstances(m *schema.Config) []*schema.ModuleInstance {
	p.evalFreeLocals()
	insts, diags := p.moduleInstances(m, false)
	if diags.HasErrors() {
		p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot expand a module holding moved blocks",
			Detail:  fmt.Sprintf("The module at %s holds moved blocks, which are applied before anything is planned; so the count or for_each of its call (and of the calls above it) must be known from variables, locals and functions, not from resources: %s", m.Dir, firstErrorText(diags)),
			Subject: m.Moved[0].DeclRange.Ptr()}})
		return nil
	}
	return insts
}

func firstErrorText(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d.Summary + ": " + d.Detail
		}
	}
	return ""
}

// expandMoved evaluates a moved block's for_each and keys, in module
// instance mi (nil: the root), where its addresses are relative to mi.
func (p *planner) expandMoved(m *schema.Moved, mi *schema.ModuleInstance) []move {
	reps := []schema.Repetition{{Module: mi}}
	if m.ForEach != nil {
		p.evalFreeLocals()
		v, diags := p.scope.EvalExpr(m.ForEach, cty.DynamicPseudoType, schema.Repetition{Module: mi})
		p.report(diags)
		if diags.HasErrors() {
			return nil
		}
		if v.ContainsMarked() {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each in moved block",
				Detail: "A moved block's for_each may not be sensitive: its keys become addresses, shown in plans and kept in clear in the state.", Subject: m.ForEach.Range().Ptr()}})
			return nil
		}
		if !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsMapType() || v.Type().IsObjectType() || v.Type().IsSetType()) {
			p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid for_each in moved block",
				Detail: "A moved block's for_each must be a map or a set of strings known at plan time, from variables, locals and functions only.", Subject: m.ForEach.Range().Ptr()}})
			return nil
		}
		reps = reps[:0]
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if v.Type().IsSetType() {
				k = e
			}
			reps = append(reps, schema.EachRepetition(k, e, mi))
		}
	}
	var out []move
	for _, rep := range reps {
		from, ok1 := p.movedInstance(m.From, rep)
		to, ok2 := p.movedInstance(m.To, rep)
		if ok1 && ok2 {
			out = append(out, move{from: from, to: to, block: m, whole: m.From.Key == nil && m.To.Key == nil})
		}
	}
	return out
}

// inModule rebases a resource a moved block in module instance mi names
// (relative to mi) on the root.
func inModule(r addrs.Resource, mi *schema.ModuleInstance) addrs.Resource {
	if mi == nil {
		return r
	}
	if r.Module == "" {
		r.Module = mi.Config.Path
	} else {
		r.Module = mi.Config.Path + "." + r.Module
	}
	return r
}

// movedInstance evaluates one side of a moved block. A whole resource is
// its instance without a key here; moveRecords moves all its instances.
func (p *planner) movedInstance(a schema.MovedAddr, rep schema.Repetition) (addrs.Instance, bool) {
	inst := addrs.Instance{Resource: inModule(a.Resource, rep.Module), Key: addrs.NoKey}
	var modKey addrs.Key
	if rep.Module != nil {
		modKey = rep.Module.PathKey()
	}
	if a.Key == nil {
		inst.Resource = p.configuredAddr(inst.Resource) // module.hire.usapi_account.this: its keys are the call's
		inst.Key = modKey
		return inst, true
	}
	v, diags := p.scope.EvalExpr(a.Key, cty.DynamicPseudoType, rep)
	p.report(diags)
	if diags.HasErrors() {
		return inst, false
	}
	if v.ContainsMarked() {
		p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid instance key in moved block",
			Detail: "An instance key may not be sensitive: it becomes an address, shown in plans and kept in clear in the state.", Subject: a.Key.Range().Ptr()}})
		return inst, false
	}
	k, err := schema.MovedKey(v)
	if err != nil {
		p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid instance key in moved block",
			Detail: "In " + a.Resource.String() + ", " + err.Error() + ".", Subject: a.Key.Range().Ptr()}})
		return inst, false
	}
	inst.Key = addrs.JoinKeys(modKey, k)
	return inst, true
}

// moveRecords renames the records of one move in the state index.
func (p *planner) moveRecords(mv move) {
	src := p.stored.byRes[mv.from.Resource]
	if mv.whole {
		for _, k := range sortedInstanceKeys(src) {
			from := addrs.Instance{Resource: mv.from.Resource, Key: k}
			if mv.from.Key != nil && from.ModuleKeys() != mv.from.Key {
				continue // another module instance's
			}
			to := addrs.Instance{Resource: mv.to.Resource, Key: addrs.JoinKeys(mv.to.Key, from.OwnKey())}
			if mv.from.Key == nil {
				to.Key = k
			}
			p.moveOne(mv.block, from, to)
		}
		return
	}
	p.moveOne(mv.block, mv.from, mv.to)
}

func (p *planner) moveOne(m *schema.Moved, from, to addrs.Instance) {
	rec := p.stored.byRes[from.Resource].get(from.Key)
	if rec == nil || from == to {
		return // nothing to move: silent, as in Terraform
	}
	if other := p.stored.byRes[to.Resource].get(to.Key); other != nil {
		p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Moved object destination already in state",
			Detail: fmt.Sprintf("The moved block renames %s to %s, but the state already holds %s. If %s is the record to keep, remove %s from the state with daftar state rm '%s', or remove this moved block.",
				from, to, to, from, to, to),
			Subject: m.To.Range.Ptr()}})
		return
	}
	if rec.Pending() != nil {
		p.report(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot move a pending create",
			Detail:  fmt.Sprintf("%s has a create whose outcome is unknown. Remove this moved block, run daftar plan and apply to resolve it, then move it.", from),
			Subject: m.DeclRange.Ptr()}})
		return
	}
	p.stored.byRes[from.Resource].del(from.Key)
	dst := p.stored.byRes[to.Resource]
	if dst == nil {
		dst = &instRecords{}
		p.stored.byRes[to.Resource] = dst
	}
	dst.set(to.Key, MovedRecord(rec, to))
	p.moved[to] = from
}

func sortedInstanceKeys(m *instRecords) []addrs.Key {
	keys := make([]addrs.Key, 0, m.len())
	for k := range m.all() {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return addrs.Instance{Key: keys[i]}.Less(addrs.Instance{Key: keys[j]}) })
	return keys
}

// evalFreeLocals evaluates, once, the locals that refer to no resource,
// for a moved block's for_each; the walk finds the same values.
func (p *planner) evalFreeLocals() {
	if p.freeLocalsDone {
		return
	}
	p.freeLocalsDone = true
	for _, key := range p.order {
		b := p.blocks[key]
		if b.local == nil || !b.resourceFree {
			continue
		}
		v, ok := p.req.Locals[b.local.Name]
		if !ok {
			var diags hcl.Diagnostics
			v, diags = p.evalLocal(b.local)
			if diags.HasErrors() {
				continue // the walk reports it
			}
		}
		p.vals.setLocal(b.local.Name, v)
	}
}

// markMoves sets PrevAddr on the steps of moved instances.
func (p *planner) markMoves(steps []*Step) {
	if len(p.moved) == 0 {
		return
	}
	for _, s := range steps {
		if from, ok := p.moved[s.Change.Addr]; ok {
			s.Change.SetPrevAddr(&from)
		}
	}
}
