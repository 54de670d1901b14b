package schema

import (
	"fmt"
	"strconv"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// toFunc makes tostring, tonumber, tobool, tolist, toset or tomap. Unlike
// cty's own, it lets marked values through: converting a tuple to a list
// keeps each element's sensitive mark on that element (cty's convert
// carries them), rather than marking the whole result, so nonsensitive of
// the list does not reveal a sensitive element. And its errors never quote
// a sensitive value.
func toFunc(want cty.Type) function.Function {
	return function.New(&function.Spec{
		Description: "Converts the value to " + want.FriendlyNameForConstraint() + ", or fails when it cannot.",
		Params: []function.Parameter{{
			// AllowUnknown too: cty would return an unknown result without
			// the marks of an unknown marked argument.
			Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowMarked: true, AllowDynamicType: true, AllowUnknown: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) {
			got := args[0].Type()
			if got.Equals(want) || convert.GetConversionUnsafe(got, want) != nil {
				return want, nil
			}
			switch {
			case got.IsTupleType() && want.IsTupleType(), got.IsObjectType() && want.IsObjectType():
				return cty.NilType, function.NewArgErrorf(0, "cannot convert: %s", convert.MismatchMessage(got, want))
			}
			return cty.NilType, function.NewArgErrorf(0, "cannot convert %s to %s", got.FriendlyName(), want.FriendlyNameForConstraint())
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			v, err := convert.Convert(args[0], ret)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, conversionError(args[0], want))
			}
			return v, nil
		},
	})
}

// conversionError explains why v does not convert to want, quoting v only
// when it holds nothing sensitive.
func conversionError(v cty.Value, want cty.Type) error {
	plain, _ := v.UnmarkDeep()
	got := plain.Type()
	what := got.FriendlyName()
	switch {
	case v.ContainsMarked():
		return fmt.Errorf("cannot convert this sensitive %s to %s", what, want.FriendlyNameForConstraint())
	case got == cty.String && !plain.IsNull():
		what = strconv.Quote(plain.AsString())
	}
	switch {
	case got == cty.String && want == cty.Bool:
		return fmt.Errorf(`cannot convert %s to bool; only the strings "true" and "false" are allowed`, what)
	case got == cty.String && want == cty.Number:
		return fmt.Errorf("cannot convert %s to number; the string must be a decimal number", what)
	}
	return fmt.Errorf("cannot convert %s to %s", what, want.FriendlyNameForConstraint())
}

// isSensitiveFunc is Terraform's issensitive: whether the value itself is
// marked sensitive (not whether something inside it is).
var isSensitiveFunc = function.New(&function.Spec{
	Description: "Reports whether value is marked sensitive.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.BoolVal(args[0].HasMark(Sensitive)), nil
	},
})
