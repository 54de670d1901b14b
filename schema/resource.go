package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
)

// metaSchema lists the meta-arguments of resource and data blocks; the rest
// of the body is the provider's.
var metaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "count"},
		{Name: "for_each"},
		{Name: "depends_on"},
		{Name: "provider"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "ignore_changes"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
}

// addResource decodes a resource or data block and its meta-arguments.
func (c *Config) addResource(block *hcl.Block, mode addrs.Mode) hcl.Diagnostics {
	r := &Resource{
		Addr:      addrs.Resource{Mode: mode, Type: block.Labels[0], Name: block.Labels[1]},
		DeclRange: block.DefRange,
		TypeRange: block.LabelRanges[0],
	}
	diags := checkName("resource type", r.Addr.Type, block.LabelRanges[0])
	diags = append(diags, checkName("resource name", r.Addr.Name, block.LabelRanges[1])...)
	content, remain, moreDiags := block.Body.PartialContent(metaSchema)
	diags = append(diags, moreDiags...)
	r.Config = remain
	diags = append(diags, r.decodeMeta(content)...)
	if prev, ok := c.Resources[r.Addr]; ok {
		what := "resource"
		if mode == addrs.Data {
			what = "data source"
		}
		return append(diags, duplicate(what, r.Addr.String(), block.DefRange.Ptr(), prev.DeclRange))
	}
	c.Resources[r.Addr] = r
	return diags
}

// decodeMeta decodes count, for_each, depends_on and lifecycle.
func (r *Resource) decodeMeta(content *hcl.BodyContent) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if attr, ok := content.Attributes["count"]; ok {
		r.Count = attr.Expr
	}
	if attr, ok := content.Attributes["for_each"]; ok {
		r.ForEach = attr.Expr
		if r.Count != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  `Invalid combination of "count" and "for_each"`,
				Detail:   `The "count" and "for_each" meta-arguments are mutually exclusive: only one may be used to create several instances of ` + r.Addr.String() + ".",
				Subject:  attr.NameRange.Ptr(),
			})
		}
	}
	if attr, ok := content.Attributes["provider"]; ok {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  `Unsupported argument "provider"`,
			Detail: fmt.Sprintf("daftar has one configuration per provider, and the provider of a resource is the prefix of its type (%q for %s), so the provider meta-argument is not supported. Remove it.",
				r.Addr.Provider(), r.Addr.Type),
			Subject: attr.NameRange.Ptr(),
		})
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, moreDiags := decodeDependsOn(attr)
		r.DependsOn = deps
		diags = append(diags, moreDiags...)
	}
	for _, block := range content.Blocks {
		diags = append(diags, r.decodeLifecycle(block)...)
	}
	return diags
}

// decodeLifecycle decodes a lifecycle block; a data source's may hold
// conditions only.
func (r *Resource) decodeLifecycle(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(lifecycleSchema)
	for _, b := range content.Blocks {
		cond, more := decodeCondition(b, b.Type == "postcondition")
		diags = append(diags, more...)
		switch {
		case cond == nil:
		case b.Type == "precondition":
			r.Preconditions = append(r.Preconditions, cond)
		default:
			r.Postconditions = append(r.Postconditions, cond)
		}
	}
	attr, ok := content.Attributes["ignore_changes"]
	if !ok {
		return diags
	}
	if r.Addr.Mode == addrs.Data {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument ignore_changes",
			Detail:   "Data sources are read, never changed, so their lifecycle block has no ignore_changes; it may hold precondition and postcondition blocks. Remove it from " + r.Addr.String() + ".",
			Subject:  attr.NameRange.Ptr(),
		})
	}
	if hcl.ExprAsKeyword(attr.Expr) == "all" {
		r.IgnoreAllChanges = true
		return diags
	}
	exprs, moreDiags := hcl.ExprList(attr.Expr)
	if moreDiags.HasErrors() {
		return append(diags, ignoreChangesError(attr.Expr.Range()))
	}
	for _, expr := range exprs {
		t, moreDiags := hcl.RelTraversalForExpr(expr)
		if moreDiags.HasErrors() || len(t) == 0 {
			diags = append(diags, ignoreChangesError(expr.Range()))
			continue
		}
		r.IgnoreChanges = append(r.IgnoreChanges, t)
	}
	return diags
}

func ignoreChangesError(rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid ignore_changes",
		Detail:   "ignore_changes is either the keyword all or a list of attribute names of this resource, such as [email, basic_profile.gender], written without quotes.",
		Subject:  rng.Ptr(),
	}
}

// decodeDependsOn reads depends_on: a list of resource or data addresses.
func decodeDependsOn(attr *hcl.Attribute) ([]hcl.Traversal, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(attr.Expr)
	var deps []hcl.Traversal
	for _, expr := range exprs {
		t, moreDiags := hcl.AbsTraversalForExpr(expr)
		if moreDiags.HasErrors() {
			diags = append(diags, dependsOnError(expr.Range()))
			continue
		}
		ref, moreDiags := ParseReference(t)
		if !moreDiags.HasErrors() && ref.Kind == RefModule && len(t) == 2 {
			deps = append(deps, t) // every resource of the module call
			continue
		}
		if moreDiags.HasErrors() || ref.Kind != RefResource {
			diags = append(diags, dependsOnError(expr.Range()))
			continue
		}
		if len(t) > refLength(ref) {
			diags = append(diags, dependsOnError(expr.Range()))
			continue
		}
		deps = append(deps, t)
	}
	return deps, diags
}

// refLength is the number of traversal steps of a resource address: 3 for
// data.TYPE.NAME, 2 for TYPE.NAME.
func refLength(ref *Reference) int {
	if ref.Resource.Mode == addrs.Data {
		return 3
	}
	return 2
}

func dependsOnError(rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid depends_on reference",
		Detail:   "depends_on lists whole resources or data sources, such as [usapi_account.hire, data.prakerja_profile.me], without attributes or instance keys.",
		Subject:  rng.Ptr(),
	}
}
