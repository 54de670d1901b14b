// Package panics carries a panic (a bug in daftar) out of a worker
// goroutine of the planner or the executor to the goroutine that waits for
// the workers, where the command's crash handler reports it: one line on
// the terminal and the stack in a crash file. Go recovers a panic only in
// the goroutine where it happens; without this a worker's panic ends the
// process with Go's own trace.
//
// It owns the DAFTAR_DEBUG_PANIC debug switch that makes a worker panic
// on purpose, to show the handler at work (docs/reliability.md). It must
// not decide what a panic means for the work: the caller does.
package panics
