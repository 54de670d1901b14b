// Package binrun runs a built daftar binary for the end-to-end tests, as
// cron would: no standard input, the caller's environment without daftar's
// own DAFTAR_ variables, plus those the test gives.
//
// Concurrency: nothing runs concurrently here; each call runs one process and
// waits for it.
package binrun

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// raceQuickExit keeps the race detector from sleeping a second at the exit
// of every process, which would dominate short commands.
const raceQuickExit = "GORACE=atexit_sleep_ms=50"

// Run runs bin with args in dir and returns what it printed and its exit
// code. A binary that cannot be started fails the test.
func Run(t testing.TB, bin, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = Env(env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running daftar %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// Env is the environment a test's daftar runs with: this process's
// without DAFTAR_ variables, the race detector's quick exit, then extra.
func Env(extra ...string) []string {
	return append(append(WithoutEnv(os.Environ(), "DAFTAR_"), raceQuickExit), extra...)
}

// WithoutEnv drops the variables whose names start with prefix.
func WithoutEnv(env []string, prefix string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}
