package schema

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Mark is the type of the cty marks daftar puts on values.
type Mark string

// Sensitive marks a value that must never be printed in clear: a sensitive
// variable's value and everything computed from it (cty carries marks
// through operations and functions). Renderers test it with
// value.HasMark(schema.Sensitive) or cty's path-aware helpers.
const Sensitive Mark = "sensitive"

// sensitiveFunc marks its argument sensitive.
var sensitiveFunc = function.New(&function.Spec{
	Description: "Marks value as sensitive, so that it is never printed.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0].Mark(Sensitive), nil
	},
})

// nonsensitiveFunc removes the sensitive mark of its argument, for values
// the author knows are safe to show (a digest of a secret, say).
var nonsensitiveFunc = function.New(&function.Spec{
	Description: "Removes the sensitive mark of value.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, Sensitive)
		return v.WithMarks(marks), nil
	},
})
