package postgres_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// The quickstart applied with the local file, migrated to PostgreSQL and
// back: every resource, output and byte of the state survives, plan finds
// nothing to do on either side, and the source is left as it was.
func TestStateMigrateBothWays(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(repoRoot(), "examples", "quickstart")
	copyDir(t, src, dir)
	must(t, 0, dir, "apply", "-auto-approve")
	local, err := os.ReadFile(filepath.Join(dir, "daftar.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	before := must(t, 0, dir, "state", "list").stdout

	schema := pgtest.Schema(t)
	writeFiles(t, dir, map[string]string{"backend.hcl": "daftar {\n  backend \"postgres\" {\n    schema_name = \"" + schema + "\"\n  }\n}\n"})
	r := daftar(t, dir, "state", "migrate", "-to=postgres")
	if r.code != 1 || !strings.Contains(r.stderr, "-force-copy") {
		t.Fatalf("migrate without a terminal and without -force-copy: %s", r)
	}
	must(t, 0, dir, "state", "migrate", "-to=postgres", "-force-copy")
	if got := must(t, 0, dir, "state", "list").stdout; got != before {
		t.Errorf("state list from PostgreSQL:\n%s\nwant:\n%s", got, before)
	}
	must(t, 0, dir, "plan", "-detailed-exitcode")
	again := must(t, 0, dir, "state", "migrate", "-to=postgres", "-force-copy")
	if !strings.Contains(again.stdout, "already holds this state") {
		t.Errorf("a second migrate: %s", again)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "daftar.state.json")); string(after) != string(local) {
		t.Error("migrating to PostgreSQL changed the local state file")
	}

	must(t, 0, dir, "state", "migrate", "-to=local", "-state=back.json", "-force-copy")
	os.Remove(filepath.Join(dir, "backend.hcl"))
	must(t, 0, dir, "plan", "-detailed-exitcode", "-state=back.json")
	back, err := os.ReadFile(filepath.Join(dir, "back.json"))
	if err != nil {
		t.Fatal(err)
	}
	if withoutSerial(string(back)) != withoutSerial(string(local)) {
		t.Errorf("the state came back different:\n%s\nwant (serial aside):\n%s", back, local)
	}
	r = daftar(t, dir, "state", "migrate", "-to=local", "-force-copy")
	if r.code != 1 || !strings.Contains(r.stderr, "no such block") {
		t.Errorf("migrate without a postgres block: %s", r)
	}
}

// withoutSerial blanks the serial line of a state file.
func withoutSerial(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), `"serial"`) {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == ".daftar" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasPrefix(d.Name(), "daftar.") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
