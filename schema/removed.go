package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Removed is a removed block (Terraform 1.7's): the resource, or the
// module call, at from is no longer in the configuration, and its records
// leave the state. That is what daftar does with any resource taken out of
// the configuration (it is forgotten: none of the APIs can delete a
// record), so the block changes nothing in the plan; it says so in the
// configuration, and it is checked: from must not be declared any more,
// and the block must say lifecycle { destroy = false }, since Terraform's
// default, destroying the records, is what daftar cannot do.
type Removed struct {
	// Resource is the managed resource removed, relative to the block's
	// module; the zero value when the block removes a module call.
	Resource addrs.Resource
	// Module is the name of the module call removed, "" for a resource.
	Module    string
	From      hcl.Range
	DeclRange hcl.Range
}

// String is from as written: usapi_account.old or module.hires.
func (r *Removed) String() string {
	if r.Module != "" {
		return "module." + r.Module
	}
	return r.Resource.String()
}

var removedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}},
}

var removedLifecycleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "destroy"}}}

func (c *Config) addRemoved(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(removedSchema)
	if diags.HasErrors() {
		return diags
	}
	r := &Removed{DeclRange: block.DefRange}
	from := content.Attributes["from"]
	r.From = from.Expr.Range()
	trav, d := hcl.AbsTraversalForExpr(from.Expr)
	var ok bool
	if !d.HasErrors() && len(trav) == 2 {
		if name, isAttr := trav[1].(hcl.TraverseAttr); isAttr {
			switch trav.RootName() {
			case "module":
				r.Module, ok = name.Name, true
			case "data":
			default:
				r.Resource, ok = addrs.Resource{Mode: addrs.Managed, Type: trav.RootName(), Name: name.Name}, true
			}
		}
	}
	if !ok {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid address in removed block",
			Detail: "Expected a managed resource such as usapi_account.old, or a module call such as module.hires, with no instance key: " +
				"an instance leaves when its row leaves the for_each (or daftar state rm ADDR forgets it); data sources are never in the state.",
			Subject: r.From.Ptr()})
	}
	destroy := true
	var at *hcl.Range
	for _, b := range content.Blocks {
		switch b.Type {
		case "provisioner":
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported block type",
				Detail: "daftar runs no provisioners: a removed resource is only forgotten.", Subject: b.DefRange.Ptr()})
		case "lifecycle":
			lc, more := b.Body.Content(removedLifecycleSchema)
			diags = append(diags, more...)
			a, set := lc.Attributes["destroy"]
			if !set {
				continue
			}
			at = a.Expr.Range().Ptr()
			v, more := a.Expr.Value(nil)
			if more.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid destroy value",
					Detail: "destroy must be written as true or false.", Subject: at})
				destroy = false // reported
				continue
			}
			destroy = v.True()
		}
	}
	if destroy {
		subject := at
		if subject == nil {
			subject = r.DeclRange.Ptr()
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "daftar cannot destroy removed records",
			Detail: "None of the APIs can delete a record, so a removed block can only forget: the records leave the state and " +
				"stay at the API. Say so with lifecycle { destroy = false } (Terraform's default is true).",
			Subject: subject})
	}
	if !diags.HasErrors() {
		c.Removed = append(c.Removed, r)
	}
	return diags
}

// checkRemoved refuses a removed block whose from is still declared: the
// records would be both kept and forgotten.
func (c *Config) checkRemoved() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range c.Removed {
		decl := c.removedDecl(r)
		if decl == nil {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Removed resource still declared",
			Detail: fmt.Sprintf("%s is declared at %s and removed here. Take out the block that declares it to forget its records, "+
				"or take out this removed block to keep them.", r, rangeString(*decl)),
			Subject: r.From.Ptr()})
	}
	return diags
}

func (c *Config) removedDecl(r *Removed) *hcl.Range {
	if r.Module != "" {
		if call := c.Calls[r.Module]; call != nil {
			return &call.DeclRange
		}
		return nil
	}
	if res := c.Resources[r.Resource]; res != nil {
		return &res.DeclRange
	}
	return nil
}
