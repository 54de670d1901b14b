package state_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// The tests that need a second process re-execute the test binary, which
// then runs TestHelperProcess only and does what helperMode says.
const (
	helperMode  = "DAFTAR_STATE_HELPER"
	helperState = "DAFTAR_STATE_HELPER_PATH"
	helperRound = "DAFTAR_STATE_HELPER_ROUND"
)

func TestHelperProcess(t *testing.T) {
	switch os.Getenv(helperMode) {
	case "":
		return // not a child: nothing to do
	case "lock":
		holdLock(os.Getenv(helperState))
	case "journal":
		appendUntilKilled(os.Getenv(helperState), os.Getenv(helperRound))
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", os.Getenv(helperMode))
	}
	os.Exit(2)
}

// holdLock takes the lock, says so, and waits to be killed.
func holdLock(path string) {
	b := state.NewLocal(path, state.LocalOptions{})
	if _, err := b.Lock(context.Background(), state.NewLockInfo("apply")); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour) // until killed
}

// child is a running helper process whose stdout is read line by line.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

// startChild runs the test binary as a helper in mode with env set.
func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, helperMode+"="+mode)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1024)}
	go c.read(out)
	t.Cleanup(func() { c.kill() })
	return c
}

// read passes on every complete line; a line cut by the kill is dropped.
func (c *child) read(out io.Reader) {
	defer close(c.lines)
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		c.lines <- strings.TrimSuffix(line, "\n")
	}
}

// expect waits for the line want, failing on anything else.
func (c *child) expect(t *testing.T, want string) {
	t.Helper()
	if got, ok := <-c.lines; !ok || got != want {
		t.Fatalf("the child process said %q, want %q", got, want)
	}
}

// kill sends SIGKILL and reaps the process.
func (c *child) kill() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
}
