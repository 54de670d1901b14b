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
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(p.cfg.Outputs) {
		o := p.cfg.Outputs[name]
		v, more := p.scope.EvalExpr(o.Expr, cty.DynamicPseudoType, schema.Repetition{})
		diags = append(diags, more...)
		if more.HasErrors() {
			v = cty.DynamicVal
		}
		sensitive := o.Sensitive || v.ContainsMarked()
		v, _ = v.UnmarkDeep()
		out = append(out, &plans.Output{Name: name, Value: v, Sensitive: sensitive})
	}
	return out, diags
}
