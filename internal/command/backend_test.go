package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state/postgres"
)

func TestDecodeBackend(t *testing.T) {
	env := []string{PGConnStrEnv + "=postgres://env@db/daftar"}
	tests := map[string]struct {
		block   string
		environ []string
		want    backendSettings // compared on Type, Path and PG without Cipher
		wantErr string
	}{
		"postgres defaults": {block: `backend "postgres" {}`, environ: env,
			want: backendSettings{Type: "postgres", PG: pgOpts("postgres://env@db/daftar", "daftar", "default")}},
		"postgres attributes win over the environment": {
			block:   "backend \"postgres\" {\n conn_str = \"postgres://attr@db/x\"\n schema_name = \"onb\"\n workspace = \"jakarta\"\n}",
			environ: env, want: backendSettings{Type: "postgres", PG: pgOpts("postgres://attr@db/x", "onb", "jakarta")}},
		"local path":           {block: `backend "local" { path = "states/hr.json" }`, want: backendSettings{Type: "local", Path: "states/hr.json"}},
		"no connection string": {block: `backend "postgres" {}`, wantErr: "DAFTAR_PG_CONN_STR"},
		"variable":             {block: `backend "postgres" { workspace = var.team }`, environ: env, wantErr: "Variables not allowed"},
		"reference":            {block: `backend "postgres" { schema_name = local.s }`, environ: env, wantErr: "Variables not allowed"},
		"function":             {block: `backend "postgres" { schema_name = lower("X") }`, environ: env, wantErr: "Function calls not allowed"},
		"not a string":         {block: `backend "postgres" { schema_name = ["a"] }`, environ: env, wantErr: "must be a string"},
		"unknown attribute":    {block: `backend "postgres" { database = "x" }`, environ: env, wantErr: "Unsupported argument"},
		"misspelled type":      {block: `backend "postgress" {}`, wantErr: `Did you mean "postgres"?`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte("daftar {\n"+tc.block+"\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, diags := schema.Load(dir)
			if diags.HasErrors() {
				t.Fatalf("loading: %v", diags)
			}
			got, diags := decodeBackend(cfg.Settings.Backend, tc.environ)
			if tc.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.wantErr) {
					t.Fatalf("diagnostics %v, want one saying %q", diags, tc.wantErr)
				}
				if diags[0].Subject == nil || diags[0].Subject.Filename == "" {
					t.Errorf("the diagnostic has no source range: %v", diags[0])
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got.Type != tc.want.Type || got.Path != tc.want.Path || got.PG != tc.want.PG {
				t.Errorf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestNoBackendBlockIsLocal(t *testing.T) {
	m := &Meta{Dir: t.TempDir()}
	s, ok := m.backendSettings()
	if !ok || s.Type != backendLocal || s.Path != "" {
		t.Fatalf("no configuration: %+v, %v; want the local backend", s, ok)
	}
}

func pgOpts(conn, schemaName, workspace string) postgres.Options {
	return postgres.Options{ConnStr: conn, Schema: schemaName, Workspace: workspace}
}
