package executor_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/planner"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/providers/proofylink"
	"github.com/daftar-dev/daftar/sandbox"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// proofylinkDir is a configuration directory of Proofylink verifications
// against a sandbox, planned and applied as a run of daftar does: each
// plan loads the configuration and the state again and configures a new
// provider.
type proofylinkDir struct {
	dir      string
	backend  *state.Local
	digester *secrets.Digester
}

// newProofylinkDir serves sb over HTTP and writes config (its "SANDBOX"
// the server's URL) as main.hcl beside files (path relative to the
// directory: contents), in a new directory that becomes the working
// directory: files are checked relative to it before Configure, as
// daftar runs in the configuration's.
func newProofylinkDir(t *testing.T, sb *sandbox.Server, config string, files map[string]string) *proofylinkDir {
	t.Helper()
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	t.Chdir(dir)
	writeTestFile(t, filepath.Join(dir, "main.hcl"), bytes.ReplaceAll([]byte(config), []byte("SANDBOX"), []byte(srv.URL)))
	for name, content := range files {
		writeTestFile(t, filepath.Join(dir, name), []byte(content))
	}
	backend := state.NewLocal(filepath.Join(dir, "daftar.state.json"), state.LocalOptions{})
	t.Cleanup(func() { backend.Close() })
	return &proofylinkDir{dir: dir, backend: backend, digester: secrets.NewDigester(bytes.Repeat([]byte{7}, 32))}
}

// plan plans the directory against its state with a new provider, which
// it returns with the plan and the state loaded.
func (d *proofylinkDir) plan(t *testing.T, opts plans.Options, applyOnly bool) (*planner.Result, *state.State, *countingProofylink) {
	t.Helper()
	cfg, diags := schema.Load(d.dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	st, err := d.backend.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProofylink{Provider: proofylink.New()}
	res, diags := planner.Plan(context.Background(), &planner.Request{
		Config: cfg, State: st, Digester: d.digester, Options: opts, ApplyOnly: applyOnly,
		Providers: map[string]providers.Provider{"proofylink": p},
		Configure: func(ctx context.Context, name string, p providers.Provider, config cty.Value) providers.Diagnostics {
			client := httpx.NewClient(httpx.ClientConfig{Provider: name,
				Retry: httpx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}})
			return p.Configure(ctx, providers.ConfigureRequest{Config: config, Endpoint: config.GetAttr("endpoint").AsString(),
				HTTPClient: client, BaseDir: d.dir, Digester: d.digester})
		},
	})
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return res, st, p
}

// apply applies res with p, as the command does when release is set
// (executor.Options.ReleaseChanges), and compacts the state.
func (d *proofylinkDir) apply(t *testing.T, res *planner.Result, st *state.State, p providers.Provider, release bool) *executor.Report {
	t.Helper()
	rep := executor.Apply(context.Background(), res.Plan, res.Evaluator(), executor.Options{Backend: d.backend, State: st,
		RunID: "run", Providers: map[string]providers.Provider{"proofylink": p}, Digester: d.digester, ReleaseChanges: release})
	if rep.Diagnostics.HasErrors() {
		t.Fatalf("apply: %s", rep.Diagnostics.Error())
	}
	if err := d.backend.Compact(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return rep
}
