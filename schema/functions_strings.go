package schema

import (
	"path"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// stringPredicate makes a function of two strings that returns a bool.
func stringPredicate(desc, first, second string, f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params: []function.Parameter{
			{Name: first, Type: cty.String},
			{Name: second, Type: cty.String},
		},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func refineNotNull(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() }

var startsWithFunc = stringPredicate("Reports whether str starts with prefix.", "str", "prefix", strings.HasPrefix)

var endsWithFunc = stringPredicate("Reports whether str ends with suffix.", "str", "suffix", strings.HasSuffix)

var strContainsFunc = stringPredicate("Reports whether str contains substr.", "str", "substr", strings.Contains)

// replaceFunc is Terraform's replace: a substring, or a regular expression
// when the search string is wrapped in slashes (/[0-9]+/).
var replaceFunc = function.New(&function.Spec{
	Description: "Replaces each occurrence of substring (or of a /regular expression/) in str with replace.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, substr, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(substr) > 1 && substr[0] == '/' && substr[len(substr)-1] == '/' {
			re, err := regexp.Compile(substr[1 : len(substr)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "invalid regular expression: %s", err)
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return stdlib.Replace(args[0], args[1], args[2])
	},
})

// pathFunc makes a function of one path string.
func pathFunc(desc string, f func(string) string) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       []function.Parameter{{Name: "path", Type: cty.String}},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

var basenameFunc = pathFunc("Returns the last element of a slash-separated path.", path.Base)

var dirnameFunc = pathFunc("Returns all but the last element of a slash-separated path.", path.Dir)
