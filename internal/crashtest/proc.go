package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Proc is a daftar process whose output is read line by line as it
// comes, so that a test can act at a chosen moment (after the k-th change
// started) and still see everything it printed.
type Proc struct {
	Args []string
	cmd  *exec.Cmd
	done chan struct{}

	stdout, stderr lockedBuffer
	// started counts the changes started: "ADDR: Creating..." lines (and
	// the other actions' "...ing..." lines) of the human output, or
	// apply_start events with -json.
	started atomic.Int64
	code    int
}

// Start runs daftar with args in dir, with no standard input (as cron
// does).
func Start(tb testing.TB, bin, dir string, args ...string) *Proc {
	tb.Helper()
	p := &Proc{Args: args, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Env = withoutDaftarEnv()
	ownProcessGroup(p.cmd)
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("starting daftar %s: %v", strings.Join(args, " "), err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		p.scan(out)
	}()
	go func() {
		<-copied // Wait closes the pipe: read it all first
		err := p.cmd.Wait()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.Exited():
			p.code = exit.ExitCode()
		case errors.As(err, &exit):
			p.code = -1 // killed by a signal
		case err != nil:
			p.code = -2
		}
		close(p.done)
	}()
	return p
}

func (p *Proc) scan(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		p.stdout.Write([]byte(line + "\n"))
		if strings.HasSuffix(line, "ing...") || strings.Contains(line, `"type":"apply_start"`) {
			p.started.Add(1)
		}
	}
	io.Copy(io.Discard, r)
}

// Run runs daftar to the end (at most a minute) and returns the process.
func Run(tb testing.TB, bin, dir string, args ...string) *Proc {
	tb.Helper()
	p := Start(tb, bin, dir, args...)
	if !p.WaitFor(time.Minute) {
		p.Signal(syscall.SIGKILL)
		p.Wait()
		tb.Fatalf("daftar %s did not finish in a minute:\n%s", strings.Join(args, " "), p)
	}
	return p
}

// Pid is the process's id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Started is the number of changes the process has started so far.
func (p *Proc) Started() int { return int(p.started.Load()) }

// Signal sends sig to the process (if it is still running).
func (p *Proc) Signal(sig syscall.Signal) {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(sig)
	}
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Wait waits for the process to exit and returns its exit code, -1 when a
// signal ended it.
func (p *Proc) Wait() int {
	<-p.done
	return p.code
}

// WaitFor waits at most d for the process to exit and reports whether it
// did.
func (p *Proc) WaitFor(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// Code is the exit code once the process has exited.
func (p *Proc) Code() int { return p.Wait() }

// Stdout and Stderr are what the process has printed so far.
func (p *Proc) Stdout() string { return p.stdout.String() }
func (p *Proc) Stderr() string { return p.stderr.String() }

// WaitUntil polls until cond holds, the process exits or ctx ends; it
// reports whether cond held.
func (p *Proc) WaitUntil(ctx context.Context, cond func() bool) bool {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		if cond() {
			return true
		}
		select {
		case <-p.done:
			return cond()
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

func (p *Proc) String() string {
	code := "running"
	select {
	case <-p.done:
		code = fmt.Sprintf("exit %d", p.code)
	default:
	}
	return fmt.Sprintf("daftar %s: %s\n--- stdout\n%s--- stderr\n%s", strings.Join(p.Args, " "), code, p.Stdout(), p.Stderr())
}

// lockedBuffer is a bytes.Buffer safe for a writer and readers at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// checkNoRace fails the test when the race detector reported a data race
// in p (the binary is built with -race).
func checkNoRace(tb testing.TB, p *Proc) {
	tb.Helper()
	if strings.Contains(p.Stderr(), "WARNING: DATA RACE") {
		tb.Errorf("data race in daftar %s:\n%s", strings.Join(p.Args, " "), p.Stderr())
	}
}
