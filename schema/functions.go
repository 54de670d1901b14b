package schema

import (
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions of the language without a plan time:
// timestamp and plantimestamp are unknown. See FunctionsAt.
func Functions(baseDir string) map[string]function.Function {
	return FunctionsAt(baseDir, time.Time{})
}

// FunctionsAt returns the functions of the language: Terraform's set where
// it means something for daftar (strings, collections, encodings, numbers,
// dates, type conversions, hashes, templates, try and can) and the file
// functions, which read paths relative to baseDir. timestamp and
// plantimestamp return planTime (unknown when zero). Each name is also
// offered as core::NAME, as in Terraform. The map is shared: callers must
// not modify it.
//
// uuid and bcrypt are left out on purpose: their results are new on every
// call, so a configuration using them would never converge (uuidv5 is
// offered instead).
func FunctionsAt(baseDir string, planTime time.Time) map[string]function.Function {
	key := functionKey{baseDir, planTime.Unix()}
	if fns, ok := functionCache.Load(key); ok {
		return fns.(map[string]function.Function)
	}
	fns := make(map[string]function.Function, 320)
	for name, f := range pureFunctions() {
		fns[name] = f
	}
	for name, f := range fileFunctions(baseDir) {
		fns[name] = redacted(f)
	}
	fns["timestamp"] = runTimeFunc("Returns the time the plan was made, in RFC 3339 format (UTC).", planTime)
	fns["plantimestamp"] = runTimeFunc("Returns the time the plan was made, in RFC 3339 format (UTC).", planTime)
	templateFns := func() map[string]function.Function { return fns }
	fns["templatefile"] = redacted(templateFileFunc(baseDir, templateFns))
	fns["templatestring"] = redacted(templateStringFunc(templateFns))
	for name, f := range fns {
		fns["core::"+name] = f
	}
	actual, _ := functionCache.LoadOrStore(key, fns)
	return actual.(map[string]function.Function)
}

// functionKey identifies a function table: a base directory and a plan
// time (in seconds, as the functions show it).
type functionKey struct {
	baseDir  string
	planTime int64
}

// functionCache keeps one function table per base directory and plan
// time, so building an evaluation context costs nothing.
var functionCache sync.Map

// markAware are the functions that handle marks themselves; every other
// function is wrapped so that its errors never show a sensitive argument.
var markAware = map[string]bool{
	"can": true, "try": true, "sensitive": true, "nonsensitive": true, "issensitive": true,
	"length": true, "lookup": true, "tobool": true, "tolist": true, "tomap": true,
	"tonumber": true, "toset": true, "tostring": true,
}

// pureFunctions are the functions that depend on their arguments only.
var pureFunctions = sync.OnceValue(func() map[string]function.Function {
	fns := map[string]function.Function{}
	for _, table := range []map[string]function.Function{
		stringFunctions(), collectionFunctions(), encodingFunctions(),
		numericFunctions(), conversionFunctions(), hashFunctions(), timeFunctions(),
	} {
		for name, f := range table {
			if !markAware[name] {
				f = redacted(f)
			}
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
		"lookup":          lookupFunc,
		"matchkeys":       matchkeysFunc,
		"transpose":       transposeFunc,
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
		"base64decode":     base64DecodeFunc,
		"base64encode":     base64EncodeFunc,
		"csvdecode":        stdlib.CSVDecodeFunc,
		"jsondecode":       stdlib.JSONDecodeFunc,
		"jsonencode":       stdlib.JSONEncodeFunc,
		"urlencode":        urlEncodeFunc,
		"urldecode":        urlDecodeFunc,
		"yamldecode":       yamlDecodeFunc,
		"yamlencode":       ctyyaml.YAMLEncodeFunc,
		"textencodebase64": textEncodeBase64Func,
		"textdecodebase64": textDecodeBase64Func,
		"uuidv5":           uuidV5Func,
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
		"issensitive":  isSensitiveFunc,
		"tobool":       toFunc(cty.Bool),
		"tolist":       toFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":        toFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":     toFunc(cty.Number),
		"toset":        toFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":     toFunc(cty.String),
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

// timeFunctions compare, shift and format RFC 3339 timestamps.
func timeFunctions() map[string]function.Function {
	return map[string]function.Function{
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,
		"timecmp":    timeCmpFunc,
	}
}
