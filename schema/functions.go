package schema

import (
	"sync"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions of the language: Terraform's common set
// (strings, collections, encodings, numbers, type conversions, hashes,
// try and can) and the file functions, which read paths relative to
// baseDir. The map is shared: callers must not modify it.
//
// uuid, timestamp and bcrypt are left out on purpose: their results change
// on every run, so a configuration using them would never converge.
func Functions(baseDir string) map[string]function.Function {
	if fns, ok := functionCache.Load(baseDir); ok {
		return fns.(map[string]function.Function)
	}
	fns := make(map[string]function.Function, 128)
	for name, f := range pureFunctions() {
		fns[name] = f
	}
	for name, f := range fileFunctions(baseDir) {
		fns[name] = f
	}
	actual, _ := functionCache.LoadOrStore(baseDir, fns)
	return actual.(map[string]function.Function)
}

// functionCache keeps one function table per base directory, so building an
// evaluation context costs nothing.
var functionCache sync.Map

// pureFunctions are the functions that depend on their arguments only.
var pureFunctions = sync.OnceValue(func() map[string]function.Function {
	fns := map[string]function.Function{}
	for _, table := range []map[string]function.Function{
		stringFunctions(), collectionFunctions(), encodingFunctions(),
		numericFunctions(), conversionFunctions(), hashFunctions(),
	} {
		for name, f := range table {
			fns[name] = f
		}
	}
	return fns
})

// stringFunctions are the functions on strings.
func stringFunctions() map[string]function.Function {
	return map[string]function.Function{
		"chomp":        stdlib.ChompFunc,
		"endswith":     endsWithFunc,
		"format":       stdlib.FormatFunc,
		"formatdate":   stdlib.FormatDateFunc,
		"formatlist":   stdlib.FormatListFunc,
		"indent":       stdlib.IndentFunc,
		"join":         stdlib.JoinFunc,
		"lower":        stdlib.LowerFunc,
		"regex":        stdlib.RegexFunc,
		"regexall":     stdlib.RegexAllFunc,
		"replace":      replaceFunc,
		"split":        stdlib.SplitFunc,
		"startswith":   startsWithFunc,
		"strcontains":  strContainsFunc,
		"strrev":       stdlib.ReverseFunc,
		"substr":       stdlib.SubstrFunc,
		"timeadd":      stdlib.TimeAddFunc,
		"title":        stdlib.TitleFunc,
		"trim":         stdlib.TrimFunc,
		"trimprefix":   stdlib.TrimPrefixFunc,
		"trimspace":    stdlib.TrimSpaceFunc,
		"trimsuffix":   stdlib.TrimSuffixFunc,
		"upper":        stdlib.UpperFunc,
		"basename":     basenameFunc,
		"dirname":      dirnameFunc,
		"regexreplace": stdlib.RegexReplaceFunc,
	}
}

// collectionFunctions are the functions on lists, sets, maps and objects.
func collectionFunctions() map[string]function.Function {
	return map[string]function.Function{
		"alltrue":         allTrueFunc,
		"anytrue":         anyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        coalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           indexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"one":             oneFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
	}
}

// encodingFunctions encode and decode JSON, CSV, base64 and URLs.
func encodingFunctions() map[string]function.Function {
	return map[string]function.Function{
		"base64decode": base64DecodeFunc,
		"base64encode": base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   stdlib.JSONDecodeFunc,
		"jsonencode":   stdlib.JSONEncodeFunc,
		"urlencode":    urlEncodeFunc,
	}
}

// numericFunctions are the functions on numbers.
func numericFunctions() map[string]function.Function {
	return map[string]function.Function{
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		"sum":      sumFunc,
	}
}

// conversionFunctions convert between types, test expressions (can, try)
// and mark or unmark sensitive values.
func conversionFunctions() map[string]function.Function {
	return map[string]function.Function{
		"can":          tryfunc.CanFunc,
		"nonsensitive": nonsensitiveFunc,
		"sensitive":    sensitiveFunc,
		"tobool":       stdlib.MakeToFunc(cty.Bool),
		"tolist":       stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":        stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":     stdlib.MakeToFunc(cty.Number),
		"toset":        stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":     stdlib.MakeToFunc(cty.String),
		"try":          tryfunc.TryFunc,
	}
}

// hashFunctions digest strings.
func hashFunctions() map[string]function.Function {
	return map[string]function.Function{
		"base64sha256": base64SHA256Func,
		"md5":          hashFunc(md5Sum),
		"sha1":         hashFunc(sha1Sum),
		"sha256":       hashFunc(sha256Sum),
		"sha512":       hashFunc(sha512Sum),
	}
}
