package schema

import (
	"errors"
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// lookupFunc is Terraform's lookup: the element of a map or the attribute
// of an object at key, else the default; with no default a missing key is
// an error (cty's own lookup requires the default).
var lookupFunc = function.New(&function.Spec{
	Description: "Returns the element of map at key, or default when the key is absent.",
	Params: []function.Parameter{
		{Name: "map", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true},
		{Name: "key", Type: cty.String, AllowMarked: true, AllowUnknown: true},
	},
	VarParam: &function.Parameter{
		Name: "default", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true, AllowNull: true, AllowMarked: true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup takes two or three arguments, not %d", len(args))
		}
		ty := args[0].Type()
		switch {
		case ty.IsObjectType():
			key, _ := args[1].Unmark()
			if !key.IsKnown() {
				return cty.DynamicPseudoType, nil
			}
			if name := key.AsString(); ty.HasAttribute(name) {
				return ty.AttributeType(name), nil
			}
			if len(args) == 3 {
				return args[2].Type(), nil
			}
			return cty.NilType, function.NewArgErrorf(1, "the object has no attribute %s", quoteUnlessSensitive(args[1]))
		case ty.IsMapType():
			if len(args) == 3 {
				if _, err := convert.Convert(args[2], ty.ElementType()); err != nil {
					return cty.NilType, function.NewArgErrorf(2, "the default must have the type of the map's elements, %s", ty.ElementType().FriendlyName())
				}
			}
			return ty.ElementType(), nil
		}
		return cty.NilType, function.NewArgErrorf(0, "lookup needs a map or an object, not %s", ty.FriendlyName())
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		m, mapMarks := args[0].Unmark()
		key, keyMarks := args[1].Unmark()
		if !m.IsKnown() || !key.IsKnown() {
			return cty.UnknownVal(ret).WithMarks(mapMarks, keyMarks), nil
		}
		name := key.AsString()
		switch {
		case m.Type().IsObjectType() && m.Type().HasAttribute(name):
			return m.GetAttr(name).WithMarks(mapMarks, keyMarks), nil
		case m.Type().IsMapType() && m.HasIndex(key).True():
			return m.Index(key).WithMarks(mapMarks, keyMarks), nil
		case len(args) == 3:
			d, err := convert.Convert(args[2], ret)
			if err != nil {
				return cty.NilVal, function.NewArgError(2, err)
			}
			return d.WithMarks(mapMarks, keyMarks), nil
		}
		return cty.NilVal, function.NewArgErrorf(1, "no element with the key %s, and no default was given", quoteUnlessSensitive(args[1]))
	},
})

// quoteUnlessSensitive quotes a string for an error message, or says it is
// sensitive.
func quoteUnlessSensitive(v cty.Value) string {
	if v.ContainsMarked() {
		return "(sensitive value)"
	}
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "(unknown)"
	}
	return fmt.Sprintf("%q", v.AsString())
}

// transposeFunc swaps the keys and values of a map of lists of strings.
var transposeFunc = function.New(&function.Spec{
	Description:  "Swaps the keys and the values of a map of lists of strings.",
	Params:       []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:         function.StaticReturnType(cty.Map(cty.List(cty.String))),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		if !args[0].IsWhollyKnown() {
			return cty.UnknownVal(ret), nil
		}
		out := map[string][]string{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, list := it.Element()
			if list.IsNull() {
				return cty.NilVal, function.NewArgErrorf(0, "the list at key %q is null", k.AsString())
			}
			for lit := list.ElementIterator(); lit.Next(); {
				_, v := lit.Element()
				if v.IsNull() {
					return cty.NilVal, function.NewArgErrorf(0, "the list at key %q holds a null string", k.AsString())
				}
				out[v.AsString()] = append(out[v.AsString()], k.AsString())
			}
		}
		if len(out) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		vals := make(map[string]cty.Value, len(out))
		for k, keys := range out {
			sort.Strings(keys)
			elems := make([]cty.Value, len(keys))
			for i, s := range keys {
				elems[i] = cty.StringVal(s)
			}
			vals[k] = cty.ListVal(elems)
		}
		return cty.MapVal(vals), nil
	},
})

// matchkeysFunc keeps the elements of values whose element of keys, at the
// same index, is in searchset.
var matchkeysFunc = function.New(&function.Spec{
	Description: "Returns the elements of values whose corresponding element of keys is in searchset.",
	Params: []function.Parameter{
		{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()}); ty == cty.NilType {
			return cty.NilType, errors.New("keys and searchset must have the same type of elements")
		}
		return args[0].Type(), nil
	},
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		values := args[0]
		if !values.IsKnown() || !args[1].IsWhollyKnown() || !args[2].IsWhollyKnown() {
			return cty.UnknownVal(ret), nil
		}
		if values.LengthInt() != args[1].LengthInt() {
			return cty.NilVal, errors.New("values and keys must have the same length")
		}
		ty, _ := convert.UnifyUnsafe([]cty.Type{args[1].Type(), args[2].Type()})
		keys, _ := convert.Convert(args[1], ty)
		search, _ := convert.Convert(args[2], ty)
		var out []cty.Value
		for it := keys.ElementIterator(); it.Next(); {
			i, k := it.Element()
			if found, err := listHas(search, k); err != nil {
				return cty.NilVal, err
			} else if found {
				out = append(out, values.Index(i))
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(ret.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

// listHas reports whether list holds an element equal to v.
func listHas(list, v cty.Value) (bool, error) {
	for it := list.ElementIterator(); it.Next(); {
		_, e := it.Element()
		eq, err := stdlib.Equal(e, v)
		if err != nil {
			return false, err
		}
		if eq.True() {
			return true, nil
		}
	}
	return false, nil
}
