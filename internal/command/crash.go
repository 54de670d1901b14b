package command

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/daftar-dev/daftar/internal/panics"
)

// beforeCommand runs just before a command; tests swap it to make a
// command panic in-process (a worker's panic is made on purpose only by
// the DAFTAR_DEBUG_PANIC debug switch, in internal/panics).
var beforeCommand = func(*Meta, string) {}

// crashed reports a panic that reached Run: one short message on stderr,
// with the panic value redacted as all output is, and the stack in a
// crash file (DAFTAR_LOG when set, else .daftar/crash-TIME.log), never on
// the terminal. The file is redacted too. The goroutine running the
// command is covered, and the goroutines that hand it their panic (passPanic,
// and the planner's and executor's workers through internal/panics); a panic
// in any other goroutine ends the process with Go's own trace (see
// docs/reliability.md).
func (m *Meta) crashed(value any, stack []byte) int {
	if gp, ok := value.(goroutinePanic); ok {
		value, stack = gp.value, gp.stack
	}
	if c, ok := value.(*panics.Caught); ok { // a planner's or executor's worker
		value, stack = c.Value, c.Stack
	}
	report := fmt.Sprintf("daftar %s crashed at %s: %v\n\n%s", m.Command, time.Now().UTC().Format(time.RFC3339), value, stack)
	report = m.redactCrash(report)
	where := lookupEnv(m.Environ, "DAFTAR_LOG")
	if where == "" {
		where = filepath.Join(m.Dir, ".daftar", "crash-"+time.Now().UTC().Format("20060102T150405.000000000Z")+".log")
	}
	saved := writeCrash(where, report) == nil
	msg := fmt.Sprintf("daftar crashed: this is a bug; please report it. The error was: %v.", value)
	if saved {
		msg += " The details are in " + where + " (attach it to the report; secrets are masked in it)."
	}
	m.errorf("%s", msg)
	return exitError
}

func writeCrash(path, report string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(report)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// recoverCrash is deferred by Run.
func (m *Meta) recoverCrash(code *int) {
	if r := recover(); r != nil {
		*code = m.crashed(r, debug.Stack())
	}
}

// redactCrash redacts with what the command knows to be secret; should
// learning the configuration's secrets panic again (it may be what
// crashed), the secrets already learnt still mask the text.
func (m *Meta) redactCrash(text string) (out string) {
	defer func() {
		if recover() != nil {
			out = m.redactor.Redact(text)
		}
	}()
	return string(m.redact([]byte(text)))
}

// goroutinePanic carries a panic from a goroutine the command started to
// the command's own goroutine, with the stack where it happened.
type goroutinePanic struct {
	value any
	stack []byte
}

// passPanic is deferred first in a goroutine the command starts: it hands
// a panic to the goroutine that waits for the result (see receive).
func passPanic(to chan<- any) {
	if r := recover(); r != nil {
		to <- goroutinePanic{r, debug.Stack()}
	}
}

// receive waits for a goroutine's result, or re-panics its panic in the
// caller's goroutine, where Run reports it.
func receive[T any](c <-chan T, crash <-chan any) T {
	select {
	case v := <-c:
		return v
	case r := <-crash:
		panic(r)
	}
}
