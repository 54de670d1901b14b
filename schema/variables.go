package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/suggest"
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
		{Name: "nullable"},
		{Name: "ephemeral"},
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
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, Nullable: true, DeclRange: block.DefRange}
	content, moreDiags := block.Body.Content(variableSchema)
	diags = append(diags, moreDiags...)
	diags = append(diags, v.decodeType(content.Attributes["type"])...)
	diags = append(diags, decodeLiteral(content.Attributes["description"], &v.Description)...)
	diags = append(diags, decodeLiteral(content.Attributes["sensitive"], &v.Sensitive)...)
	diags = append(diags, decodeLiteral(content.Attributes["nullable"], &v.Nullable)...)
	diags = append(diags, v.decodeDefault(content.Attributes["default"])...)
	diags = append(diags, v.refuseEphemeral(content.Attributes["ephemeral"])...)
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
	if val.IsNull() && !v.Nullable {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid default value for variable",
			Detail:   fmt.Sprintf("var.%s says nullable = false, so its default cannot be null. Remove the default to make the variable required, or give a value.", v.Name),
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	v.Default = val
	return nil
}

// refuseEphemeral explains why daftar has no ephemeral variables: its
// sensitive variables already never reach the state or a plan file.
func (v *Variable) refuseEphemeral(attr *hcl.Attribute) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Ephemeral variables are not supported",
		Detail: fmt.Sprintf("daftar does not offer ephemeral = true. Declare var.%s with sensitive = true instead: "+
			"daftar never writes a variable's value to a plan file, keeps only keyed digests of secrets such as passwords in the state, "+
			"and never prints a sensitive value. See docs/language.md.", v.Name),
		Subject: attr.NameRange.Ptr(),
	}}
}

// convert applies the optional attributes' defaults and converts val to the
// variable's type.
func (v *Variable) convert(val cty.Value) (cty.Value, error) {
	if v.TypeDefaults != nil && !val.IsNull() {
		val = v.TypeDefaults.Apply(val)
	}
	return convert.Convert(val, v.Type)
}

// decodeValidation reads a validation block. Its condition and message
// may refer to input variables only: this one and others (as in Terraform
// 1.9 and OpenTofu 1.8); whether those are declared is checked once every
// variable is (Config.checkValidationReferences).
func (v *Variable) decodeValidation(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(validationSchema)
	cond, okCond := content.Attributes["condition"]
	msg, okMsg := content.Attributes["error_message"]
	if !okCond || !okMsg {
		return diags
	}
	diags = append(diags, v.checkVariableReferences(cond.Expr)...)
	diags = append(diags, v.checkVariableReferences(msg.Expr)...)
	v.Validations = append(v.Validations, &Validation{
		Condition: cond.Expr, ErrorMessage: msg.Expr, DeclRange: block.DefRange,
	})
	return diags
}

// checkVariableReferences reports references in a validation expression
// to anything but input variables.
func (v *Variable) checkVariableReferences(expr hcl.Expression) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		if _, ok := variableName(t); ok {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference in variable validation",
			Detail:   fmt.Sprintf("The condition and error message of a validation of var.%s may refer only to input variables (var.NAME), which are known before anything else is evaluated.", v.Name),
			Subject:  t.SourceRange().Ptr(),
		})
	}
	return diags
}

// variableName returns NAME of a traversal var.NAME...
func variableName(t hcl.Traversal) (string, bool) {
	if t.RootName() != "var" || len(t) < 2 {
		return "", false
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	return attr.Name, ok
}

// checkValidationReferences reports the variables that validations refer
// to without their being declared.
func (c *Config) checkValidationReferences() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedNames(c.Variables) {
		for _, rule := range c.Variables[name].Validations {
			for _, t := range append(rule.Condition.Variables(), rule.ErrorMessage.Variables()...) {
				other, ok := variableName(t)
				if _, declared := c.Variables[other]; !ok || declared {
					continue
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared input variable",
					Detail:   fmt.Sprintf("No variable %q is declared.%s", other, suggest.DidYouMean(other, mapKeys(c.Variables))),
					Subject:  t.SourceRange().Ptr(),
				})
			}
		}
	}
	return diags
}
