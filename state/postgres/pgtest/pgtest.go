// Package pgtest gives tests a PostgreSQL server: the one named by
// DAFTAR_TEST_PG_CONN_STR, or else a throwaway server it starts on
// loopback in a temporary directory with the initdb and pg_ctl of the
// machine's PostgreSQL (Debian's postgresql package), stopped when the
// tests end.
//
// Where no server can be had, ConnStr skips the test with the reason, so
// a developer without PostgreSQL sees why; under CI (CI=true) it fails
// instead, so a CI machine that lost its PostgreSQL cannot go green by
// skipping.
//
// This package imports testing and must only be imported by tests.
//
// Concurrency: Main starts one server before the tests of a package run
// and stops it after them; the tests share it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvConnStr names the environment variable that points the tests at an
// existing server.
const EnvConnStr = "DAFTAR_TEST_PG_CONN_STR"

var (
	connStr  string
	whyNone  string
	stopFunc func()
)

// Main runs the tests of a package that uses ConnStr: call it from
// TestMain as os.Exit(pgtest.Main(m)), m being a *testing.M or what wraps
// it. It starts a throwaway server when DAFTAR_TEST_PG_CONN_STR is not
// set, and stops it after the tests.
func Main(m interface{ Run() int }) int {
	connStr = os.Getenv(EnvConnStr)
	if connStr == "" {
		var err error
		connStr, stopFunc, err = start()
		if err != nil {
			whyNone = err.Error()
		}
	}
	code := m.Run()
	if stopFunc != nil {
		stopFunc()
	}
	return code
}

// ConnStr returns the connection string of the test server, or skips the
// test (fails it under CI) when there is none.
func ConnStr(t testing.TB) string {
	t.Helper()
	if connStr != "" {
		return connStr
	}
	msg := fmt.Sprintf("no PostgreSQL server for this test: %s is not set and none could be started here (%s)", EnvConnStr, whyNone)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI must have one: .ci/run installs Debian's postgresql package", msg)
	}
	t.Skip(msg)
	return ""
}

// Schema returns a new schema name for one test and drops that schema
// when the test ends, so that tests share a server without seeing each
// other's tables.
func Schema(t testing.TB) string {
	t.Helper()
	cs := ConnStr(t)
	var b [6]byte
	rand.Read(b[:])
	name := "daftar_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, cs)
		if err != nil {
			t.Errorf("dropping the test schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping the test schema %s: %v", name, err)
		}
	})
	return name
}

// start starts a throwaway server and returns its connection string.
func start() (string, func(), error) {
	bin, err := binDir()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "daftar-pg-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	run, err := runner(dir)
	if err != nil {
		cleanup()
		return "", nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("initdb: %v: %s", err, lastLines(out))
	}
	port, err := freePort()
	if err != nil {
		cleanup()
		return "", nil, err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200 -c fsync=off -c full_page_writes=off", port, dir)
	ctl := filepath.Join(bin, "pg_ctl")
	if out, err := run(ctl, "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		cleanup()
		return "", nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLines(out), lastLines(log))
	}
	stop := func() {
		run(ctl, "-D", data, "-m", "immediate", "-w", "stop")
		cleanup()
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// binDir finds the directory of initdb and pg_ctl: on the PATH, or the
// newest under /usr/lib/postgresql (Debian keeps them off the PATH).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", fmt.Errorf("initdb is neither on the PATH nor under /usr/lib/postgresql (on Debian: apt-get install postgresql)")
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// runner returns how to run the server's programs: as this user, or, for
// root (whom initdb refuses), as the postgres user that Debian's package
// creates, owning dir.
func runner(dir string) (func(name string, args ...string) ([]byte, error), error) {
	direct := func(name string, args ...string) ([]byte, error) {
		return exec.Command(name, args...).CombinedOutput()
	}
	if os.Geteuid() != 0 {
		return direct, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and there is no postgres user to run the server as")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return nil, fmt.Errorf("running as root, and runuser is missing to run the server as postgres")
	}
	return func(name string, args ...string) ([]byte, error) {
		cmd := exec.Command(runuser, append([]string{"-u", "postgres", "--", name}, args...)...)
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}
