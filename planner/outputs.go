package planner

import (
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// outputs evaluates every output with the current values: unknown where
// they depend on the apply. A value derived from a sensitive one is
// sensitive.
func (p *planner) outputs() []*plans.Output {
	outs, diags := p.evalOutputs()
	p.report(diags)
	return outs
}

func (p *planner) evalOutputs() ([]*plans.Output, hcl.Diagnostics) {
	var out []*plans.Output
	diags := p.moduleOutputPreconditions(p.cfg)
	for _, name := range sortedKeys(p.cfg.Outputs) {
		o := p.cfg.Outputs[name]
		diags = append(diags, p.outputPreconditions(o)...)
		v, more := p.scope.EvalExpr(o.Expr, cty.DynamicPseudoType, schema.Repetition{})
		diags = append(diags, more...)
		if more.HasErrors() {
			v = cty.DynamicVal
		}
		if !o.Sensitive && v.ContainsMarked() {
			diags = append(diags, unmarkedSensitiveOutput(o))
		}
		sensitive := o.Sensitive || v.ContainsMarked()
		v, _ = v.UnmarkDeep()
		out = append(out, &plans.Output{Name: name, Value: v, Sensitive: sensitive})
	}
	return out, diags
}

// unmarkedSensitiveOutput refuses an output that shows a sensitive value
// without saying so, as Terraform does: the author confirms it with
// sensitive = true (the value is then hidden) or removes the mark with
// nonsensitive(...).
func unmarkedSensitiveOutput(o *schema.Output) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Output refers to sensitive values",
		Detail: "The value of output " + o.Name + " is or holds a sensitive value (a sensitive variable, a password, a NIK, or something computed from one). " +
			"To confirm that it is meant to leave the configuration, add sensitive = true to the output block: the value is then shown as (sensitive value). " +
			"If the value is safe to show (a digest, say), wrap it in nonsensitive(...).",
		Subject: o.Expr.Range().Ptr(),
	}
}
