package planner

import (
	"math/big"
	"slices"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// dependsOn sets each change's DependsOn: for a resource its block refers
// to one instance at a time (usapi_account.p[each.key]), the instances the
// keys name for this instance; for every other resource it depends on,
// the resource (all its instances). A key that cannot be evaluated, or
// names no instance the resource has, makes the change wait for the whole
// resource, which is never wrong, only slower.
func (p *planner) dependsOn(steps []*Step) {
	wholeOnly := map[*resource][]addrs.Instance{} // shared by the steps of a resource without keyed references
	for _, s := range steps {
		r := s.res
		if len(r.deps) == 0 || r.cfg == nil {
			continue
		}
		if len(r.keyed) == 0 {
			deps, ok := wholeOnly[r]
			if !ok {
				for _, d := range r.deps {
					deps = append(deps, addrs.Instance{Resource: d})
				}
				wholeOnly[r] = deps
			}
			s.Change.DependsOn = deps
			continue
		}
		deps := make([]addrs.Instance, 0, len(r.deps))
		for _, d := range r.deps {
			deps = append(deps, p.instancesOf(s, d)...)
		}
		s.Change.DependsOn = sortInstances(deps)
	}
}

// sortInstances sorts deps by address and removes the repeated ones.
func sortInstances(deps []addrs.Instance) []addrs.Instance {
	slices.SortFunc(deps, func(a, b addrs.Instance) int {
		switch {
		case a.Less(b):
			return -1
		case b.Less(a):
			return 1
		}
		return 0
	})
	return slices.CompactFunc(deps, func(a, b addrs.Instance) bool { return a.String() == b.String() })
}

// instancesOf lists the instances of d that step s depends on.
func (p *planner) instancesOf(s *Step, d addrs.Resource) []addrs.Instance {
	refs, isKeyed := s.res.keyed[d]
	up := p.res[d]
	whole := []addrs.Instance{{Resource: d}}
	if !isKeyed || up == nil || up.exp == single {
		return whole
	}
	out := make([]addrs.Instance, 0, len(refs))
	for _, ref := range refs {
		k, ok := p.instanceKey(s, up, ref)
		if !ok {
			return whole
		}
		out = append(out, d.Instance(k))
	}
	return out
}

// instanceKey evaluates the key of ref for step s, as a key of up.
func (p *planner) instanceKey(s *Step, up *resource, ref schema.InstanceRef) (addrs.Key, bool) {
	if ref.SameKey {
		return s.Change.Addr.Key, s.Change.Addr.Key != nil
	}
	v := ref.Literal
	if ref.Key != nil {
		v = p.keyValue(s, ref.Key)
	}
	if v == cty.NilVal || v.IsNull() || !v.IsWhollyKnown() {
		return nil, false
	}
	v, _ = v.Unmark()
	switch up.exp {
	case keyed:
		str, err := convert.Convert(v, cty.String)
		if err != nil {
			return nil, false
		}
		return addrs.StringKey(str.AsString()), true
	case counted:
		n, err := convert.Convert(v, cty.Number)
		if err != nil {
			return nil, false
		}
		i, acc := n.AsBigFloat().Int64()
		if acc != big.Exact || i < 0 {
			return nil, false
		}
		return addrs.IntKey(int(i)), true
	}
	return nil, false
}

// keyValue evaluates a key expression with the instance's count and each;
// each.key and count.index, by far the most common keys, are read
// directly (each.key of a table's row from the instance's key).
func (p *planner) keyValue(s *Step, key hcl.Expression) cty.Value {
	rep := s.repetition()
	if st, ok := key.(*hclsyntax.ScopeTraversalExpr); ok && len(st.Traversal) == 2 {
		if a, ok := st.Traversal[1].(hcl.TraverseAttr); ok {
			switch {
			case st.Traversal.RootName() == "each" && a.Name == "key":
				if k, ok := s.Change.Addr.Key.(addrs.StringKey); ok && rep.EachRow.IsRow() {
					// A table's row's key is its instance's (tableKeys):
					// read without the row, which the table may have let
					// go of (packTable).
					return cty.StringVal(string(k))
				}
				return rep.EachKey()
			case st.Traversal.RootName() == "count" && a.Name == "index":
				return rep.CountIndex()
			}
		}
	}
	v, diags := p.scope.EvalExpr(key, cty.DynamicPseudoType, rep)
	if diags.HasErrors() {
		return cty.NilVal
	}
	return v
}

// evalFinal evaluates a step's body for apply. Where the block refers to
// instances one at a time, the values of those instances are those apply
// produced for them, though the rest of their resource may not have
// finished: the body is evaluated with a value of each such resource
// holding only the instances this step depends on (it can read no other).
func (r *Result) evalFinal(s *Step) (cty.Value, hcl.Diagnostics) {
	res := s.res
	if len(res.keyed) == 0 {
		return r.p.scope.EvalBody(res.cfg.Config, res.spec, s.repetition())
	}
	part := partialValues{values: r.p.vals, res: map[addrs.Resource]cty.Value{}}
	byRes := map[addrs.Resource][]addrs.Key{}
	for _, d := range s.Change.DependsOn {
		if _, ok := res.keyed[d.Resource]; ok && d.Key != nil {
			byRes[d.Resource] = append(byRes[d.Resource], d.Key)
		}
	}
	for d, keys := range byRes {
		if v, ok := r.p.res[d].partialValue(keys); ok {
			part.res[d] = v
		}
	}
	return r.p.scope.BodyEvaluatorWith(res.cfg.Config, res.spec, part).Eval(s.repetition())
}

// partialValue is the resource's value as apply left it, holding the
// instances of keys only (an object keyed by the keys as strings, which
// an index by number reads as well); false when one is not in the plan.
func (up *resource) partialValue(keys []addrs.Key) (cty.Value, bool) {
	attrs := make(map[string]cty.Value, len(keys))
	up.mu.Lock()
	defer up.mu.Unlock()
	for _, k := range keys {
		s := up.byKey[k]
		if s == nil {
			return cty.NilVal, false
		}
		v := s.value
		if f := s.final(); f != cty.NilVal {
			v = f
		}
		if v == cty.NilVal {
			return cty.NilVal, false
		}
		attrs[keyString(k)] = v
	}
	return cty.ObjectVal(attrs), true
}

func keyString(k addrs.Key) string {
	switch k := k.(type) {
	case addrs.IntKey:
		return big.NewInt(int64(k)).String()
	case addrs.StringKey:
		return string(k)
	}
	return ""
}

// partialValues is the planner's values, with some resources' values
// replaced.
type partialValues struct {
	*values
	res map[addrs.Resource]cty.Value
}

func (pv partialValues) Resource(addr addrs.Resource) (cty.Value, bool) {
	if v, ok := pv.res[addr]; ok {
		return v, true
	}
	return pv.values.Resource(addr)
}
