package command

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// backendMarkerPath remembers which backend a working directory last used
// (as Terraform keeps .terraform/terraform.tfstate), so that removing the
// daftar { backend "postgres" } block without migrating back is noticed.
const backendMarkerPath = ".daftar/backend.json"

// backendMarker is the content of backendMarkerPath.
// Lineage and Serial are the PostgreSQL state's when a command last
// loaded it: a local file of that lineage and a higher serial is a copy
// made since (state migrate -to=local writes serial+1).
type backendMarker struct {
	Type      string `json:"type"`
	Schema    string `json:"schema,omitempty"`
	Workspace string `json:"workspace,omitempty"`
	Lineage   string `json:"lineage,omitempty"`
	Serial    uint64 `json:"serial,omitempty"`
}

// checkBackendChange refuses to go on with a state that the backend block
// changed under it, before anything is planned: with "Backend
// initialization required" pointing at daftar state migrate. A postgres
// backend whose workspace is not the state of a local file that holds
// resources would plan every one of them again; a local backend in a
// directory that last used PostgreSQL would plan from a stale or empty
// file. st is the state the configured backend holds.
func (m *Meta) checkBackendChange(st *state.State) bool {
	s, ok := m.backendSettings()
	if !ok {
		return false
	}
	prev := readBackendMarker()
	if s.Type == backendPostgres {
		if d := m.localStateLeftBehind(s, st); d != nil {
			if m.Config == nil { // state rm reads no configuration; the message shows the block
				m.Config, _ = schema.Load(m.Dir)
			}
			m.showDiags(hcl.Diagnostics{d})
			return false
		}
		if st.Serial > 0 {
			writeBackendMarker(backendMarker{Type: backendPostgres, Schema: s.PG.Schema, Workspace: s.PG.Workspace, Lineage: st.Lineage, Serial: st.Serial}, prev)
		}
		return true
	}
	if prev == nil || prev.Type != backendPostgres {
		return true
	}
	if st.Lineage == prev.Lineage && st.Serial > prev.Serial {
		writeBackendMarker(backendMarker{Type: backendLocal}, prev) // migrated back
		return true
	}
	m.showDiags(hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Backend initialization required",
		Detail: fmt.Sprintf("This directory last kept its state in PostgreSQL (workspace %q, schema %q), and the configuration no longer "+
			"has a daftar { backend \"postgres\" { ... } } block: planning with the local file would plan from a state that is not the "+
			"current one, and create again what PostgreSQL records. Put the block back and run:\n  daftar state migrate -to=local\n"+
			"then remove the block. If the PostgreSQL state is obsolete on purpose, delete %s.",
			prev.Workspace, prev.Schema, backendMarkerPath),
	}})
	return false
}

// localStateLeftBehind reports, as a diagnostic on the backend block, a
// local state file holding resources that the PostgreSQL state st is not
// a copy of (another lineage, or no state at all). It reads only the head
// of the file when its lineage is st's (a migrated state whose source was
// kept as a backup).
func (m *Meta) localStateLeftBehind(s *backendSettings, st *state.State) *hcl.Diagnostic {
	path := state.DefaultPath
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	if lineage, ok := peekLineage(path); ok && lineage == st.Lineage {
		return nil
	}
	opts, _ := m.stateOptions()
	local := state.NewLocal(path, opts)
	defer local.Close()
	ls, err := local.Load(context.Background())
	if err != nil || len(ls.Resources) == 0 || ls.Lineage == st.Lineage {
		return nil // a file that cannot be read is not taken for a state
	}
	held := "holds no state yet"
	if len(st.Resources) > 0 {
		held = fmt.Sprintf("holds another state (%d resources, lineage %s)", len(st.Resources), st.Lineage)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Backend initialization required",
		Detail: fmt.Sprintf("This configuration keeps its state in %s, which %s, while the local state file %s holds %d resources "+
			"(lineage %s). Planning with PostgreSQL would create every one of them again. Move the local state into PostgreSQL with:\n"+
			"  daftar state migrate -to=postgres\n"+
			"If the local file is obsolete on purpose, move it out of the way (mv %s %s.old) and plan again.",
			s, held, path, len(ls.Resources), ls.Lineage, path, path),
		Subject: s.Range,
	}
}

// peekLineage reads the lineage from the head of a plain state file
// ({"version": N, "serial": N, "lineage": "...", ...}) without reading the
// resources; ok is false for an encrypted or unusual file.
func peekLineage(path string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	var head struct {
		Lineage string `json:"lineage"`
	}
	dec := json.NewDecoder(f)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false
		}
		if key == "lineage" {
			if err := dec.Decode(&head.Lineage); err != nil {
				return "", false
			}
			return head.Lineage, head.Lineage != ""
		}
		var skip json.RawMessage
		if key == "resources" || dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

func readBackendMarker() *backendMarker {
	data, err := os.ReadFile(backendMarkerPath)
	if err != nil {
		return nil
	}
	var b backendMarker
	if json.Unmarshal(data, &b) != nil || b.Type == "" {
		return nil
	}
	return &b
}

// writeBackendMarker records the backend in use, unless prev says so
// already. It is best effort: a directory that cannot hold it loses only
// the check of a removed backend block.
func writeBackendMarker(b backendMarker, prev *backendMarker) {
	if prev != nil && *prev == b {
		return
	}
	data, _ := json.Marshal(b)
	if os.MkdirAll(filepath.Dir(backendMarkerPath), 0o700) != nil {
		return
	}
	tmp := backendMarkerPath + ".tmp"
	if os.WriteFile(tmp, append(data, '\n'), 0o600) == nil {
		os.Rename(tmp, backendMarkerPath)
	}
}
