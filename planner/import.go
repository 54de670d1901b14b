package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Import adopts the remote record id as the instance addr, which the
// configuration must declare. It evaluates the instance's configuration
// as a plan targeting it would (without refresh) and hands it to the
// provider, which may need it (an account's password). The caller records
// the returned resource (Backend.Apply) under the lock.
func Import(ctx context.Context, req *Request, addr addrs.Instance, id string) (*state.Resource, hcl.Diagnostics) {
	if rec := req.state().Resources[addr.String()]; rec != nil && rec.Pending() == nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Resource already managed",
			Detail:   fmt.Sprintf("The state already holds %s. To adopt another record at this address, remove it first with daftar state rm '%s'.", addr, addr),
		}}
	}
	sub := *req
	sub.Options = plans.Options{Targets: []string{addr.String()}, Timestamp: req.Options.Timestamp}
	p := newPlanner(&sub)
	res := p.plan(ctx)
	if p.hasErrors() {
		return nil, p.diags
	}
	st := findStep(res, addr)
	r := p.res[addr.Resource]
	if r == nil || r.cfg == nil || st == nil || addr.Resource.Mode != addrs.Managed {
		return nil, append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Import to an undeclared resource",
			Detail:   fmt.Sprintf("The configuration declares no instance %s. Write its resource block first (with the count or for_each that produces this key), then import.", addr),
		})
	}
	cfg := st.Config
	if cfg == cty.NilVal || !cfg.IsWhollyKnown() {
		cfg = cty.NullVal(r.ty)
	}
	resp := r.prov.p.ImportResource(ctx, providers.ImportRequest{Type: addr.Resource.Type, Addr: addr.String(), ID: id, Config: cfg})
	diags := append(p.diags, p.resourceDiags(r, addr.String(), resp.Diagnostics)...)
	if resp.Diagnostics.HasErrors() || resp.NewState == cty.NilVal || resp.NewState.IsNull() {
		return nil, diags
	}
	rec, err := res.Record(st, resp.NewState, time.Now())
	if err != nil {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot record the import", Detail: err.Error()})
	}
	return rec, diags
}

func findStep(res *Result, addr addrs.Instance) *Step {
	for _, s := range res.steps {
		if s.Change.Addr == addr {
			return s
		}
	}
	return nil
}
