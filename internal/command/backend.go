package command

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// PGConnStrEnv supplies the PostgreSQL connection string when the backend
// block does not: it holds a password, which is better kept out of the
// configuration files.
const PGConnStrEnv = "DAFTAR_PG_CONN_STR"

// Backend types of the daftar { backend "TYPE" { ... } } block.
const (
	backendLocal    = "local"
	backendPostgres = "postgres"
)

// backendSettings is the backend block, evaluated: where the state lives.
type backendSettings struct {
	Type string
	// Path is the local backend's state file ("" for the default).
	Path string
	// PG locates a PostgreSQL state (no cipher yet).
	PG postgres.Options
	// Range is the block's, for messages; nil for the default.
	Range *hcl.Range
}

func (s *backendSettings) String() string {
	if s.Type == backendPostgres {
		return fmt.Sprintf("the PostgreSQL backend (workspace %q, schema %q)", s.PG.Workspace, s.PG.Schema)
	}
	return "the local backend"
}

// backendSettings reads the backend block of the configuration (loading
// it quietly when the command has not). No block is the local backend. It
// prints the block's problems and reports false on any.
func (m *Meta) backendSettings() (*backendSettings, bool) {
	cfg := m.Config
	if cfg == nil {
		cfg, _ = schema.Load(m.Dir) // a broken configuration is reported by the commands that need it
	}
	if cfg == nil || cfg.Settings == nil || cfg.Settings.Backend == nil {
		return &backendSettings{Type: backendLocal}, true
	}
	s, diags := decodeBackend(cfg.Settings.Backend, m.Environ)
	if diags.HasErrors() {
		if m.Config == nil {
			m.Config = cfg // for the diagnostics' source snippets
		}
		m.showDiags(diags)
		return nil, false
	}
	return s, true
}

var backendSchemas = map[string]*hcl.BodySchema{
	backendLocal: {Attributes: []hcl.AttributeSchema{{Name: "path"}}},
	backendPostgres: {Attributes: []hcl.AttributeSchema{
		{Name: "conn_str"}, {Name: "schema_name"}, {Name: "workspace"},
	}},
}

// decodeBackend evaluates a backend block. As in Terraform, it is read
// before anything else, so its values must be literals: no variable, no
// reference, no function.
func decodeBackend(b *schema.Backend, environ []string) (*backendSettings, hcl.Diagnostics) {
	sch, ok := backendSchemas[b.Type]
	if !ok {
		detail := fmt.Sprintf("daftar keeps the state in a local file (backend %q) or in PostgreSQL (backend %q).", backendLocal, backendPostgres)
		if s := suggest.Closest(b.Type, []string{backendLocal, backendPostgres}); s != "" {
			detail = fmt.Sprintf("Did you mean %q? ", s) + detail
		}
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown backend type", Detail: detail, Subject: b.DeclRange.Ptr()}}
	}
	content, diags := b.Config.Content(sch)
	vals := map[string]string{}
	for name, attr := range content.Attributes {
		v, d := literalString(attr)
		diags = append(diags, d...)
		vals[name] = v
	}
	if diags.HasErrors() {
		return nil, diags
	}
	s := &backendSettings{Type: b.Type, Path: vals["path"], Range: b.DeclRange.Ptr()}
	if b.Type == backendPostgres {
		s.PG = postgres.Options{ConnStr: vals["conn_str"], Schema: vals["schema_name"], Workspace: vals["workspace"]}
		if s.PG.ConnStr == "" {
			s.PG.ConnStr = lookupEnv(environ, PGConnStrEnv)
		}
		if s.PG.ConnStr == "" {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "No PostgreSQL connection string",
				Detail:  fmt.Sprintf("The postgres backend needs a connection string: set %s (postgres://user:password@host:5432/database), or conn_str in this block.", PGConnStrEnv),
				Subject: b.DeclRange.Ptr()}}
		}
		defaults := postgres.New(s.PG)
		s.PG.Schema, s.PG.Workspace = defaults.Schema(), defaults.Workspace()
	}
	return s, nil
}

// literalString evaluates an attribute that must be a literal string.
func literalString(attr *hcl.Attribute) (string, hcl.Diagnostics) {
	if vars := attr.Expr.Variables(); len(vars) > 0 {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Variables not allowed",
			Detail: fmt.Sprintf("The backend block is read before variables, resources and everything else (as Terraform reads its backend block), so %s must be a literal value. "+
				"For the connection string, which holds a password, set the environment variable %s instead.", attr.Name, PGConnStrEnv),
			Subject: vars[0].SourceRange().Ptr()}}
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if v.IsNull() || v.Type() != cty.String {
		return "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid backend setting",
			Detail: fmt.Sprintf("%s must be a string.", attr.Name), Subject: attr.Expr.Range().Ptr()}}
	}
	return v.AsString(), nil
}

// selectBackend opens the backend the configuration names, for the state
// file statePath (-state) when it is the local one.
func (m *Meta) selectBackend(statePath string) (state.Backend, bool) {
	s, ok := m.backendSettings()
	if !ok {
		return nil, false
	}
	if s.Type == backendPostgres && statePath != "" {
		m.errorf("-state=%s names a local state file, and this configuration keeps its state in %s (%s). Remove -state, or use daftar state migrate to move the state.", statePath, s, s.Range)
		return nil, false
	}
	opts, ok := m.stateOptions()
	if !ok {
		return nil, false
	}
	if s.Type == backendPostgres {
		s.PG.Cipher = opts.Cipher
		b := postgres.New(s.PG)
		m.defer_(func() { b.Close() })
		return b, true
	}
	if statePath == "" {
		statePath = s.Path
	}
	b := state.NewLocal(statePath, opts)
	m.defer_(func() { b.Close() })
	return b, true
}

// lockBackend is what force-unlock asks of a backend.
type lockBackend interface {
	ForceUnlock(id string) error
	HolderRunning(id string) (bool, string)
}

// lockBackend returns the configured backend for force-unlock: the local
// lock file (never encrypted, so no passphrase is needed), or the
// PostgreSQL workspace; it is closed when the command ends.
func (m *Meta) lockBackend(statePath string) (lockBackend, error) {
	s, ok := m.backendSettings()
	if !ok {
		return nil, fmt.Errorf("the backend block has errors")
	}
	if s.Type == backendPostgres {
		b := postgres.New(s.PG)
		m.defer_(func() { b.Close() })
		return b, nil
	}
	if statePath == "" {
		statePath = s.Path
	}
	return state.NewLocal(statePath, state.LocalOptions{}), nil
}
