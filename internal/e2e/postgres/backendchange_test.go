package postgres_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// A backend block added to a directory whose local state holds resources,
// without state migrate, is refused before any plan (it would create
// everything again), naming the block's file:line and the migrate command;
// once migrated, the same command plans nothing. Removing the block
// without migrating back is refused the same way.
func TestBackendChangeWithoutMigrationIsRefused(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, filepath.Join(repoRoot(), "examples", "quickstart"), dir)
	must(t, 0, dir, "apply", "-auto-approve")
	audit := func() int {
		data, _ := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
		return strings.Count(string(data), "\n")
	}
	requests := audit()

	schema := pgtest.Schema(t)
	writeFiles(t, dir, map[string]string{"backend.hcl": "daftar {\n  backend \"postgres\" {\n    schema_name = \"" + schema + "\"\n  }\n}\n"})
	for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}, {"state", "rm", `usapi_account.hire["ani"]`}} {
		r := daftar(t, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "Backend initialization required") ||
			!regexp.MustCompile(`backend\.hcl:2:3`).MatchString(r.stderr) ||
			!strings.Contains(r.stderr, "daftar state migrate -to=postgres") || !strings.Contains(r.stderr, "4 resources") {
			t.Fatalf("daftar %s with a new backend block: %s", strings.Join(args, " "), r)
		}
		if strings.Contains(r.stdout, "to add") {
			t.Fatalf("a plan was shown: %s", r)
		}
	}
	if got := audit(); got != requests {
		t.Errorf("the refused commands made %d requests", got-requests)
	}

	must(t, 0, dir, "state", "migrate", "-to=postgres", "-force-copy")
	must(t, 0, dir, "plan", "-detailed-exitcode")

	// The block removed without migrating back: the local file is a stale
	// backup of what PostgreSQL now holds.
	os.Remove(filepath.Join(dir, "backend.hcl"))
	r := daftar(t, dir, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, "Backend initialization required") || !strings.Contains(r.stderr, "daftar state migrate -to=local") {
		t.Fatalf("plan with the block removed: %s", r)
	}
	// Migrated back as docs/backends.md says: the block back, migrate, the
	// block removed.
	writeFiles(t, dir, map[string]string{"backend.hcl": "daftar {\n  backend \"postgres\" {\n    schema_name = \"" + schema + "\"\n  }\n}\n"})
	os.Rename(filepath.Join(dir, "daftar.state.json"), filepath.Join(dir, "before-postgres.json"))
	must(t, 0, dir, "state", "migrate", "-to=local", "-force-copy")
	os.Remove(filepath.Join(dir, "backend.hcl"))
	must(t, 0, dir, "plan", "-detailed-exitcode")
}
