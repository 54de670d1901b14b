package schema

import (
	"fmt"
	"sort"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// RefKind says what a reference refers to.
type RefKind int

const (
	// RefVar is var.NAME.
	RefVar RefKind = iota + 1
	// RefLocal is local.NAME.
	RefLocal
	// RefResource is TYPE.NAME or data.TYPE.NAME (with or without an
	// instance key and attributes after it).
	RefResource
	// RefCount is count.index.
	RefCount
	// RefEach is each.key or each.value.
	RefEach
	// RefPath is path.module, path.root or path.cwd.
	RefPath
	// RefModule is module.NAME: the outputs of a module call (an object,
	// or a list or map of objects for count or for_each).
	RefModule
)

// Reference is one reference of an expression to another object.
type Reference struct {
	Kind RefKind
	// Name is the variable or local name for RefVar and RefLocal, the
	// attribute (index, key, value, module, cwd, root) for RefCount,
	// RefEach and RefPath.
	Name string
	// Resource is the referred resource for RefResource.
	Resource addrs.Resource
	// Range covers the address part of the reference (var.x,
	// usapi_account.a, data.prakerja_profile.me), not the attributes after
	// it.
	Range hcl.Range
	// Traversal is the whole traversal as written, attributes included.
	Traversal hcl.Traversal
}

// String spells the referred object: var.x, local.y, usapi_account.a,
// count.index.
func (r *Reference) String() string {
	switch r.Kind {
	case RefVar:
		return "var." + r.Name
	case RefLocal:
		return "local." + r.Name
	case RefResource:
		return r.Resource.String()
	case RefCount:
		return "count." + r.Name
	case RefEach:
		return "each." + r.Name
	case RefPath:
		return "path." + r.Name
	case RefModule:
		return "module." + r.Name
	}
	return "?"
}

// ReferencesInExpr lists the references of an expression, in source order.
func ReferencesInExpr(expr hcl.Expression) ([]*Reference, hcl.Diagnostics) {
	if expr == nil {
		return nil, nil
	}
	return referencesIn(expr.Variables())
}

// ReferencesInBody lists the references of a block body decoded with spec
// (see DecoderSpec), in source order.
func ReferencesInBody(body hcl.Body, spec hcldec.Spec) ([]*Reference, hcl.Diagnostics) {
	if body == nil {
		return nil, nil
	}
	return referencesIn(dynblock.VariablesHCLDec(body, spec))
}

// hasDynamicBlocks reports whether a body written in HCL's native syntax
// holds a dynamic block, at any depth.
func hasDynamicBlocks(body hcl.Body) bool {
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return false
	}
	for _, block := range b.Blocks {
		if block.Type == "dynamic" || hasDynamicBlocks(block.Body) {
			return true
		}
	}
	return false
}

func referencesIn(traversals []hcl.Traversal) ([]*Reference, hcl.Diagnostics) {
	var refs []*Reference
	var diags hcl.Diagnostics
	for _, t := range traversals {
		ref, moreDiags := ParseReference(t)
		diags = append(diags, moreDiags...)
		if ref != nil {
			refs = append(refs, ref)
		}
	}
	sort.SliceStable(refs, func(i, j int) bool { return rangeLess(refs[i].Range, refs[j].Range) })
	return refs, diags
}

func rangeLess(a, b hcl.Range) bool {
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	return a.Start.Byte < b.Start.Byte
}

// ParseReference reads one absolute traversal as a reference. It returns
// nil and an error for a traversal that refers to nothing daftar knows.
func ParseReference(t hcl.Traversal) (*Reference, hcl.Diagnostics) {
	switch root := t.RootName(); root {
	case "var":
		return parseNamedRef(t, RefVar, "an input variable")
	case "local":
		return parseNamedRef(t, RefLocal, "a local value")
	case "count":
		return parseAttrRef(t, RefCount, "index")
	case "each":
		return parseAttrRef(t, RefEach, "key", "value")
	case "path":
		return parseAttrRef(t, RefPath, "module", "root", "cwd")
	case "data":
		return parseResourceRef(t[1:], t, addrs.Data)
	case "module":
		return parseNamedRef(t, RefModule, "a module call")
	case "self", "terraform":
		return nil, invalidRef(t.SourceRange(), fmt.Sprintf("daftar has no %q object.", root))
	default:
		return parseResourceRef(t, t, addrs.Managed)
	}
}

// parseNamedRef reads var.NAME or local.NAME.
func parseNamedRef(t hcl.Traversal, kind RefKind, what string) (*Reference, hcl.Diagnostics) {
	name, ok := attrStep(t, 1)
	if !ok {
		return nil, invalidRef(t.SourceRange(), fmt.Sprintf("A reference to %s is written %s.NAME.", what, t.RootName()))
	}
	return &Reference{Kind: kind, Name: name, Range: hcl.RangeBetween(t[0].SourceRange(), t[1].SourceRange()), Traversal: t}, nil
}

// parseAttrRef reads count.index, each.key, path.module and the like.
func parseAttrRef(t hcl.Traversal, kind RefKind, allowed ...string) (*Reference, hcl.Diagnostics) {
	name, ok := attrStep(t, 1)
	for _, a := range allowed {
		if ok && name == a {
			return &Reference{Kind: kind, Name: name, Range: hcl.RangeBetween(t[0].SourceRange(), t[1].SourceRange()), Traversal: t}, nil
		}
	}
	rng := t.SourceRange()
	if len(t) > 1 {
		rng = t[1].SourceRange()
	}
	detail := fmt.Sprintf("The %q object has the attributes %s.", t.RootName(), quotedList(allowed))
	if ok {
		detail += suggest.DidYouMean(name, allowed)
	}
	return nil, invalidRef(rng, detail)
}

// parseResourceRef reads TYPE.NAME at the start of steps (t is the whole
// traversal, for the result).
func parseResourceRef(steps, t hcl.Traversal, mode addrs.Mode) (*Reference, hcl.Diagnostics) {
	typ, okType := rootOrAttr(steps, 0)
	name, okName := attrStep(steps, 1)
	if !okType || !okName {
		example := "usapi_account.hire"
		if mode == addrs.Data {
			example = "data.prakerja_profile.me"
		}
		return nil, invalidRef(t.SourceRange(), fmt.Sprintf("A reference to a resource is written TYPE.NAME, such as %s, and may be followed by an attribute.", example))
	}
	return &Reference{
		Kind:      RefResource,
		Resource:  addrs.Resource{Mode: mode, Type: typ, Name: name},
		Range:     hcl.RangeBetween(t[0].SourceRange(), steps[1].SourceRange()),
		Traversal: t,
	}, nil
}

// attrStep returns the attribute name of step i of t.
func attrStep(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	a, ok := t[i].(hcl.TraverseAttr)
	return a.Name, ok
}

// rootOrAttr returns the name of step i, which may be the root.
func rootOrAttr(t hcl.Traversal, i int) (string, bool) {
	if len(t) > i {
		if r, ok := t[i].(hcl.TraverseRoot); ok {
			return r.Name, true
		}
	}
	return attrStep(t, i)
}

func invalidRef(rng hcl.Range, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   detail,
		Subject:  rng.Ptr(),
	}}
}

func quotedList(names []string) string {
	s := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			s += " and "
		default:
			s += ", "
		}
		s += fmt.Sprintf("%q", n)
	}
	return s
}

// CheckReferences reports references to variables, locals, resources and
// data sources that are not declared, with a suggestion when a declared name
// is close.
func (c *Config) CheckReferences(refs []*Reference) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, ref := range refs {
		if d := c.checkReference(ref); d != nil {
			diags = append(diags, d)
		}
	}
	return diags
}

// checkReference returns the diagnostic for an undeclared target, or nil.
func (c *Config) checkReference(ref *Reference) *hcl.Diagnostic {
	switch ref.Kind {
	case RefVar:
		if _, ok := c.Variables[ref.Name]; !ok {
			return undeclared("input variable", ref, mapKeys(c.Variables),
				fmt.Sprintf(` Declare it with a variable "%s" {} block.`, ref.Name))
		}
	case RefLocal:
		if _, ok := c.Locals[ref.Name]; !ok {
			return undeclared("local value", ref, mapKeys(c.Locals), " Declare it in a locals block.")
		}
	case RefResource:
		r, ok := c.Resources[ref.Resource]
		if !ok {
			return c.undeclaredResource(ref)
		}
		if ch := c.Checks[r.Check]; r.Check != "" && ch != nil && !contains(ch.Range, ref.Range) {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reference to scoped data source",
				Detail:   fmt.Sprintf("%s is declared in check %q (at %s) and can be referred to only from within that check block, as in Terraform. Declare a data source at the top level to use it elsewhere.", ref.Resource, r.Check, rangeString(r.DeclRange)),
				Subject:  ref.Range.Ptr(),
			}
		}
	case RefModule:
		if _, ok := c.Calls[ref.Name]; !ok {
			return undeclared("module call", ref, mapKeys(c.Calls), fmt.Sprintf(` Declare it with a module "%s" { source = "./..." } block.`, ref.Name))
		}
	}
	return nil
}

func undeclared(what string, ref *Reference, names []string, hint string) *hcl.Diagnostic {
	detail := fmt.Sprintf("There is no %s named %q.", what, ref.Name)
	if s := suggest.Closest(ref.Name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else {
		detail += hint
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared " + what,
		Detail:   detail,
		Subject:  ref.Range.Ptr(),
	}
}

// undeclaredResource suggests the closest declared address of the same mode.
func (c *Config) undeclaredResource(ref *Reference) *hcl.Diagnostic {
	what := "resource"
	if ref.Resource.Mode == addrs.Data {
		what = "data source"
	}
	var names []string
	for addr := range c.Resources {
		if addr.Mode == ref.Resource.Mode {
			names = append(names, addr.String())
		}
	}
	detail := fmt.Sprintf("There is no %s %s declared in the configuration.", what, ref.Resource)
	if s := suggest.Closest(ref.Resource.String(), names); s != "" {
		detail += fmt.Sprintf(" Did you mean %s?", s)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared " + what,
		Detail:   detail,
		Subject:  ref.Range.Ptr(),
	}
}
