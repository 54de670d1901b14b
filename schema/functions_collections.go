package schema

import (
	"errors"
	"math/big"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// lengthFunc is Terraform's length: the number of elements of a collection
// or structure, or the number of characters of a string.
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a list, set, map, tuple or object, or of characters of a string.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true, AllowMarked: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String, ty.IsCollectionType(), ty.IsTupleType(), ty.IsObjectType(), ty == cty.DynamicPseudoType:
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "length works on strings, lists, sets, maps, tuples and objects, not on %s", ty.FriendlyName())
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		if v.Type() == cty.String {
			n, err := stdlib.Strlen(v)
			return n.WithMarks(marks), err
		}
		if v.Type().IsObjectType() && v.IsKnown() && !v.IsNull() {
			return cty.NumberIntVal(int64(len(v.Type().AttributeTypes()))).WithMarks(marks), nil
		}
		return v.Length().WithMarks(marks), nil
	},
})

// indexFunc is Terraform's index: the position of the first element equal
// to value.
var indexFunc = function.New(&function.Spec{
	Description: "Returns the index of the first element of list equal to value.",
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		list := args[0]
		if !(list.Type().IsListType() || list.Type().IsTupleType()) {
			return cty.NilVal, function.NewArgErrorf(0, "index needs a list or a tuple, not %s", list.Type().FriendlyName())
		}
		for it := list.ElementIterator(); it.Next(); {
			i, v := it.Element()
			eq, err := stdlib.Equal(v, args[1])
			if err != nil {
				return cty.NilVal, err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return i, nil
			}
		}
		return cty.NilVal, function.NewArgErrorf(1, "the list has no element equal to the given value")
	},
})

// sumFunc adds up the numbers of a list, set or tuple.
var sumFunc = function.New(&function.Spec{
	Description:  "Returns the sum of the numbers of a list, set or tuple.",
	Params:       []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:         function.StaticReturnType(cty.Number),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		elems, err := numberElements(args[0])
		if err != nil {
			return cty.NilVal, function.NewArgError(0, err)
		}
		if len(elems) == 0 {
			return cty.NilVal, function.NewArgErrorf(0, "sum needs at least one number; the list is empty")
		}
		total := new(big.Float)
		for _, e := range elems {
			total.Add(total, e.AsBigFloat())
		}
		return cty.NumberVal(total), nil
	},
})

// numberElements returns the elements of a sequence converted to numbers.
func numberElements(seq cty.Value) ([]cty.Value, error) {
	ty := seq.Type()
	if !(ty.IsListType() || ty.IsSetType() || ty.IsTupleType()) {
		return nil, errors.New("sum needs a list, set or tuple of numbers")
	}
	var elems []cty.Value
	for it := seq.ElementIterator(); it.Next(); {
		_, e := it.Element()
		n, err := convert.Convert(e, cty.Number)
		if err != nil || n.IsNull() {
			return nil, errors.New("every element given to sum must be a number")
		}
		elems = append(elems, n)
	}
	return elems, nil
}

// oneFunc returns the single element of a list or set, or null when empty.
var oneFunc = function.New(&function.Spec{
	Description: "Returns the only element of a list or set of at most one element, or null when it is empty.",
	Params:      []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType() && len(ty.TupleElementTypes()) <= 1:
			if len(ty.TupleElementTypes()) == 0 {
				return cty.DynamicPseudoType, nil
			}
			return ty.TupleElementTypes()[0], nil
		}
		return cty.NilType, function.NewArgErrorf(0, "one needs a list, set or tuple of at most one element")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		v := args[0]
		switch n := v.LengthInt(); {
		case n == 0:
			return cty.NullVal(ret), nil
		case n > 1:
			return cty.NilVal, function.NewArgErrorf(0, "the collection has %d elements; one accepts at most one", n)
		}
		it := v.ElementIterator()
		it.Next()
		_, e := it.Element()
		return e, nil
	},
})

// boolReduce makes alltrue or anytrue.
func boolReduce(desc string, all bool) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			unknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() {
					if all {
						return cty.UnknownVal(cty.Bool), nil
					}
					unknown = true // a later true decides anytrue
					continue
				}
				if e.IsNull() {
					if all {
						return cty.False, nil // null is not true
					}
					continue
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			if !all && unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(all), nil
		},
	})
}

var allTrueFunc = boolReduce("Reports whether every element of the list is true (true for an empty list).", true)

var anyTrueFunc = boolReduce("Reports whether any element of the list is true (false for an empty list).", false)

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is neither null nor an empty string.",
	// A literal null has the dynamic type: it must reach Impl (to be
	// skipped) rather than make the whole call unknown.
	VarParam: &function.Parameter{
		Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty, _ := convert.UnifyUnsafe(argTypes(args))
		if ty == cty.NilType {
			return cty.NilType, errors.New("the arguments of coalesce must all have the same type, or convert to one")
		}
		return ty, nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		for _, a := range args {
			v, err := convert.Convert(a, ret)
			if err != nil {
				return cty.NilVal, err
			}
			if !v.IsKnown() {
				return cty.UnknownVal(ret), nil
			}
			if v.IsNull() || (ret == cty.String && v.AsString() == "") {
				continue
			}
			return v, nil
		}
		return cty.NilVal, errors.New("every argument is null or an empty string")
	},
})

func argTypes(args []cty.Value) []cty.Type {
	types := make([]cty.Type, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	return types
}
