package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// validate runs the variable's validation blocks; vars holds the values
// of every variable (unknown where invalid), which conditions may use.
func (v *Variable) validate(vars cty.Value, in inputValue, dir string) hcl.Diagnostics {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": vars},
		Functions: Functions(dir),
	}
	var diags hcl.Diagnostics
	for _, rule := range v.Validations {
		diags = append(diags, v.checkRule(rule, ctx, in)...)
	}
	return diags
}

// checkRule evaluates one validation block. An unknown result passes: it is
// checked again once the value is known.
func (v *Variable) checkRule(rule *Validation, ctx *hcl.EvalContext, in inputValue) hcl.Diagnostics {
	result, diags := rule.Condition.Value(ctx)
	if diags.HasErrors() {
		return diags
	}
	result, _ = result.Unmark()
	result, err := convert.Convert(result, cty.Bool)
	if err != nil || result.IsNull() {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid validation condition",
			Detail:   "The condition of a validation must be true or false.",
			Subject:  rule.Condition.Range().Ptr(),
		})
	}
	if !result.IsKnown() || result.True() {
		return diags
	}
	return append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("%s\n\nThe value of var.%s was given by %s and rejected by the validation rule at %s.",
			errorMessage(rule, ctx), v.Name, in.source, rangeString(rule.DeclRange)),
		Subject: v.DeclRange.Ptr(),
	})
}

// errorMessage evaluates a validation's error_message; a message computed
// from a sensitive value is not shown.
func errorMessage(rule *Validation, ctx *hcl.EvalContext) string {
	msg, diags := rule.ErrorMessage.Value(ctx)
	if diags.HasErrors() {
		return "The value is not valid (its error message could not be computed: " + diags.Error() + ")."
	}
	if msg.IsMarked() {
		return "The error message of this validation refers to a sensitive value, so it is not shown."
	}
	msg, err := convert.Convert(msg, cty.String)
	if err != nil || msg.IsNull() || !msg.IsKnown() {
		return "The value is not valid."
	}
	return msg.AsString()
}
