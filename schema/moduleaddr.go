package schema

import (
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// moduleResourceAddr reads the address of a managed resource in a module,
// as moved and import blocks write it: module.hire["ani"].usapi_account.this,
// module.hire[each.key].usapi_account.this, module.team.usapi_account.p[0].
// It returns the resource (its Module path marked at the keyed calls) and
// the key's expression (nil for none): with several keys
// (module.hire["ani"].usapi_account.alt["x"]), a tuple of them, outermost
// first, which MovedKey and ImportKey read; false when expr is no such
// address.
func moduleResourceAddr(expr hcl.Expression) (addrs.Resource, hcl.Expression, bool) {
	steps, keyPos, keyExpr, ok := addressSteps(expr)
	if !ok || steps.RootName() != "module" {
		return addrs.Resource{}, nil, false
	}
	keyAt := func(i int) hcl.Expression {
		if i == keyPos {
			return keyExpr
		}
		ix := steps[i].(hcl.TraverseIndex)
		return hcl.StaticExpr(ix.Key, ix.SrcRange)
	}
	var segs []string
	var keys []hcl.Expression
	i := 0
	for i+1 < len(steps) && stepName(steps[i]) == "module" {
		seg := stepName(steps[i+1])
		if seg == "" {
			return addrs.Resource{}, nil, false
		}
		i += 2
		if i < len(steps) {
			if _, isIndex := steps[i].(hcl.TraverseIndex); isIndex {
				keys, seg = append(keys, keyAt(i)), seg+"[]"
				i++
			}
		}
		segs = append(segs, seg)
	}
	if i+2 > len(steps) {
		return addrs.Resource{}, nil, false
	}
	typ, name := stepName(steps[i]), stepName(steps[i+1])
	if typ == "" || name == "" || typ == "data" {
		return addrs.Resource{}, nil, false
	}
	i += 2
	if i < len(steps) {
		if _, isIndex := steps[i].(hcl.TraverseIndex); !isIndex {
			return addrs.Resource{}, nil, false
		}
		keys = append(keys, keyAt(i))
		i++
	}
	if i != len(steps) {
		return addrs.Resource{}, nil, false
	}
	return addrs.Resource{Mode: addrs.Managed, Type: typ, Name: name, Module: strings.Join(segs, ".")}, keysExpr(keys), true
}

// keysExpr is the expression of an address's keys: nil for none, the key
// itself for one, a tuple of them for several.
func keysExpr(keys []hcl.Expression) hcl.Expression {
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return keys[0]
	}
	return &keysTuple{keys: keys}
}

// keysTuple evaluates the keys of an address with several, as a tuple.
type keysTuple struct {
	keys []hcl.Expression
}

func (k *keysTuple) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	vals := make([]cty.Value, len(k.keys))
	var diags hcl.Diagnostics
	for i, e := range k.keys {
		v, more := e.Value(ctx)
		diags = append(diags, more...)
		vals[i] = v
	}
	return cty.TupleVal(vals), diags
}

func (k *keysTuple) Variables() []hcl.Traversal {
	var out []hcl.Traversal
	for _, e := range k.keys {
		out = append(out, e.Variables()...)
	}
	return out
}

func (k *keysTuple) Range() hcl.Range {
	return hcl.RangeBetween(k.keys[0].Range(), k.keys[len(k.keys)-1].Range())
}

func (k *keysTuple) StartRange() hcl.Range { return k.keys[0].StartRange() }

// keysOf turns an evaluated key (or tuple of keys, see keysExpr) into an
// instance key, each element by one.
func keysOf(v cty.Value, one func(cty.Value) (addrs.Key, error)) (addrs.Key, error) {
	if v.IsKnown() && !v.IsNull() && v.Type().IsTupleType() {
		var keys []addrs.Key
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			k, err := one(e)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		return addrs.JoinKeys(keys...), nil
	}
	return one(v)
}

// addressSteps lists the steps of an address expression; a key written as
// an expression (each.key) is a placeholder step at keyPos, its
// expression keyExpr.
func addressSteps(expr hcl.Expression) (steps hcl.Traversal, keyPos int, keyExpr hcl.Expression, ok bool) {
	keyPos = -1
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return e.Traversal, keyPos, nil, true
	case *hclsyntax.IndexExpr:
		st, isTrav := e.Collection.(*hclsyntax.ScopeTraversalExpr)
		if !isTrav {
			return nil, keyPos, nil, false
		}
		steps = append(append(hcl.Traversal(nil), st.Traversal...), hcl.TraverseIndex{SrcRange: e.Key.Range()})
		return steps, len(steps) - 1, e.Key, true
	case *hclsyntax.RelativeTraversalExpr:
		ix, isIndex := e.Source.(*hclsyntax.IndexExpr)
		if !isIndex {
			return nil, keyPos, nil, false
		}
		st, isTrav := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
		if !isTrav {
			return nil, keyPos, nil, false
		}
		steps = append(append(hcl.Traversal(nil), st.Traversal...), hcl.TraverseIndex{SrcRange: ix.Key.Range()})
		keyPos = len(steps) - 1
		return append(steps, e.Traversal...), keyPos, ix.Key, true
	}
	return nil, keyPos, nil, false
}

func stepName(s hcl.Traverser) string {
	switch s := s.(type) {
	case hcl.TraverseRoot:
		return s.Name
	case hcl.TraverseAttr:
		return s.Name
	}
	return ""
}
