package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

// addVariable decodes a variable block.
func (c *Config) addVariable(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	diags := checkName("variable name", name, block.LabelRanges[0])
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, DeclRange: block.DefRange}
	content, moreDiags := block.Body.Content(variableSchema)
	diags = append(diags, moreDiags...)
	diags = append(diags, v.decodeType(content.Attributes["type"])...)
	diags = append(diags, decodeLiteral(content.Attributes["description"], &v.Description)...)
	diags = append(diags, decodeLiteral(content.Attributes["sensitive"], &v.Sensitive)...)
	diags = append(diags, v.decodeDefault(content.Attributes["default"])...)
	for _, b := range content.Blocks {
		diags = append(diags, v.decodeValidation(b)...)
	}
	if prev, ok := c.Variables[name]; ok {
		return append(diags, duplicate("variable", name, block.DefRange.Ptr(), prev.DeclRange))
	}
	c.Variables[name] = v
	return diags
}

// decodeType reads the type constraint, optional attributes included.
func (v *Variable) decodeType(attr *hcl.Attribute) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
	if diags.HasErrors() {
		return diags
	}
	v.Type, v.TypeDefaults = ty, defaults
	v.parseHCL = !ty.IsPrimitiveType()
	return diags
}

// decodeDefault reads the default, which must be a constant of the type.
func (v *Variable) decodeDefault(attr *hcl.Attribute) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	val, err := v.convert(val)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid default value for variable",
			Detail:   fmt.Sprintf("The default of var.%s does not match its type %s: %s.", v.Name, typeexpr.TypeString(v.Type), err),
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	v.Default = val
	return nil
}

// convert applies the optional attributes' defaults and converts val to the
// variable's type.
func (v *Variable) convert(val cty.Value) (cty.Value, error) {
	if v.TypeDefaults != nil && !val.IsNull() {
		val = v.TypeDefaults.Apply(val)
	}
	return convert.Convert(val, v.Type)
}

// decodeValidation reads a validation block. Its condition may refer only
// to the variable itself.
func (v *Variable) decodeValidation(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(validationSchema)
	cond, okCond := content.Attributes["condition"]
	msg, okMsg := content.Attributes["error_message"]
	if !okCond || !okMsg {
		return diags
	}
	diags = append(diags, v.checkSelfReferences(cond.Expr)...)
	diags = append(diags, v.checkSelfReferences(msg.Expr)...)
	v.Validations = append(v.Validations, &Validation{
		Condition: cond.Expr, ErrorMessage: msg.Expr, DeclRange: block.DefRange,
	})
	return diags
}

// checkSelfReferences reports references in a validation expression to
// anything but var.<the variable itself>.
func (v *Variable) checkSelfReferences(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if t.RootName() == "var" && len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == v.Name {
				continue
			}
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference in variable validation",
			Detail:   fmt.Sprintf("The condition and error message of a validation of var.%s may refer only to var.%s itself.", v.Name, v.Name),
			Subject:  t.SourceRange().Ptr(),
		})
	}
	return diags
}
