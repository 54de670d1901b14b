package planner_test

import (
	"context"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
)

// fullReads records the Full flag of every ReadResource.
type fullReads struct {
	*enginetest.Provider
	mu   sync.Mutex
	full map[string]bool
}

func (p *fullReads) ReadResource(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	p.mu.Lock()
	p.full[req.Addr] = req.Full
	p.mu.Unlock()
	return p.Provider.ReadResource(ctx, req)
}

// TestRefreshFullOnlyWhenRefreshOnly: a plan's refresh lets providers
// answer records that cannot change from the prior; -refresh-only asks
// for every record as the remote has it.
func TestRefreshFullOnlyWhenRefreshOnly(t *testing.T) {
	for name, opts := range map[string]plans.Options{"refresh": {Refresh: true}, "refresh-only": {RefreshOnly: true}} {
		t.Run(name, func(t *testing.T) {
			fake := &fullReads{Provider: enginetest.NewProvider(), full: map[string]bool{}}
			cfg := enginetest.LoadConfig(t, providerBlock+`resource "fake_account" "a" { name = "ani" }`)
			vars, _ := cfg.ResolveVariables(nil, nil)
			_, diags := planner.Plan(context.Background(), &planner.Request{
				Config: cfg, Vars: vars, Options: opts, Providers: map[string]providers.Provider{"fake": fake},
				State: stateOf(t, map[string]string{"fake_account.a": account("ani", "")}),
			})
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			full, read := fake.full["fake_account.a"]
			if !read || full != opts.RefreshOnly {
				t.Fatalf("read %v with Full %v, want Full %v", read, full, opts.RefreshOnly)
			}
		})
	}
}
