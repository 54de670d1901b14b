package e2e

import (
	"bytes"
	"fmt"
	"github.com/daftar-dev/daftar/internal/e2e/binrun"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// daftarBin is the binary built once for the package's tests.
var daftarBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "daftar-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	daftarBin = filepath.Join(dir, "daftar")
	build := exec.Command("go", "build", "-race", "-o", daftarBin, ".")
	build.Dir = repoRoot()
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building daftar:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// example copies examples/NAME into a fresh directory and returns it.
func example(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(repoRoot(), "examples", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
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
			return nil // a state or audit log left by someone trying the example
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
	return dst
}

// result is what one daftar run printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// daftar runs the binary in dir with no standard input (as cron does).
func daftar(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return daftarEnv(t, dir, nil, args...)
}

// daftarEnv runs daftar with env added to the environment (DAFTAR_
// variables included).
func daftarEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	stdout, stderr, code := binrun.Run(t, daftarBin, dir, env, args...)
	return result{stdout, stderr, code}
}

func withoutEnv(env []string, prefix string) []string { return binrun.WithoutEnv(env, prefix) }

// must runs daftar and fails the test unless it exits with want.
func must(t *testing.T, want int, dir string, args ...string) result {
	t.Helper()
	r := daftar(t, dir, args...)
	if r.code != want {
		t.Fatalf("daftar %s: want exit %d, got\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

func contains(t *testing.T, r result, want ...string) {
	t.Helper()
	all := r.stdout + r.stderr
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("output lacks %q:\n%s", w, r)
		}
	}
}

// lastLine is the last non-empty line of stdout.
func lastLine(r result) string {
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	return lines[len(lines)-1]
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}
