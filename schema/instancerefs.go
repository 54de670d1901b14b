package schema

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// InstanceRef is a reference to one instance of a resource whose key is
// known before apply: usapi_account.p[each.key], ...[count.index],
// ...["ani"]. Key is the expression of the key (evaluate it with the
// referring instance's count and each); Literal holds the key when it is
// written as a literal (Key is then nil).
type InstanceRef struct {
	Resource addrs.Resource
	Key      hcl.Expression
	Literal  cty.Value
	// SameKey is set for a reference between two resources of a module
	// called with count or for_each: it names the instance with the
	// referring instance's own key.
	SameKey bool
}

// InstanceReferences sorts the references a block's expressions make to
// resources: those that name one instance with a key that count, each,
// variables and locals without resources decide (keyed), and those that
// use the resource whole (a plain usapi_account.p, a splat, an index by
// anything else). A resource referred to both ways is in whole only. The
// locals a key uses are checked by plainLocal.
//
// A for expression's symbols (x in [for x in ... : x.id]) read like
// resources here (x.id); callers keep only the resources the
// configuration declares.
//
// Only native syntax can be read this way: for a body in another syntax
// (HCL JSON) ok is false and the caller treats every reference as whole.
func InstanceReferences(bodies []hcl.Body, exprs []hcl.Expression, plainLocal func(string) bool) (keyed map[addrs.Resource][]InstanceRef, whole map[addrs.Resource]bool, ok bool) {
	keyed, whole = map[addrs.Resource][]InstanceRef{}, map[addrs.Resource]bool{}
	consumed := map[hclsyntax.Node]bool{}
	visit := func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.IndexExpr:
			st, isTrav := e.Collection.(*hclsyntax.ScopeTraversalExpr)
			if !isTrav {
				return nil
			}
			r, rest, isRes := resourceOf(st.Traversal)
			if !isRes || len(rest) > 0 {
				return nil
			}
			consumed[st] = true
			if keyIsPlain(e.Key, plainLocal) {
				keyed[r] = append(keyed[r], InstanceRef{Resource: r, Key: e.Key})
			} else {
				whole[r] = true
			}
		case *hclsyntax.ScopeTraversalExpr:
			if consumed[e] {
				return nil
			}
			r, rest, isRes := resourceOf(e.Traversal)
			if !isRes {
				return nil
			}
			if len(rest) > 0 {
				if ix, isIndex := rest[0].(hcl.TraverseIndex); isIndex {
					keyed[r] = append(keyed[r], InstanceRef{Resource: r, Literal: ix.Key})
					return nil
				}
			}
			whole[r] = true
		}
		return nil
	}
	for _, b := range bodies {
		sb, native := b.(*hclsyntax.Body)
		if !native {
			return nil, nil, false
		}
		hclsyntax.VisitAll(sb, visit)
	}
	for _, x := range exprs {
		if x == nil {
			continue
		}
		sx, native := x.(hclsyntax.Expression)
		if !native {
			return nil, nil, false
		}
		hclsyntax.VisitAll(sx, visit)
	}
	for r := range whole {
		delete(keyed, r)
	}
	return keyed, whole, true
}

// resourceOf reads a traversal that starts with a resource's address, and
// returns the steps after it.
func resourceOf(t hcl.Traversal) (addrs.Resource, hcl.Traversal, bool) {
	switch t.RootName() {
	case "var", "local", "count", "each", "path", "self", "terraform", "module":
		return addrs.Resource{}, nil, false
	}
	ref, diags := ParseReference(t)
	if diags.HasErrors() || ref == nil || ref.Kind != RefResource {
		return addrs.Resource{}, nil, false
	}
	n := 2
	if ref.Resource.Mode == addrs.Data {
		n = 3
	}
	return ref.Resource, t[n:], true
}

// keyIsPlain reports whether an index key depends only on count, each,
// variables, paths and the locals plainLocal accepts: it is known, per
// instance, before anything is applied.
func keyIsPlain(key hcl.Expression, plainLocal func(string) bool) bool {
	for _, t := range key.Variables() {
		switch t.RootName() {
		case "count", "each", "var", "path":
		case "local":
			name, ok := attrStep(t, 1)
			if !ok || plainLocal == nil || !plainLocal(name) {
				return false
			}
		default:
			return false // a resource, or a for expression's own symbol
		}
	}
	return true
}
