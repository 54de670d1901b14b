// Package crashtest proves daftar's reliability guarantees with real
// processes: it builds the daftar binary, starts `daftar sandbox` with
// injected faults as a separate process, and drives `daftar apply` the way
// a user, cron or the operating system would, killing it (SIGKILL,
// SIGINT, SIGTERM) and the sandbox at chosen moments. The tests then read
// the sandbox's records (GET /_sandbox/state) and the state to check that
// every declared record exists exactly once.
//
// The non-test files are the harness: building the binary (Build), the
// standalone sandbox (Sandbox), a daftar process watched line by line
// (Proc), a generated batch configuration (Batch) and the seed of the
// random kill moments (Seed). The package is imported by nothing: it must
// not grow code that daftar itself needs.
//
// Concurrency: the tests run real processes (daftar, the sandbox) side by
// side; within a test, a goroutine copies each process's output.
package crashtest
