package postgres_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// TestStateMvAndMovedOnPostgres: state mv and a moved block rename rows in
// PostgreSQL as they do in the local file: the old address is gone, the
// new one holds the record, and the next plan sends nothing.
func TestStateMvAndMovedOnPostgres(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join(repoRoot(), "examples", "quickstart"), dir)
	schema := pgtest.Schema(t)
	writeFiles(t, dir, map[string]string{"backend.hcl": "daftar {\n  backend \"postgres\" {\n    schema_name = \"" + schema + "\"\n  }\n}\n"})
	must(t, 0, dir, "apply", "-auto-approve")

	must(t, 0, dir, "state", "mv", `usapi_account.hire["ani"]`, `usapi_account.hire["ani2"]`)
	list := must(t, 0, dir, "state", "list", "usapi_account.hire").stdout
	if !strings.Contains(list, `usapi_account.hire["ani2"]`) || strings.Contains(list, `usapi_account.hire["ani"]`+"\n") {
		t.Fatalf("state list after state mv:\n%s", list)
	}
	writeFiles(t, dir, map[string]string{"moved.hcl": "moved {\n  from = usapi_account.hire[\"ani2\"]\n  to   = usapi_account.hire[\"ani\"]\n}\n"})
	r := must(t, 2, dir, "plan", "-detailed-exitcode")
	if !strings.Contains(r.stdout, `# usapi_account.hire["ani2"] has moved to usapi_account.hire["ani"]`) {
		t.Fatalf("plan of the move:\n%s", r)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "plan", "-detailed-exitcode")
}
