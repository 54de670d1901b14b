package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/daftar-dev/daftar/internal/e2e/binrun"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// daftarBin is the binary built once for the package's tests, without the
// race detector: these tests measure a batch's pace, and the packages it
// runs are tested with the race detector on their own.
var daftarBin string

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(&buildFirst{m}))
}

// buildFirst builds the binary before the tests run.
type buildFirst struct{ m *testing.M }

func (b *buildFirst) Run() int {
	dir, err := os.MkdirTemp("", "daftar-pg-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	daftarBin = filepath.Join(dir, "daftar")
	build := exec.Command("go", "build", "-o", daftarBin, ".")
	build.Dir = repoRoot()
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building daftar:", err)
		return 1
	}
	return b.m.Run()
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// env is what every daftar of a test runs with: the PostgreSQL
// connection string and the digest key all workers of a state share.
func env(t *testing.T) []string { return binrun.Env(daftarVars(t)...) }

// daftarVars are the DAFTAR_ variables every daftar of a test gets.
func daftarVars(t *testing.T) []string {
	return []string{"DAFTAR_PG_CONN_STR=" + pgtest.ConnStr(t),
		"DAFTAR_DIGEST_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// daftar runs the binary in dir with no standard input, as cron does.
func daftar(t *testing.T, dir string, args ...string) result {
	t.Helper()
	stdout, stderr, code := binrun.Run(t, daftarBin, dir, daftarVars(t), args...)
	return result{stdout, stderr, code}
}

func must(t *testing.T, want int, dir string, args ...string) result {
	t.Helper()
	r := daftar(t, dir, args...)
	if r.code != want {
		t.Fatalf("daftar %s: want exit %d, got\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sandbox starts the standalone sandbox and returns its base URL.
func sandbox(t *testing.T, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(daftarBin, append([]string{"sandbox", "-addr=" + addr}, args...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := "http://" + addr
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/_sandbox/state"); err == nil {
			resp.Body.Close()
			return url
		}
	}
	t.Fatal("the sandbox did not start")
	return ""
}

// sandboxState is GET /_sandbox/state.
type sandboxState struct {
	Accounts []struct {
		Username string `json:"username"`
	} `json:"usapi_accounts"`
	Verifications []struct {
		IDNumber string `json:"id_number"`
		Email    string `json:"email"`
	} `json:"proofylink_verifications"`
	Requests struct {
		Total, Throttled, Failed, Dropped int
	} `json:"requests"`
}

func readSandbox(t *testing.T, url string) *sandboxState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/_sandbox/state", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s sandboxState
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return &s
}
