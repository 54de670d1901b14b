package schema

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// templateFileFunc renders the template in the file at path (relative to
// baseDir) with vars. The template sees vars and the functions of fns but
// templatefile and templatestring: a template does not render templates.
func templateFileFunc(baseDir string, fns func() map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders the template file at path with the variables of vars.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType), // the template's result decides
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, err := parseTemplateFile(baseDir, args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return renderTemplate(expr, args[1], fns)
		},
	})
}

// templateStringFunc renders a template given as a string.
func templateStringFunc(fns func() map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders the template text with the variables of vars.",
		Params: []function.Parameter{
			{Name: "template", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType), // the template's result decides
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, err := parseTemplate(args[0].AsString(), "<templatestring>")
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return renderTemplate(expr, args[1], fns)
		},
	})
}

func parseTemplateFile(baseDir, path string) (hclsyntax.Expression, error) {
	b, err := readConfigFile(baseDir, path)
	if err != nil {
		return nil, err
	}
	text, err := fileText(path, b)
	if err != nil {
		return nil, err
	}
	return parseTemplate(text, displayPath(resolvePath(baseDir, path)))
}

func parseTemplate(text, filename string) (hclsyntax.Expression, error) {
	expr, diags := hclsyntax.ParseTemplate([]byte(text), filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagsError(diags)
	}
	return expr, nil
}

// renderTemplate evaluates a template with vars, a map or object whose
// keys are the template's variable names.
func renderTemplate(expr hclsyntax.Expression, vars cty.Value, fns func() map[string]function.Function) (cty.Value, error) {
	ty := vars.Type()
	if !ty.IsMapType() && !ty.IsObjectType() {
		return cty.DynamicVal, function.NewArgErrorf(1, "vars must be a map or an object, not %s", ty.FriendlyName())
	}
	if !vars.IsWhollyKnown() {
		return cty.DynamicVal, nil
	}
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: map[string]function.Function{}}
	for name := range ctx.Variables {
		if !hclsyntax.ValidIdentifier(name) {
			return cty.DynamicVal, function.NewArgErrorf(1, "%q cannot be a template variable: a name starts with a letter and has letters, digits, underscores and dashes", name)
		}
	}
	for _, tr := range expr.Variables() {
		if _, ok := ctx.Variables[tr.RootName()]; !ok {
			return cty.DynamicVal, function.NewArgErrorf(1, "vars has no %q, which the template uses at %s", tr.RootName(), tr.SourceRange())
		}
	}
	for name, f := range fns() {
		if name != "templatefile" && name != "templatestring" {
			ctx.Functions[name] = f
		}
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diagsError(diags)
	}
	return v, nil
}

// diagsError turns diagnostics into one error naming their positions.
func diagsError(diags hcl.Diagnostics) error {
	var msgs []string
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			msgs = append(msgs, d.Error())
		}
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}
