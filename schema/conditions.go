package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Condition is a precondition, a postcondition or a check block's assert:
// a condition that must hold, and the message shown when it does not.
type Condition struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Check is a check block: assertions reported as warnings, never stopping
// a plan or an apply.
type Check struct {
	Name    string
	Asserts []*Condition
	// Data are the addresses of the data sources scoped to the check: they
	// are read like the others, may be referred to from this check only,
	// and a failed read is a warning.
	Data      []addrs.Resource
	DeclRange hcl.Range
	// Range is the whole block, to tell references from inside it.
	Range hcl.Range
}

var conditionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// decodeCondition reads a precondition, postcondition or assert block.
// self is allowed in postconditions only.
func decodeCondition(block *hcl.Block, selfAllowed bool) (*Condition, hcl.Diagnostics) {
	content, diags := block.Body.Content(conditionSchema)
	cond, okCond := content.Attributes["condition"]
	msg, okMsg := content.Attributes["error_message"]
	if !okCond || !okMsg {
		return nil, diags
	}
	c := &Condition{Condition: cond.Expr, ErrorMessage: msg.Expr, DeclRange: block.DefRange}
	for _, expr := range []hcl.Expression{cond.Expr, msg.Expr} {
		_, more := conditionReferences(expr, selfAllowed)
		diags = append(diags, more...)
	}
	return c, diags
}

// conditionReferences lists the references of a condition's expression;
// self (the instance's own value, in a postcondition) is not one.
func conditionReferences(expr hcl.Expression, selfAllowed bool) ([]*Reference, hcl.Diagnostics) {
	var ts []hcl.Traversal
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if t.RootName() != "self" {
			ts = append(ts, t)
			continue
		}
		if !selfAllowed {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  `Invalid reference to "self"`,
				Detail:   "self, the instance's own value, can be used only in a postcondition of a resource or data source: a precondition is checked before the instance is planned.",
				Subject:  t.SourceRange().Ptr(),
			})
		}
	}
	refs, more := referencesIn(ts)
	return refs, append(diags, more...)
}

// References lists what a condition refers to, self excepted.
func (c *Condition) References() []*Reference {
	var refs []*Reference
	for _, expr := range []hcl.Expression{c.Condition, c.ErrorMessage} {
		more, _ := conditionReferences(expr, true)
		refs = append(refs, more...)
	}
	return refs
}

var checkSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "assert"},
		{Type: "data", LabelNames: []string{"type", "name"}},
	},
}

// addCheck decodes a check block.
func (c *Config) addCheck(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	diags := checkName("check name", name, block.LabelRanges[0])
	content, more := block.Body.Content(checkSchema)
	diags = append(diags, more...)
	ch := &Check{Name: name, DeclRange: block.DefRange, Range: block.DefRange}
	if body, ok := block.Body.(*hclsyntax.Body); ok {
		ch.Range = hcl.RangeBetween(block.DefRange, body.SrcRange)
	}
	for _, b := range content.Blocks {
		if b.Type == "data" {
			diags = append(diags, c.addScopedData(ch, b)...)
			continue
		}
		cond, more := decodeCondition(b, false)
		diags = append(diags, more...)
		if cond != nil {
			ch.Asserts = append(ch.Asserts, cond)
		}
	}
	if len(ch.Asserts) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Check block without assertions",
			Detail:   fmt.Sprintf("check %q needs at least one assert { condition = ..., error_message = ... } block.", name),
			Subject:  block.DefRange.Ptr(),
		})
	}
	if prev, ok := c.Checks[name]; ok {
		return append(diags, duplicate("check", name, block.DefRange.Ptr(), prev.DeclRange))
	}
	c.Checks[name] = ch
	return diags
}

// addScopedData decodes a data block nested in check ch: a data source
// like a top-level one (same address space), marked as scoped to ch.
func (c *Config) addScopedData(ch *Check, b *hcl.Block) hcl.Diagnostics {
	if len(ch.Data) > 0 {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Too many data blocks in check block",
			Detail:   fmt.Sprintf("check %q already holds data %q %q: a check block may hold at most one data block, as in Terraform.", ch.Name, ch.Data[0].Type, ch.Data[0].Name),
			Subject:  b.DefRange.Ptr(),
		}}
	}
	diags := c.addResource(b, addrs.Data)
	addr := addrs.Resource{Mode: addrs.Data, Type: b.Labels[0], Name: b.Labels[1]}
	if r := c.Resources[addr]; r != nil && r.DeclRange == b.DefRange {
		r.Check = ch.Name
		ch.Data = append(ch.Data, addr)
	}
	return diags
}

// contains reports whether rng lies within outer.
func contains(outer, rng hcl.Range) bool {
	return rng.Filename == outer.Filename && rng.Start.Byte >= outer.Start.Byte && rng.End.Byte <= outer.End.Byte
}

// ConditionKind names what a condition belongs to, for its diagnostic.
type ConditionKind string

const (
	Precondition  ConditionKind = "precondition"
	Postcondition ConditionKind = "postcondition"
	Assertion     ConditionKind = "assertion"
)

// CheckCondition evaluates a condition for one instance; self is the
// instance's value in a postcondition (cty.NilVal elsewhere). It returns
// nil when the condition holds or is not known yet (it is checked again
// when it is), a diagnostic of severity sev saying what failed otherwise,
// and errors in the expressions themselves.
func (s *Scope) CheckCondition(c *Condition, kind ConditionKind, what string, rep Repetition, self cty.Value, sev hcl.DiagnosticSeverity) hcl.Diagnostics {
	ctx, diags := s.conditionContext(c, rep, self)
	if diags.HasErrors() {
		return diags
	}
	result, more := c.Condition.Value(ctx)
	if diags = append(diags, more...); more.HasErrors() {
		return diags
	}
	result, _ = result.UnmarkDeep()
	result, err := convert.Convert(result, cty.Bool)
	if err != nil || result.IsNull() {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid condition result",
			Detail:   fmt.Sprintf("The condition of a %s must be true or false.", kind),
			Subject:  c.Condition.Range().Ptr(),
		})
	}
	if !result.IsKnown() || result.True() {
		return diags
	}
	return append(diags, &hcl.Diagnostic{
		Severity: sev,
		Summary:  fmt.Sprintf("%s %s failed", what, kind),
		Detail:   fmt.Sprintf("%s\n\nThis was checked by the %s at %s.", errorMessage(&Validation{ErrorMessage: c.ErrorMessage}, ctx), kind, rangeString(c.DeclRange)),
		Subject:  c.Condition.Range().Ptr(),
	})
}

func (s *Scope) conditionContext(c *Condition, rep Repetition, self cty.Value) (*hcl.EvalContext, hcl.Diagnostics) {
	ctx, diags := s.evalContext(c.References(), rep)
	if self != cty.NilVal {
		ctx.Variables["self"] = self
	}
	return ctx, diags
}
