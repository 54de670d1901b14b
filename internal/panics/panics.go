package panics

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync"
)

// Caught is a panic recovered in a worker goroutine, with the stack where
// it happened: the value re-panicked in the goroutine that waits.
type Caught struct {
	Value any
	Stack []byte
}

func (c *Caught) String() string { return fmt.Sprint(c.Value) }

// First keeps the first panic of a set of worker goroutines. The zero
// value is ready.
type First struct {
	mu     sync.Mutex
	caught *Caught
}

// Recover is deferred in a worker goroutine (defer f.Recover(then)): it
// recovers the goroutine's panic, keeps it if it is the first, and calls
// then (which may be nil) so that the worker can release what waits for
// it. It does nothing when the goroutine did not panic.
func (f *First) Recover(then func()) {
	r := recover()
	if r == nil {
		return
	}
	c, ok := r.(*Caught)
	if !ok {
		c = &Caught{Value: r, Stack: debug.Stack()}
	}
	f.mu.Lock()
	if f.caught == nil {
		f.caught = c
	}
	f.mu.Unlock()
	if then != nil {
		then()
	}
}

// Caught reports whether a worker panicked.
func (f *First) Caught() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caught != nil
}

// Repanic panics again, in the caller's goroutine, with the first panic
// kept (a *Caught), once the workers are done; it does nothing when none
// panicked.
func (f *First) Repanic() {
	f.mu.Lock()
	c := f.caught
	f.mu.Unlock()
	if c != nil {
		panic(c)
	}
}

// debugPanic is DAFTAR_DEBUG_PANIC, read once.
var debugPanic = os.Getenv("DAFTAR_DEBUG_PANIC")

// Inject panics when DAFTAR_DEBUG_PANIC names where ("planner",
// "executor"): a switch for checking that a worker's panic is reported as
// a crash, not a Go trace. Unset, it does nothing.
func Inject(where string) {
	if debugPanic != "" && debugPanic == where {
		panic("DAFTAR_DEBUG_PANIC=" + where + ": a worker of the " + where + " panicked on purpose")
	}
}
