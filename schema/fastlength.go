package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// fastLength answers length(TRAVERSAL) when the traversal's value is a
// known, non-null object or tuple: the count of its attributes or elements,
// read from its type, with the value's own marks, as lengthFunc answers.
// HCL's call would walk the whole value for marks first (cty's
// function.Call), which for length(usapi_account.person) is 100,000
// accounts, their keys sorted, to learn what the type already says. ok
// false (another expression, another value, any diagnostic, no length
// function in ctx) leaves the expression to HCL.
func fastLength(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, bool) {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "length" || len(call.Args) != 1 || call.ExpandFinal || ctx == nil || ctx.Functions == nil {
		return cty.NilVal, false
	}
	if _, ok := ctx.Functions["length"]; !ok {
		return cty.NilVal, false
	}
	arg, ok := call.Args[0].(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return cty.NilVal, false
	}
	v, diags := arg.Value(ctx)
	if len(diags) > 0 {
		return cty.NilVal, false
	}
	u, marks := v.Unmark()
	if !u.IsKnown() || u.IsNull() {
		return cty.NilVal, false
	}
	var n int
	switch ty := u.Type(); {
	case ty.IsObjectType():
		n = len(ty.AttributeTypes())
	case ty.IsTupleType():
		n = len(ty.TupleElementTypes())
	default:
		return cty.NilVal, false
	}
	return cty.NumberIntVal(int64(n)).WithMarks(marks), true
}
