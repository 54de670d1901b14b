package planner

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// This file checks the configuration's conditions: the preconditions and
// postconditions of resources and data sources (errors), the
// preconditions of outputs (errors) and the assertions of check blocks
// (warnings). A condition that is not known at plan time is checked again
// after apply (Result.ApplyChecks).

// conditions is what the planner remembers of conditions between plan and
// apply.
type conditions struct {
	mu sync.Mutex
	// later are the instances whose postconditions only apply can
	// decide.
	later map[*Step]bool
	// applied are the diagnostics of the postconditions checked after
	// apply.
	applied hcl.Diagnostics
	// failedChecks are the check blocks whose scoped data source could
	// not be read: the check failed, with the read's warnings, and its
	// assertions are not evaluated.
	failedChecks map[string]bool
}

// scopedReadFailed turns the errors of the failed read of a data source
// scoped to a check block into warnings, as Terraform does: the check
// fails, the plan or apply goes on.
func (p *planner) scopedReadFailed(check string, inst addrs.Instance, diags hcl.Diagnostics) hcl.Diagnostics {
	var warns hcl.Diagnostics
	key := checkKey(inst.ModuleInstance(), check)
	data := inst.Resource
	data.Module = ""
	for _, d := range diags {
		w := *d
		if w.Severity == hcl.DiagError {
			w.Severity = hcl.DiagWarning
			w.Summary = fmt.Sprintf("Check block %s failed: %s", key, d.Summary)
			w.Detail += fmt.Sprintf("\n\nThe data source %s.%s, scoped to check %q, could not be read; the check's assertions were not evaluated. This is a warning, as in Terraform: the run goes on.", checkKey(inst.ModuleInstance(), "check."+check), data, check)
		}
		warns = append(warns, &w)
	}
	p.conds.mu.Lock()
	if p.conds.failedChecks == nil {
		p.conds.failedChecks = map[string]bool{}
	}
	p.conds.failedChecks[key] = true
	p.conds.mu.Unlock()
	return warns
}

// conditionRefs lists what a resource's conditions refer to: they order
// the work like its arguments.
func conditionRefs(rc *schema.Resource) []*schema.Reference {
	var refs []*schema.Reference
	for _, c := range append(append([]*schema.Condition(nil), rc.Preconditions...), rc.Postconditions...) {
		refs = append(refs, c.References()...)
	}
	return refs
}

// markConditionReferences makes the resources that check blocks refer to
// keep their values after apply, for the checks run then, and those with
// postconditions keep their values for self.
func (p *planner) markConditionReferences() {
	for _, r := range p.res {
		if r.cfg != nil && len(r.cfg.Postconditions) > 0 {
			r.read(useAll, false)
		}
	}
	for _, m := range p.cfg.AllModules() {
		for _, ch := range m.Checks {
			for _, a := range ch.Asserts {
				for _, ref := range m.RootReferences(a.References()) {
					if r := p.res[p.configuredAddr(ref.Resource)]; ref.Kind == schema.RefResource && r != nil {
						r.read(useAll, false)
					}
				}
			}
		}
	}
}

// checkKey names a check block of a module instance (moduleInstance,
// "" for the root) as warnings and failedChecks do: NAME at the root,
// module.hire["ani"].NAME in a module.
func checkKey(moduleInstance, name string) string {
	if moduleInstance == "" {
		return name
	}
	return moduleInstance + "." + name
}

// checked plans one instance with plan between its preconditions and its
// postconditions. A failed precondition stops the instance before any
// request; a postcondition is checked with the planned value as self, or
// after apply when that value is not known yet.
func (p *planner) checked(ctx context.Context, st *Step, plan func(context.Context, *Step) *Step) *Step {
	rc := st.res.cfg
	if rc == nil || len(rc.Preconditions)+len(rc.Postconditions) == 0 {
		return plan(ctx, st)
	}
	what := resourceWhat(st.res.addr)
	var diags hcl.Diagnostics
	for _, c := range rc.Preconditions {
		diags = append(diags, p.scope.CheckCondition(c, schema.Precondition, what, st.repetition(), cty.NilVal, hcl.DiagError)...)
	}
	if p.report(diags); diags.HasErrors() {
		return nil
	}
	if st = plan(ctx, st); st == nil || len(rc.Postconditions) == 0 {
		return st
	}
	self := st.value
	if self == cty.NilVal || !self.IsWhollyKnown() {
		p.conds.mu.Lock()
		p.conds.later[st] = true
		p.conds.mu.Unlock()
		if self == cty.NilVal {
			return st
		}
	}
	diags = p.postconditions(st, self)
	if p.report(diags); diags.HasErrors() {
		return nil
	}
	return st
}

// postconditions checks the postconditions of st's resource with self.
func (p *planner) postconditions(st *Step, self cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, c := range st.res.cfg.Postconditions {
		diags = append(diags, p.scope.CheckCondition(c, schema.Postcondition, resourceWhat(st.res.addr), st.repetition(), self, hcl.DiagError)...)
	}
	return diags
}

func resourceWhat(addr addrs.Resource) string {
	if addr.Mode == addrs.Data {
		return "Data source"
	}
	return "Resource"
}

// postconditionsAfterApply checks, once apply produced v, the
// postconditions that the plan could not decide.
func (p *planner) postconditionsAfterApply(st *Step, v cty.Value) {
	if rc := st.res.cfg; rc == nil || len(rc.Postconditions) == 0 {
		return // a batch's instances pass here one by one: no lock for them
	}
	p.conds.mu.Lock()
	later := p.conds.later[st]
	p.conds.mu.Unlock()
	if !later || v == cty.NilVal {
		return
	}
	diags := p.postconditions(st, st.res.refValue(v, st.marks()))
	p.conds.mu.Lock()
	p.conds.applied = append(p.conds.applied, diags...)
	p.conds.mu.Unlock()
}

// outputPreconditions checks an output's preconditions.
func (p *planner) outputPreconditions(o *schema.Output) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, c := range o.Preconditions {
		diags = append(diags, p.scope.CheckCondition(c, schema.Precondition, "Output", schema.Repetition{}, cty.NilVal, hcl.DiagError)...)
	}
	return diags
}

// checkBlocks evaluates the assertions of every check block. A failed
// assertion is a warning, as in Terraform: it never stops a plan or an
// apply. An error in the expression itself is a warning too.
func (p *planner) checkBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	p.conds.mu.Lock()
	failed := maps.Clone(p.conds.failedChecks)
	p.conds.mu.Unlock()
	for _, name := range sortedKeys(p.cfg.Checks) {
		diags = append(diags, p.checkAsserts(p.cfg.Checks[name], nil, failed)...)
	}
	for _, m := range p.cfg.AllModules()[1:] {
		if len(m.Checks) == 0 {
			continue
		}
		insts, more := p.moduleInstances(m, p.validating)
		if more.HasErrors() {
			continue // its resources report why
		}
		for _, mi := range insts {
			for _, name := range sortedKeys(m.Checks) {
				diags = append(diags, p.checkAsserts(m.Checks[name], mi, failed)...)
			}
		}
	}
	return diags
}

// checkAsserts evaluates a check block's assertions in one module
// instance (nil: the root), unless its scoped data source failed.
func (p *planner) checkAsserts(ch *schema.Check, mi *schema.ModuleInstance, failed map[string]bool) hcl.Diagnostics {
	where := ""
	if mi != nil {
		where = mi.String()
	}
	key := checkKey(where, ch.Name)
	if failed[key] {
		return nil // the failed read was the warning
	}
	var diags hcl.Diagnostics
	for _, a := range ch.Asserts {
		for _, d := range p.scope.CheckCondition(a, schema.Assertion, "Check block "+key, schema.Repetition{Module: mi}, cty.NilVal, hcl.DiagWarning) {
			d.Severity = hcl.DiagWarning
			diags = append(diags, d)
		}
	}
	return diags
}

// ApplyChecks returns, after apply, the postconditions the plan left to
// apply that failed (errors: the record exists and is in the state, but
// it is not what the configuration demands) and the check blocks'
// assertions evaluated with the applied values (warnings).
func (r *Result) ApplyChecks() hcl.Diagnostics {
	r.p.conds.mu.Lock()
	diags := append(hcl.Diagnostics(nil), r.p.conds.applied...)
	r.p.conds.mu.Unlock()
	return append(diags, r.p.checkBlocks()...)
}
