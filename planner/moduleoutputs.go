package planner

import (
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// moduleOutputPreconditions checks the preconditions of the outputs of
// every module instance, as Terraform does whether or not the caller
// reads the output. A call whose instances cannot be expanded yet is
// skipped: its resources report why.
func (p *planner) moduleOutputPreconditions(c *schema.Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(c.Calls) {
		m := c.Calls[name].Module
		if m == nil {
			continue
		}
		if hasOutputPreconditions(m) {
			insts, more := p.moduleInstances(m, p.validating)
			if !more.HasErrors() {
				for _, mi := range insts {
					diags = append(diags, p.instanceOutputPreconditions(mi)...)
				}
			}
		}
		diags = append(diags, p.moduleOutputPreconditions(m)...)
	}
	return diags
}

func hasOutputPreconditions(m *schema.Config) bool {
	for _, o := range m.Outputs {
		if len(o.Preconditions) > 0 {
			return true
		}
	}
	return false
}

// instanceOutputPreconditions checks one module instance's outputs'
// preconditions; a failure names the instance.
func (p *planner) instanceOutputPreconditions(mi *schema.ModuleInstance) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(mi.Config.Outputs) {
		for _, c := range mi.Config.Outputs[name].Preconditions {
			for _, d := range p.scope.CheckCondition(c, schema.Precondition, "Output", schema.Repetition{Module: mi}, cty.NilVal, hcl.DiagError) {
				d.Detail += "\n\nThe output is " + name + " of " + mi.String() + "."
				diags = append(diags, d)
			}
		}
	}
	return diags
}
