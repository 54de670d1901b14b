package schema

import (
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// moduleResourceAddr reads the address of a managed resource in a module,
// as moved and import blocks write it: module.hire["ani"].usapi_account.this,
// module.hire[each.key].usapi_account.this, module.team.usapi_account.p[0].
// It returns the resource (its Module path marked at the keyed call) and
// the key's expression (nil for none); false when expr is no such address.
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
	var key hcl.Expression
	i := 0
	for i+1 < len(steps) && stepName(steps[i]) == "module" {
		seg := stepName(steps[i+1])
		if seg == "" {
			return addrs.Resource{}, nil, false
		}
		i += 2
		if i < len(steps) {
			if _, isIndex := steps[i].(hcl.TraverseIndex); isIndex {
				if key != nil {
					return addrs.Resource{}, nil, false // one key per address
				}
				key, seg = keyAt(i), seg+"[]"
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
		if _, isIndex := steps[i].(hcl.TraverseIndex); !isIndex || key != nil {
			return addrs.Resource{}, nil, false
		}
		key = keyAt(i)
		i++
	}
	if i != len(steps) {
		return addrs.Resource{}, nil, false
	}
	return addrs.Resource{Mode: addrs.Managed, Type: typ, Name: name, Module: strings.Join(segs, ".")}, key, true
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
