package planner

import (
	"slices"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// This file is what apply lets go of, so that its memory follows the
// changes in flight rather than the batch: the values planning needed and
// no evaluation at apply reads.

// releaseForApply lets go, once planning is over, of what only planning
// read: the pre-pass's values and the keys it expanded, and the values of the locals no
// expression evaluated during apply refers to (a batch's CSV read into a
// for_each: its rows are then held by the steps that still need them, one
// each, and go as each change finishes, see Finish). A step whose body
// apply does not evaluate again lets go of its count and each now; any
// other gets its own, so that a finished step's row is not kept by the
// resource's keys.
func (r *Result) releaseForApply() {
	r.p.pre = nil        // the pre-pass's locals and resources, which the walk took over
	r.p.req.Locals = nil // the locals evaluated beforehand (EvalLocals), which the plan took over
	// The index of the records the plan started from: each step keeps its
	// own (Step.Stored) until its change finishes, and the state holds
	// them; a record apply replaces (a verification whose outcome it
	// records) is then held by nothing.
	r.p.stored, r.p.known = nil, nil
	lean := leanKeys{}
	for _, res := range r.p.res {
		res.checkedKeys, res.checkedRecs = nil, nil
		if res.lazy != nil {
			res.lazy.compactKeys(lean)
		}
		res.leanKeys(lean)
	}
	rows := false // a step keeps its row
	for _, s := range r.steps {
		switch {
		case s.rep == nil:
		case !evaluatedAtApply(s):
			s.rep = nil
		default:
			rep := *s.rep
			s.rep = &rep
			rows = true
		}
	}
	if !rows && len(r.p.cfg.Calls) == 0 {
		// No diagnostic of apply names a row's line (withRowOrigin reads
		// a step's row): the CSV's text goes with the rows.
		r.p.cfg.ForgetDecodedCSV(r.p.scope.BaseDir)
	}
	r.p.vals.dropLocals(r.p.localsReadAtApply())
}

// leanKeys are, by the first of the keys they were made of, the instance
// keys alone of a resource's keys (lazyCreates.akeys, compact.akeys),
// each string key a copy: the resources of a batch share their table's
// keys (tableKeysOf), and so share these.
type leanKeys map[*instanceKey][]addrs.Key

// of is the instance keys of keys alone, made once.
func (lean leanKeys) of(keys []instanceKey) []addrs.Key {
	if len(keys) == 0 {
		return []addrs.Key{}
	}
	if ak, ok := lean[&keys[0]]; ok && len(ak) == len(keys) {
		return ak
	}
	ak := make([]addrs.Key, len(keys))
	for i, ik := range keys {
		if s, ok := ik.key.(addrs.StringKey); ok {
			ak[i] = addrs.StringKey(strings.Clone(string(s)))
		} else {
			ak[i] = ik.key
		}
	}
	lean[&keys[0]] = ak
	return ak
}

// leanKeys lets go, once apply starts, of the keys of r's instances kept
// compactly, keeping their instance keys alone: its own compact's and
// those of the columns its value reads (the pre-pass's), whose indexes
// are made again over them, or the keys of the lazy block its value reads
// (lazyKeys). No instance kept compactly is evaluated at apply; what
// reads one reads its key (column.Attr, buildWithCompact, noOpStep).
func (r *resource) leanKeys(lean leanKeys) {
	r.compact.leanKeys(lean)
	var cols []*column
	if r.compact != nil && r.compact.col != nil {
		cols = append(cols, r.compact.col)
	}
	if c, ok := schema.ColumnsOf(r.value); ok {
		switch c := c.(type) {
		case *column:
			cols = append(cols, c)
		case *lazyKeys: // its block expanded (Plan.Expand) before apply started
			c.lz.compactKeys(lean)
			c.c.leanKeys(lean) // its compact's too, when ExpandNoOps took it
		}
	}
	for _, col := range cols {
		col.c.leanKeys(lean)
		if col.index != nil {
			col.makeIndex()
		}
	}
}

// localsReadAtApply names the locals an expression evaluated during apply
// may read, directly or through other locals: those of resource and data
// source bodies (evaluated again before a change whose configuration
// needs values apply produces), conditions, outputs, check blocks and
// provider blocks. A resource's count and for_each are not evaluated
// again: its instances are the plan's. nil means all of them: a
// configuration with modules keeps every local (their scopes evaluate the
// callers' arguments, which this does not follow).
func (p *planner) localsReadAtApply() map[string]bool {
	if len(p.cfg.Calls) > 0 {
		return nil
	}
	var refs []*schema.Reference
	for _, rc := range p.cfg.Resources {
		if res := p.res[rc.Addr]; res != nil && res.spec != nil {
			more, _ := schema.ReferencesInBody(rc.Config, res.spec)
			refs = append(refs, more...)
		} else if rc.Config != nil {
			return nil // a body read without its schema: keep everything
		}
		refs = append(refs, conditionRefs(rc)...)
		refs = append(refs, p.traversalRefs(rc.DependsOn)...)
	}
	for _, o := range p.cfg.Outputs {
		more, _ := schema.ReferencesInExpr(o.Expr)
		refs = append(refs, more...)
		for _, c := range o.Preconditions {
			refs = append(refs, c.References()...)
		}
		refs = append(refs, p.traversalRefs(o.DependsOn)...)
	}
	for _, ch := range p.cfg.Checks {
		for _, a := range ch.Asserts {
			refs = append(refs, a.References()...)
		}
	}
	for _, pr := range p.provs {
		if pr.block != nil {
			refs = append(refs, p.bodyRefs(pr.block.Config, pr)...)
		}
	}
	read := map[string]bool{}
	var visit func(refs []*schema.Reference)
	visit = func(refs []*schema.Reference) {
		for _, ref := range refs {
			if ref.Kind != schema.RefLocal || read[ref.Name] {
				continue
			}
			read[ref.Name] = true
			if l := p.cfg.Locals[ref.Name]; l != nil {
				more, _ := schema.ReferencesInExpr(l.Expr)
				visit(more)
			}
		}
	}
	visit(refs)
	return read
}

// dropLocals lets go of the value of every local keep does not name (nil
// keeps them all). One read during apply all the same is evaluated again
// (Local), as a local not wholly known at plan time is.
func (v *values) dropLocals(keep map[string]bool) {
	if keep == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for name := range v.locals {
		if !keep[name] {
			delete(v.locals, name)
			if v.dropped == nil {
				v.dropped = map[string]bool{}
			}
			v.dropped[name] = true
		}
	}
	v.version.Add(1)
}

// release lets go of what a finished step held for evaluations at apply:
// its count and each (a batch's CSV row), and the marks of its
// configuration. Nothing evaluates it again (its postconditions were
// checked by Finish), and its diagnostics were placed; its value for
// dependents stays. So does the record the plan started from (Stored),
// which the state now holds or has replaced: a step something refers to
// stays to the end of the apply, and a batch's verifications whose
// outcomes apply records would otherwise keep their old records.
func (s *Step) release() {
	s.rep, s.Stored = nil, nil
	s.setMarks(nil)
}

// evaluatedAtApply reports whether apply may evaluate an expression with
// the step's count and each: its body, for a change whose configuration
// is not final (Final), or its postconditions. A no-op or a forget is not
// evaluated (a record written with no provider call is the plan's value);
// nor is a create, replace or update whose configuration was wholly known:
// a saved plan's reviewed one, which Final completes with nothing
// (finalConfig), or, for a resource that depends on nothing, the one
// planned, which Final takes as it is (settled).
func evaluatedAtApply(s *Step) bool {
	res, c := s.res, s.Change
	if rc := res.cfg; rc != nil && len(rc.Postconditions) > 0 {
		return true
	}
	switch c.Action {
	case plans.NoOp, plans.Forget:
		return false
	case plans.Create, plans.Replace, plans.Update:
	default:
		return true
	}
	known := s.packedKnown
	if !s.packed {
		known = s.Config != cty.NilVal && s.Config.IsWhollyKnown()
	}
	switch {
	case s.bound:
		return !known
	case res.addr.Mode != addrs.Managed || len(res.deps) > 0 && !res.upNoOps:
		return true
	}
	return !known || (!s.packed && c.After == cty.NilVal)
}

// upNoOps reports whether every resource r depends on is a managed
// resource of the plan whose every instance is a no-op (resource.upNoOps):
// apply changes nothing r's instances read, so their configurations are
// evaluated again to the values planned. A verification per row reading
// its settled account's e-mail is so: its create is then sent as planned,
// as a lean batch's is, without its row and its account's value held to
// evaluate it again, and without being planned again by its provider.
func (p *planner) upNoOps(r *resource) bool {
	if len(r.deps) == 0 {
		return false
	}
	for _, d := range r.deps {
		up := p.res[d]
		if up == nil || up.addr.Mode != addrs.Managed || up.cfg == nil || up.lazy.count() > 0 {
			return false
		}
		for _, s := range up.steps {
			if s.Change.Action != plans.NoOp {
				return false
			}
		}
	}
	return true
}

// releasable reports whether nothing reads a step once its change has
// finished and the state holds its outcome (Evaluation.Release): a
// change of a managed resource no expression refers to (whose value
// nothing builds again: Finish keeps none for it), with no
// postconditions, that called a provider or wrote the state. A no-op
// stays, for the digests apply records after the run (Backfill).
//
// A step of a resource read by its keys alone (length(R)) goes too once its
// value after apply is the one planned (finishedSame): the resource's
// value holds it already, and is built again over itself (rebuild). At
// 100,000 verifications that is a step and a change each not held to the
// end of the apply, beside the records it writes.
func releasable(s *Step) bool {
	res := s.res
	if res == nil || res.referenced && !s.finishedSame || res.addr.Mode != addrs.Managed || (res.cfg != nil && len(res.cfg.Postconditions) > 0) {
		return false
	}
	return s.Change.Action != plans.NoOp || s.Persist
}

// sameAfterApply reports, under r.mu, whether final, what r's dependents
// read of s after apply, is what they read when it was planned, for a
// resource read by its keys alone whose value, an object by key, was built
// from its steps (not predicted, valuePredicted), or is the column of its
// keys (keysColumn): the step is not read again, for its value or for the
// resource's (finishedSame).
func (r *resource) sameAfterApply(s *Step, final cty.Value) bool {
	_, keys := schema.ColumnsOf(r.value)
	return r.keysOnly() && r.exp == keyed && !r.valuePredicted && (keys || r.value.Type().IsObjectType() && r.value.IsKnown() &&
		!r.value.IsNull() && !r.value.IsMarked()) && final.RawEquals(s.value)
}

// rebuild is buildWithCompact of r's steps, once apply has finished them
// all, val giving each one's value; over the value it replaces when apply
// released some (finishedSame, their slots nil), which holds theirs.
func (r *resource) rebuild(val func(*Step) cty.Value) cty.Value {
	if !slices.Contains(r.steps, nil) {
		return r.buildWithCompact(val)
	}
	attrs := schema.Whole(r.value).AsValueMap() // a column's (keysColumn) built
	for _, s := range r.steps {
		if s == nil {
			continue
		}
		if k, ok := s.Change.Addr.Key.(addrs.StringKey); ok && s.Change.Action != plans.Forget {
			attrs[string(k)] = val(s)
		}
	}
	r.lazy.values(attrs, false)
	return cty.ObjectVal(attrs)
}

// release lets go of s, the step of the plan's change at index i: the
// Result's and its resource's slots of it are set to nil, so that
// nothing holds the step and its change once the executor has let go of
// them. What reads those slots after apply started skips a nil one
// (Backfills, dependsOnChanges).
func (r *Result) release(i int, s *Step) {
	if i >= 0 && i < len(r.steps) && r.steps[i] == s {
		r.steps[i] = nil
	}
	res := s.res
	res.mu.Lock()
	if j := int(s.idx); j < len(res.steps) && res.steps[j] == s {
		res.steps[j] = nil
	}
	res.mu.Unlock()
}
