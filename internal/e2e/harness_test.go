package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/clitest"
	"github.com/daftar-dev/daftar/internal/crashtest"
	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/internal/e2e/binrun"
	"github.com/daftar-dev/daftar/sandbox"
)

// The tests run daftar's commands in process (internal/clitest), which
// costs no process start and no binary link; the few that need a
// process (a kill, a command waiting on a lock another holds) take the
// binary from bin, built once, on first use.
var (
	binOnce  sync.Once
	binPath  string
	binErr   error
	binDir   string
	binBuild = []string{"go", "build", "-race", "-o"}
)

// bin returns the daftar binary, built with the race detector on the
// first call.
func bin(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "daftar-e2e-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "daftar")
		build := exec.Command(binBuild[0], append(binBuild[1:], binPath, ".")...)
		build.Dir = repoRoot()
		var out bytes.Buffer
		build.Stdout, build.Stderr = &out, &out
		if err := build.Run(); err != nil {
			binErr = fmt.Errorf("building daftar: %v\n%s", err, out.String())
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	// The commands in process derive state passphrases' keys with a cheap
	// Argon2id: at the default (64 MiB, three passes) each derivation under
	// the race detector takes seconds, and the encryption tests run
	// hundreds. Every file still names its parameters, which every read
	// takes from it; internal/crypt tests the defaults, and the binary
	// (killed applies) still uses them.
	crypt.DefaultParams = crypt.Params{Time: 1, MemoryKiB: 64, Threads: 1}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
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

// daftar runs daftar's command line in dir, in process, with no standard
// input (as cron gives).
func daftar(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return daftarEnv(t, dir, nil, args...)
}

// daftarEnv runs daftar with env added to the environment (DAFTAR_
// variables included).
func daftarEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	r := clitest.Run(t, dir, env, args...)
	return result{r.Stdout, r.Stderr, r.Code}
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

// sandboxServer is a sandbox served from the test process, read back as
// the crash tests read theirs.
type sandboxServer struct{ *clitest.Sandbox }

func startSandbox(t *testing.T) sandboxServer {
	return sandboxServer{clitest.StartSandbox(t, sandbox.Options{DataDir: t.TempDir()})}
}

// Records reads every stored record (GET /_sandbox/state).
func (s sandboxServer) Records() *crashtest.Records {
	var r crashtest.Records
	s.State(&r)
	return &r
}

// testdata is the absolute path of a file of testdata/: the working
// directory is the commands' while one runs in process (clitest), so a
// test reads its files by absolute paths only.
func testdata(elem ...string) string {
	return filepath.Join(append([]string{repoRoot(), "internal", "e2e", "testdata"}, elem...)...)
}
