package planner

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// resourceDiags turns a provider's diagnostics about the instance addr of
// r into HCL diagnostics pointing at the attribute's source.
func (p *planner) resourceDiags(r *resource, addr string, ds providers.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range ds {
		target, about := r, addr
		if d.Resource != "" && d.Resource != addr {
			about = d.Resource
			if inst, err := addrs.ParseInstance(d.Resource); err == nil && p.res[inst.Resource] != nil {
				target = p.res[inst.Resource]
			}
		}
		if target.cfg == nil {
			out = append(out, convertDiag(d, nil, about))
			continue
		}
		rng := attrRange(target.cfg.Config, d.Path, target.cfg.DeclRange)
		out = append(out, convertDiag(d, &rng, about))
	}
	return out
}

// blockDiags is resourceDiags for a block that is not a resource (a
// provider block).
func (p *planner) blockDiags(body hcl.Body, decl hcl.Range, about string, ds providers.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range ds {
		rng := attrRange(body, d.Path, decl)
		out = append(out, convertDiag(d, &rng, about))
	}
	return out
}

// withRowOrigin adds to the diagnostics of an instance whose each.value is
// a row that csvdecode read from a file the row's file and line, so that a
// rejected row of a batch can be found in its CSV.
func (p *planner) withRowOrigin(st *Step, diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) == 0 || st.rep == nil {
		return diags
	}
	row := rowOf(*st.rep)
	if row == cty.NilVal {
		return diags
	}
	file, line, ok := p.cfg.CSVRowOrigin(p.scope.BaseDir, row)
	if !ok {
		return diags
	}
	// Copies: a diagnostic of the body's content (a missing argument) is
	// one value shared by every instance, planned in parallel.
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		c.Detail += fmt.Sprintf(" The instance comes from line %d of %s.", line, file)
		out[i] = &c
	}
	return out
}

func convertDiag(d providers.Diagnostic, subject *hcl.Range, about string) *hcl.Diagnostic {
	sev := hcl.DiagError
	if d.Severity == providers.Warning {
		sev = hcl.DiagWarning
	}
	detail := d.Detail
	if about != "" {
		if detail != "" {
			detail += " "
		}
		detail += "(in " + about + ")"
	}
	return &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: detail, Subject: subject}
}

// attrRange finds the source range of the attribute at path in body:
// the attribute, or the nested block, as deep as the path can be followed
// in the source; decl when the body is not native syntax or the attribute
// is not written (a required one missing, a computed one).
func attrRange(body hcl.Body, path cty.Path, decl hcl.Range) hcl.Range {
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return decl
	}
	found := decl
	for _, step := range path {
		name, ok := step.(cty.GetAttrStep)
		if !ok {
			continue // an index into a list or map: stay on the attribute
		}
		if b == nil {
			break
		}
		if attr, ok := b.Attributes[name.Name]; ok {
			return attr.SrcRange
		}
		var next *hclsyntax.Body
		for _, blk := range b.Blocks {
			if blk.Type == name.Name {
				found, next = blk.DefRange(), blk.Body
				break
			}
		}
		if next == nil {
			break
		}
		b = next
	}
	return found
}
