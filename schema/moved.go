package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Moved is a moved block: the state's records at From are known at To
// from now on, without a request (terraform's moved block). With ForEach
// (daftar's extension: Terraform allows only static addresses) the keys
// of From and To may use each.key and each.value, so that a change of a
// CSV's key column is one block.
type Moved struct {
	From, To MovedAddr
	// ForEach is nil when the block has none.
	ForEach   hcl.Expression
	DeclRange hcl.Range
}

// MovedAddr is one side of a moved block: a resource, or one instance of
// it whose key is an expression (a literal, or one of each.key and
// each.value under for_each).
type MovedAddr struct {
	Resource addrs.Resource
	// Key is nil for the whole resource.
	Key   hcl.Expression
	Range hcl.Range
}

var movedSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "from", Required: true}, {Name: "to", Required: true}, {Name: "for_each"},
}}

func (c *Config) addMoved(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(movedSchema)
	if diags.HasErrors() {
		return diags
	}
	m := &Moved{DeclRange: block.DefRange}
	if attr, ok := content.Attributes["for_each"]; ok {
		m.ForEach = attr.Expr
	}
	var ok1, ok2 bool
	m.From, ok1, diags = movedAddr(content.Attributes["from"].Expr, m.ForEach != nil, diags)
	m.To, ok2, diags = movedAddr(content.Attributes["to"].Expr, m.ForEach != nil, diags)
	if ok1 && ok2 && (m.From.Key == nil) != (m.To.Key == nil) && m.ForEach != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid moved block",
			Detail: "With for_each, from and to must both name instances, such as usapi_account.hire[each.key].", Subject: m.DeclRange.Ptr()})
	}
	if ok1 && ok2 && m.From.Resource.Type != m.To.Resource.Type {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Resource type mismatch",
			Detail:  fmt.Sprintf("A moved block can only rename a %s to another %s address, not to a %s.", m.From.Resource.Type, m.From.Resource.Type, m.To.Resource.Type),
			Subject: m.To.Range.Ptr()})
	}
	if !diags.HasErrors() {
		c.Moved = append(c.Moved, m)
	}
	return diags
}

// movedAddr reads usapi_account.a, usapi_account.a["k"], usapi_account.a[0]
// or, when each is allowed, usapi_account.a[each.key].
func movedAddr(expr hcl.Expression, each bool, diags hcl.Diagnostics) (MovedAddr, bool, hcl.Diagnostics) {
	a := MovedAddr{Range: expr.Range()}
	bad := func(detail string) (MovedAddr, bool, hcl.Diagnostics) {
		return a, false, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid address in moved block",
			Detail: detail, Subject: expr.Range().Ptr()})
	}
	if r, key, ok := moduleResourceAddr(expr); ok {
		a.Resource, a.Key = r, key
		return a, true, diags
	}
	var trav hcl.Traversal
	if t, d := hcl.AbsTraversalForExpr(expr); !d.HasErrors() {
		trav = t
	} else if ix, ok := expr.(*hclsyntax.IndexExpr); ok && each {
		t, d := hcl.AbsTraversalForExpr(ix.Collection)
		if d.HasErrors() {
			return bad("Expected a resource address such as usapi_account.hire[each.key].")
		}
		trav, a.Key = t, ix.Key
	} else {
		return bad("Expected a resource or instance address such as usapi_account.hire or usapi_account.hire[\"ani\"]; keys other than literals need for_each (each.key, each.value).")
	}
	if len(trav) < 2 || len(trav) > 3 || trav.RootName() == "data" {
		return bad("Expected a managed resource address such as usapi_account.hire or usapi_account.hire[\"ani\"]: data sources are read, never moved.")
	}
	name, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return bad("Expected TYPE.NAME, such as usapi_account.hire.")
	}
	a.Resource = addrs.Resource{Mode: addrs.Managed, Type: trav.RootName(), Name: name.Name}
	if len(trav) == 3 {
		ix, ok := trav[2].(hcl.TraverseIndex)
		if !ok || a.Key != nil {
			return bad("Expected one instance key in brackets, such as [\"ani\"] or [0].")
		}
		a.Key = hcl.StaticExpr(ix.Key, ix.SrcRange)
	}
	return a, true, diags
}

// MovedKey turns an evaluated key into an instance key.
func MovedKey(v cty.Value) (addrs.Key, error) {
	return keysOf(v, movedKey)
}

func movedKey(v cty.Value) (addrs.Key, error) {
	switch {
	case v.IsNull() || !v.IsKnown():
		return nil, fmt.Errorf("the key must be a known string or number")
	case v.Type() == cty.String:
		return addrs.StringKey(v.AsString()), nil
	case v.Type() == cty.Number:
		bf := v.AsBigFloat()
		if n, acc := bf.Int64(); acc == 0 && n >= 0 {
			return addrs.IntKey(int(n)), nil
		}
	}
	return nil, fmt.Errorf("the key must be a string or a whole number")
}
