package schema

import (
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// redacted wraps a function that does not handle marks itself so that its
// errors never show a sensitive argument: when an argument holds a
// sensitive value and the call fails, the error says which argument
// failed but not why (the reason may quote the value: a file name, the
// text tonumber could not read). The result carries the marks of every
// argument, as cty does for such functions.
func redacted(f function.Function) function.Function {
	params := f.Params()
	spec := &function.Spec{
		Description: f.Description(),
		Params:      make([]function.Parameter, len(params)),
		Type: func(args []cty.Value) (cty.Type, error) {
			plain, marked := unmarkArgs(args)
			ty, err := f.ReturnTypeForValues(plain)
			return ty, redactError(err, marked)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			plain, marked := unmarkArgs(args)
			v, err := f.Call(plain)
			if err != nil {
				return cty.NilVal, redactError(err, marked)
			}
			return v.WithMarks(marked...), nil
		},
	}
	// The wrapper lets everything through to f, which applies its own
	// rules to unknown, null and dynamic arguments; a wrapper that let
	// cty short-cut an unknown argument would lose its marks.
	for i, p := range params {
		spec.Params[i] = permissive(p)
	}
	if vp := f.VarParam(); vp != nil {
		p := permissive(*vp)
		spec.VarParam = &p
	}
	return function.New(spec)
}

// unmarkArgs returns args without marks and the marks they had (nil when
// none had any).
func unmarkArgs(args []cty.Value) ([]cty.Value, []cty.ValueMarks) {
	var marks []cty.ValueMarks
	var plain []cty.Value
	for i, a := range args {
		if !a.ContainsMarked() {
			continue
		}
		if plain == nil {
			plain = append([]cty.Value(nil), args...)
		}
		var m cty.ValueMarks
		plain[i], m = a.UnmarkDeep()
		marks = append(marks, m)
	}
	if plain == nil {
		return args, nil
	}
	return plain, marks
}

// redactError hides the text of err when an argument was sensitive,
// keeping which argument it was about. A function that panicked on its
// arguments (cty recovers it as a PanicError, whose text holds Go's stack
// trace) fails with the panic's message alone.
func redactError(err error, marks []cty.ValueMarks) error {
	var pe function.PanicError
	if err != nil && errors.As(err, &pe) {
		err = fmt.Errorf("%v: the function cannot take these arguments", pe.Value)
	}
	if err == nil || !hasSensitive(marks) {
		return err
	}
	const hidden = "the call failed on a sensitive value; the details are hidden so as not to reveal it"
	var argErr function.ArgError
	if errors.As(err, &argErr) {
		return function.NewArgErrorf(argErr.Index, hidden)
	}
	return errors.New(hidden)
}

func hasSensitive(marks []cty.ValueMarks) bool {
	for _, m := range marks {
		if m.Has(Sensitive) {
			return true
		}
	}
	return false
}

func permissive(p function.Parameter) function.Parameter {
	p.AllowMarked, p.AllowUnknown, p.AllowNull, p.AllowDynamicType = true, true, true, true
	return p
}
