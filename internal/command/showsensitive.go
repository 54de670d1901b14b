package command

import (
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// show -show-sensitive is the only way to see a sensitive value, and it
// shows only what the configuration still holds: the state keeps keyed
// digests and masked forms, never the values. It evaluates the
// configuration as plan -refresh=false does (data sources are read and
// their requests audited; no resource is refreshed or changed), then, for
// each sensitive attribute of each stored resource, shows the value the
// configuration gives it now, and for each sensitive output its value as
// the configuration evaluates it. A resource no longer configured keeps
// (sensitive value), as does one the configuration cannot plan (its
// errors are printed, and the rest is shown).

// sensitiveNote heads the output of show -show-sensitive.
const sensitiveNote = "# Sensitive values are shown as the configuration gives them now (-show-sensitive);\n# the state keeps only keyed digests and masked forms.\n"

// showSensitive shows the state with sensitive values from the
// configuration.
func (m *Meta) showSensitive(pf *planFlags, jsonOut bool) int {
	// It writes nothing and sends no create, and it shows values from the
	// configuration, not digests: another digest key changes nothing here.
	pf.refresh, pf.parallelism, pf.acceptNewKey = false, 10, true
	r, ok := m.prepare(pf)
	if !ok {
		return exitError
	}
	res, diags := planner.Plan(context.Background(), r.request(plans.Options{Refresh: false}))
	if res == nil || res.Plan == nil {
		m.showDiags(diags)
		return exitError
	}
	if diags.HasErrors() {
		m.warnf("the configuration does not plan without errors (below): sensitive values are shown only for the resources it could evaluate")
		// A plan stops at errors its checks find before the walk, with
		// nothing evaluated: plan again with the invalid instances left
		// out (-exclude-invalid) for the values of the others. The
		// errors shown are the first plan's.
		if again, _ := planner.Plan(context.Background(), r.request(plans.Options{Refresh: false, ExcludeInvalid: true})); again != nil && again.Plan != nil {
			res = again
		}
	}
	m.showDiags(diags)
	m.showSensitiveValues()
	views, err := configuredViews(r.state, res)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	outs := configuredOutputs(r.state, res.Plan)
	if jsonOut {
		render.StateJSON(m.Stdout, views, outs)
		return exitOK
	}
	fmt.Fprint(m.Stdout, sensitiveNote, "\n")
	for _, v := range views {
		render.StateResource(m.Stdout, v)
		fmt.Fprintln(m.Stdout)
	}
	if len(outs) > 0 {
		fmt.Fprintln(m.Stdout, "Outputs:")
		fmt.Fprintln(m.Stdout)
		render.Outputs(m.Stdout, outs)
	}
	return exitOK
}

// configuredViews are the state's resources with each sensitive attribute
// the configuration still gives a known value shown with that value. The
// error says why a resource's attributes could not be read back.
func configuredViews(st *state.State, res *planner.Result) ([]*render.Resource, error) {
	configs := map[string]cty.Value{}
	for _, s := range res.Steps() {
		if cfg := res.Configuration(s); cfg != cty.NilVal {
			configs[s.Addr()] = cfg
		}
	}
	schemas := schemasOf()
	var views []*render.Resource
	for _, addr := range st.Addresses() {
		v, err := resourceView(st.Resources[addr], schemas)
		if err != nil {
			return nil, err
		}
		if cfg, ok := configs[addr]; ok && v.Value != cty.NilVal {
			v.Value, v.Sensitive = revealFrom(v.Value, cfg, v.Sensitive)
		}
		views = append(views, v)
	}
	return views, nil
}

// revealFrom replaces the value at each sensitive path of stored with the
// configuration's value there, when that is known and of the same type;
// the paths it revealed are no longer sensitive.
func revealFrom(stored, cfg cty.Value, sensitive []cty.Path) (cty.Value, []cty.Path) {
	var still []cty.Path
	reveal := map[string]cty.Value{}
	for _, p := range sensitive {
		c, err := p.Apply(cfg)
		if err != nil || !c.IsWhollyKnown() || c.IsNull() {
			still = append(still, p)
			continue
		}
		c, _ = c.UnmarkDeep()
		reveal[fmt.Sprintf("%#v", p)] = c
	}
	out, err := cty.Transform(stored, func(p cty.Path, v cty.Value) (cty.Value, error) {
		if c, ok := reveal[fmt.Sprintf("%#v", p)]; ok && c.Type().Equals(v.Type()) {
			return c, nil
		}
		return v, nil
	})
	if err != nil {
		return stored, sensitive
	}
	return out, still
}

// configuredOutputs are the outputs, each sensitive one with its value as
// the configuration evaluates it now, when that is known.
func configuredOutputs(st *state.State, p *plans.Plan) []render.StateOutput {
	outs := outputViews(st)
	planned := map[string]*plans.Output{}
	for _, o := range p.Outputs {
		planned[o.Name] = o
	}
	for i, o := range outs {
		if po, ok := planned[o.Name]; ok && o.Sensitive && po.Value.IsWhollyKnown() {
			outs[i] = render.StateOutput{Name: o.Name, Value: po.Value}
		}
	}
	return outs
}
