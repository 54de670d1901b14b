package schema

import (
	"fmt"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// VarArg is one -var or -var-file flag, in command-line order.
type VarArg struct {
	// Flag is "var" or "var-file".
	Flag string
	// Value is NAME=VALUE for -var, a file path for -var-file.
	Value string
}

// EnvPrefix is the prefix of the environment variables that set input
// variables: DAFTAR_VAR_region sets var.region.
const EnvPrefix = "DAFTAR_VAR_"

// inputValue is a raw value given for a variable and where it came from.
type inputValue struct {
	value cty.Value
	// source says where the value came from, for messages: "the default",
	// "the environment variable DAFTAR_VAR_x", "-var", "the file x.hcl".
	source string
	// rng is the value's range when it came from a file.
	rng *hcl.Range
}

// ResolveVariables computes the value of every declared variable from, in
// increasing precedence: defaults, DAFTAR_VAR_<name> environment variables
// (environ is os.Environ()), the variable files that load themselves
// (daftar.vars, *.auto.vars: see AutoVarFiles), then -var and -var-file in
// command-line order.
// Each value is converted to the variable's type and checked by its
// validation blocks; sensitive variables' values carry the Sensitive mark.
//
// Var files are parsed with the configuration's parser and their paths are
// relative to the process's working directory. Not safe for concurrent use.
func (c *Config) ResolveVariables(args []VarArg, environ []string) (map[string]cty.Value, hcl.Diagnostics) {
	return c.resolveVariables(args, environ, false)
}

// ResolveGivenVariables resolves the variables whose value daftar finds
// without flags (a default, daftar.vars, *.auto.vars, DAFTAR_VAR_<name>),
// with the same checks. A variable given none is left out of the map, not
// an error: validate leaves it unknown.
func (c *Config) ResolveGivenVariables(environ []string) (map[string]cty.Value, hcl.Diagnostics) {
	return c.resolveVariables(nil, environ, true)
}

func (c *Config) resolveVariables(args []VarArg, environ []string, onlyGiven bool) (map[string]cty.Value, hcl.Diagnostics) {
	raw := c.defaultInputs()
	diags := c.envInputs(raw, environ)
	diags = append(diags, c.autoVarInputs(raw)...)
	for _, arg := range args {
		diags = append(diags, c.argInputs(raw, arg)...)
	}
	c.Sources = c.parser.Sources()
	vals := make(map[string]cty.Value, len(c.Variables))
	for _, name := range sortedNames(c.Variables) {
		if onlyGiven && raw[name].source == "" {
			continue
		}
		val, moreDiags := c.Variables[name].finalValue(raw[name])
		diags = append(diags, moreDiags...)
		if val != cty.NilVal {
			vals[name] = val
		}
	}
	// Validations run once every value is known, since a condition may
	// refer to other variables; a variable whose value is invalid is
	// unknown to them (its error is already reported).
	all := make(map[string]cty.Value, len(c.Variables))
	for name := range c.Variables {
		all[name] = cty.DynamicVal
		if val, ok := vals[name]; ok {
			all[name] = val
		}
	}
	varObj := cty.ObjectVal(all)
	for _, name := range sortedNames(vals) {
		if moreDiags := c.Variables[name].validate(varObj, raw[name], c.Dir); len(moreDiags) > 0 {
			diags = append(diags, moreDiags...)
			if moreDiags.HasErrors() {
				delete(vals, name)
			}
		}
	}
	return vals, diags
}

func sortedNames[V any](m map[string]V) []string {
	names := mapKeys(m)
	sort.Strings(names)
	return names
}

// defaultInputs starts from the defaults.
func (c *Config) defaultInputs() map[string]inputValue {
	raw := map[string]inputValue{}
	for name, v := range c.Variables {
		if v.Default != cty.NilVal {
			raw[name] = inputValue{value: v.Default, source: "the default"}
		}
	}
	return raw
}

// envInputs applies DAFTAR_VAR_<name> for declared variables; others are
// ignored, as Terraform ignores TF_VAR_ for undeclared names.
func (c *Config) envInputs(raw map[string]inputValue, environ []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, kv := range environ {
		key, value, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(key, EnvPrefix)
		if !ok || !isVar {
			continue
		}
		if v, declared := c.Variables[name]; declared {
			raw[name] = c.parseCLIValue(v, value, "the environment variable "+key)
			diags = append(diags, raw[name].diags()...)
		}
	}
	return diags
}

// argInputs applies one -var or -var-file.
func (c *Config) argInputs(raw map[string]inputValue, arg VarArg) hcl.Diagnostics {
	if arg.Flag == "var-file" {
		return c.varFileInputs(raw, arg.Value)
	}
	name, value, ok := strings.Cut(arg.Value, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid -var option",
			Detail:   fmt.Sprintf("The -var option %q is not of the form NAME=VALUE, such as -var 'region=jakarta'.", arg.Value),
		}}
	}
	v, declared := c.Variables[name]
	if !declared {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value for undeclared variable",
			Detail:   fmt.Sprintf("A -var option sets %q, but no variable of that name is declared.%s", name, suggest.DidYouMean(name, mapKeys(c.Variables))),
		}}
	}
	in := c.parseCLIValue(v, value, "-var")
	raw[name] = in
	return in.diags()
}

// parseCLIValue reads a -var or DAFTAR_VAR_ value: literally for primitive
// types, as an HCL expression for complex ones. The text is registered with
// the parser as "<value for var.NAME>" so that diagnostics can show it,
// unless the variable is sensitive.
func (c *Config) parseCLIValue(v *Variable, text, source string) inputValue {
	filename := fmt.Sprintf("<value for var.%s>", v.Name)
	in := inputValue{source: source}
	if !v.Sensitive {
		c.parser.AddFile(filename, &hcl.File{Bytes: []byte(text), Body: hcl.EmptyBody()})
		in.rng = wholeText(filename, text).Ptr()
	}
	if !v.parseHCL {
		in.value = cty.StringVal(text)
		return in
	}
	expr, diags := hclsyntax.ParseExpression([]byte(text), filename, hcl.InitialPos)
	if !diags.HasErrors() {
		in.value, diags = expr.Value(nil)
	}
	if diags.HasErrors() {
		in.value, in.rng = cty.NilVal, errorRange(diags, filename)
	}
	return in
}

// wholeText is the range of all of text in a pseudo-file.
func wholeText(filename, text string) hcl.Range {
	end := hcl.InitialPos
	for _, r := range text {
		end.Byte += len(string(r))
		end.Column++
		if r == '\n' {
			end.Line, end.Column = end.Line+1, 1
		}
	}
	return hcl.Range{Filename: filename, Start: hcl.InitialPos, End: end}
}

// errorRange marks an input that failed to parse: a nil value with the range
// of the first error.
func errorRange(diags hcl.Diagnostics, filename string) *hcl.Range {
	for _, d := range diags {
		if d.Subject != nil {
			return d.Subject
		}
	}
	return &hcl.Range{Filename: filename}
}

// diags reports an input that failed to parse.
func (in inputValue) diags() hcl.Diagnostics {
	if in.value != cty.NilVal {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail:   fmt.Sprintf("The value given by %s is not a valid HCL expression. Lists, maps and objects are written as in the configuration: [\"a\", \"b\"], {key = \"value\"}.", in.source),
		Subject:  in.rng,
	}}
}

// finalValue converts the variable's raw input, checks it and marks it.
// It returns cty.NilVal when there is no usable value.
func (v *Variable) finalValue(in inputValue) (cty.Value, hcl.Diagnostics) {
	if in.source == "" {
		return cty.NilVal, hcl.Diagnostics{v.missing()}
	}
	if in.value == cty.NilVal {
		return cty.NilVal, nil // a parse error, already reported
	}
	val, err := v.convert(in.value)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{v.conversionError(in, err)}
	}
	if val.IsNull() && !v.Nullable {
		if v.Default == cty.NilVal {
			return cty.NilVal, hcl.Diagnostics{v.nullNotAllowed(in)}
		}
		val = v.Default // as Terraform: null means the default
	}
	if v.Sensitive {
		val = val.Mark(Sensitive)
	}
	return val, nil
}

func (v *Variable) nullNotAllowed(in inputValue) *hcl.Diagnostic {
	subject := in.rng
	if subject == nil {
		subject = v.DeclRange.Ptr()
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail:   fmt.Sprintf("The value given for var.%s by %s is null, and the variable says nullable = false. Give it a value.", v.Name, in.source),
		Subject:  subject,
	}
}

// missing reports a required variable that was not set.
func (v *Variable) missing() *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "No value for required variable",
		Detail: fmt.Sprintf("The variable %q has no default, so it must be set: with -var '%s=VALUE', in a file given with -var-file or in daftar.vars (or a *.auto.vars file) beside the configuration, or with the environment variable %s%s.",
			v.Name, v.Name, EnvPrefix, v.Name),
		Subject: v.DeclRange.Ptr(),
	}
}

// conversionError reports a value that does not fit the variable's type.
func (v *Variable) conversionError(in inputValue, err error) *hcl.Diagnostic {
	subject := in.rng
	if subject == nil {
		subject = v.DeclRange.Ptr()
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("The value given for var.%s by %s does not fit its type %s: %s.",
			v.Name, in.source, typeexpr.TypeString(v.Type), err),
		Subject: subject,
	}
}
