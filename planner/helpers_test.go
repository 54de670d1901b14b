package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

const providerBlock = `
provider "fake" {
  endpoint = "sandbox"
}
`

// run plans src (with the fake provider block prepended) against st.
func run(t *testing.T, src string, st *state.State, opts plans.Options, fake *enginetest.Provider) (*planner.Result, hcl.Diagnostics) {
	t.Helper()
	if fake == nil {
		fake = enginetest.NewProvider()
	}
	cfg := enginetest.LoadConfig(t, providerBlock+src)
	req := &planner.Request{
		Config:    cfg,
		Vars:      nil,
		State:     st,
		Providers: map[string]providers.Provider{"fake": fake},
		Options:   opts,
		Digester:  enginetest.Digester{},
	}
	return planner.Plan(context.Background(), req)
}

func mustPlan(t *testing.T, src string, st *state.State, opts plans.Options, fake *enginetest.Provider) *planner.Result {
	t.Helper()
	res, diags := run(t, src, st, opts, fake)
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res
}

// actions spells the plan's changes as "ADDR ACTION" lines, no-ops
// included.
func actions(p *plans.Plan) string {
	var lines []string
	for _, c := range p.Changes {
		lines = append(lines, c.Addr.String()+" "+c.Action.String())
	}
	return strings.Join(lines, "\n")
}
