package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Import is an import block: the remote record ID is adopted at To by
// plan and apply (Terraform's config-driven import), with a read, never a
// create.
type Import struct {
	// Target is the resource To names; Key its index expression (nil for
	// a resource without count or for_each). Key and ID may refer to
	// each.key and each.value when ForEach is set, and to variables and
	// locals.
	Target  addrs.Resource
	Key     hcl.Expression
	ID      hcl.Expression
	ForEach hcl.Expression
	// ToRange is the range of the to argument, for diagnostics.
	ToRange   hcl.Range
	DeclRange hcl.Range
}

var importSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "to", Required: true},
		{Name: "id", Required: true},
		{Name: "for_each"},
		{Name: "provider"},
	},
}

func (c *Config) addImport(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(importSchema)
	if diags.HasErrors() {
		return diags
	}
	imp := &Import{ID: content.Attributes["id"].Expr, DeclRange: block.DefRange}
	if a, ok := content.Attributes["for_each"]; ok {
		imp.ForEach = a.Expr
	}
	if a, ok := content.Attributes["provider"]; ok {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument",
			Detail:   "An import block takes no provider in daftar: each resource type has one provider. Remove the provider argument.",
			Subject:  a.Range.Ptr(),
		})
	}
	to := content.Attributes["to"]
	imp.ToRange = to.Expr.Range()
	target, key, ok := importTarget(to.Expr)
	if !ok {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid import address",
			Detail:   `The to argument of an import block names a managed resource instance: usapi_account.a, usapi_account.hire["ani"] or, with for_each, usapi_account.hire[each.key].`,
			Subject:  to.Expr.Range().Ptr(),
		})
	}
	imp.Target, imp.Key = target, key
	c.Imports = append(c.Imports, imp)
	return diags
}

// importTarget reads TYPE.NAME or TYPE.NAME[KEY] from expr; KEY may be any
// expression (each.key), evaluated at plan time.
func importTarget(expr hcl.Expression) (addrs.Resource, hcl.Expression, bool) {
	if r, key, ok := moduleResourceAddr(expr); ok {
		return r, key, true
	}
	var key hcl.Expression
	if ix, ok := expr.(*hclsyntax.IndexExpr); ok {
		expr, key = ix.Collection, ix.Key
	}
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return addrs.Resource{}, nil, false
	}
	tr := st.Traversal
	if len(tr) == 3 && key == nil {
		ix, ok := tr[2].(hcl.TraverseIndex)
		if !ok {
			return addrs.Resource{}, nil, false
		}
		key, tr = hcl.StaticExpr(ix.Key, ix.SrcRange), tr[:2]
	}
	if len(tr) != 2 {
		return addrs.Resource{}, nil, false
	}
	root, ok1 := tr[0].(hcl.TraverseRoot)
	name, ok2 := tr[1].(hcl.TraverseAttr)
	if !ok1 || !ok2 || root.Name == "data" || root.Name == "var" || root.Name == "local" || root.Name == "each" || root.Name == "count" {
		return addrs.Resource{}, nil, false
	}
	return addrs.Resource{Mode: addrs.Managed, Type: root.Name, Name: name.Name}, key, true
}

// ImportKey turns an evaluated index into an instance key.
func ImportKey(v cty.Value) (addrs.Key, error) {
	v, _ = v.UnmarkDeep()
	return keysOf(v, importKey)
}

func importKey(v cty.Value) (addrs.Key, error) {
	switch {
	case v.IsNull() || !v.IsKnown():
		return nil, fmt.Errorf("the index must be known at plan time, not null")
	case v.Type() == cty.String:
		return addrs.StringKey(v.AsString()), nil
	case v.Type() == cty.Number:
		n, acc := v.AsBigFloat().Int64()
		if acc != 0 || n < 0 {
			return nil, fmt.Errorf("a numeric index must be a whole number of 0 or more")
		}
		return addrs.IntKey(int(n)), nil
	}
	return nil, fmt.Errorf("the index must be a string or a number, not %s", v.Type().FriendlyName())
}
