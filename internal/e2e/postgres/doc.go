// Package postgres runs the daftar binary against a real PostgreSQL state
// backend: state migrate both ways, and one batch applied by several
// worker processes (apply -join), one of them killed, against the
// standalone sandbox. Its tests need PostgreSQL (state/postgres/pgtest).
//
// Concurrency: apply -join workers are separate daftar processes started side
// by side; the package itself only waits for them.
package postgres
