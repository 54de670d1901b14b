// Package command is daftar's command line: it parses the commands and
// flags of the contract, wires the concrete providers, transports, state
// backend and renderers together, and turns every failure into a
// diagnostic or one clear line and an exit code.
//
// It is the only package that knows all the others; none imports it.
//
// Concurrency: the command line starts few goroutines of its own, each for
// one job: the signal watcher of apply (interrupts), the watch of the state
// lock during apply, the evaluation of the locals that read no resource while
// the state loads, and the progress display; the fan-out of work is the
// planner's and the executor's. Shared output (hooks, the redacting provider
// wrapper, the transport's records) is guarded by mutexes.
package command
