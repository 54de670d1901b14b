package executor_test

import (
	"context"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/enginetest"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
)

const providerBlock = `
provider "fake" {
  endpoint = "sandbox"
}
`

// env is one configuration, a fake provider and an in-memory backend.
type env struct {
	t       *testing.T
	src     string
	fake    *enginetest.Provider
	backend *enginetest.Backend
}

func newEnv(t *testing.T, src string) *env {
	return &env{t: t, src: providerBlock + src, fake: enginetest.NewProvider(), backend: enginetest.NewBackend(nil)}
}

func (e *env) plan(opts plans.Options) (*planner.Result, *state.State) {
	e.t.Helper()
	st := e.backend.State()
	cfg := enginetest.LoadConfig(e.t, e.src)
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, State: st, Options: opts, Digester: enginetest.Digester{},
		Providers: e.providers(),
	})
	if diags.HasErrors() {
		e.t.Fatalf("plan: %s", diags.Error())
	}
	return res, st
}

func (e *env) apply(ctx context.Context, opts executor.Options) *executor.Report {
	e.t.Helper()
	res, st := e.plan(plans.Options{Refresh: true})
	opts.Backend, opts.State = e.backend, st
	opts.Providers, opts.Digester = e.providers(), enginetest.Digester{}
	if opts.RunID == "" {
		opts.RunID = "test-run"
	}
	return executor.Apply(ctx, res.Plan, res.Evaluator(), opts)
}

// providers are the providers of the plan, for executor.Options.
func (e *env) providers() map[string]providers.Provider {
	return map[string]providers.Provider{"fake": e.fake}
}
