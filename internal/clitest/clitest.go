// Package clitest runs daftar's commands in process for tests, as
// OpenTofu's command tests do: Run calls command.Run with buffers for the
// standard streams, in a chosen working directory, with a chosen
// environment, and StartSandbox serves the fake APIs from this process on a
// loopback port.
//
// A command in process shares the test process's globals, and this package
// is where they are dealt with:
//   - the working directory: commands resolve relative paths (the state
//     file, -out, -var-file, ...) against it, and -chdir changes it.
//     Run changes to the test's directory and back, holding a lock, so
//     commands run in process one at a time (their sandboxes and the
//     tests' other work still run concurrently);
//   - the environment: commands read it from command.IO.Environ only, so
//     Run gives each one its own (the test process's without DAFTAR_
//     variables, plus the test's), and os.Setenv is never needed;
//   - signals: apply and plan listen for SIGINT and SIGTERM while they
//     run; no test here sends one. A test that interrupts, kills or
//     holds a lock across two commands needs real processes
//     (internal/e2e/binrun, internal/crashtest);
//   - os.Exit: the command package never calls it but on a second
//     interrupt, which again only a process test sends.
package clitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/daftar-dev/daftar/internal/command"
	"github.com/daftar-dev/daftar/sandbox"
)

// Result is what one command printed and returned.
type Result struct {
	Stdout, Stderr string
	Code           int
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// cwd serializes the commands run in process: the working directory is
// the process's.
var cwd sync.Mutex

// Run runs daftar's command line args in dir, in process, with empty
// standard input (as cron gives) and the environment Env(env...).
func Run(tb testing.TB, dir string, env []string, args ...string) Result {
	tb.Helper()
	return RunStdin(tb, dir, env, "", args...)
}

// RunStdin is Run with stdin as the standard input.
func RunStdin(tb testing.TB, dir string, env []string, stdin string, args ...string) Result {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cwd.Lock()
	defer cwd.Unlock()
	back, err := os.Getwd()
	if err != nil {
		tb.Fatalf("daftar %s: the test's working directory: %v", strings.Join(args, " "), err)
	}
	if err := os.Chdir(dir); err != nil {
		tb.Fatalf("daftar %s: %v", strings.Join(args, " "), err)
	}
	defer func() {
		if err := os.Chdir(back); err != nil {
			tb.Fatalf("returning to %s: %v", back, err)
		}
	}()
	code := command.Run(args, command.IO{
		Stdin:   strings.NewReader(stdin),
		Stdout:  &stdout,
		Stderr:  &stderr,
		Environ: Env(env...),
	})
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Code: code}
}

// Env is the environment a command under test sees: the test process's
// without DAFTAR_ variables (a developer's settings must not leak into
// the tests), then extra.
func Env(extra ...string) []string {
	var out []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DAFTAR_") {
			out = append(out, e)
		}
	}
	return append(out, extra...)
}

// Sandbox is a sandbox server running in the test process on a loopback
// port; the test's cleanup closes it.
type Sandbox struct {
	tb  testing.TB
	url string
	// Server is the sandbox itself.
	Server *sandbox.Server
}

// StartSandbox starts a sandbox with opts on a free loopback port.
func StartSandbox(tb testing.TB, opts sandbox.Options) *Sandbox {
	tb.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		tb.Fatalf("starting the sandbox: %v", err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		srv.Close()
		tb.Fatalf("starting the sandbox: %v", err)
	}
	tb.Cleanup(func() { srv.Close() })
	return &Sandbox{tb: tb, url: url, Server: srv}
}

// URL is the sandbox's base URL, before the /usapi, /proofylink and
// /prakerja mounts.
func (s *Sandbox) URL() string { return s.url }

// State decodes GET /_sandbox/state into v.
func (s *Sandbox) State(v any) {
	s.tb.Helper()
	resp, err := http.Get(s.url + "/_sandbox/state")
	if err != nil {
		s.tb.Fatalf("GET /_sandbox/state: %v", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		s.tb.Fatalf("GET /_sandbox/state: %v", err)
	}
}
