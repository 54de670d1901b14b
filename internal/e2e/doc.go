// Package e2e runs the daftar binary as users do: it builds it once, copies
// an example into a temporary directory, and drives plan, apply, show and
// state against the embedded sandbox over real HTTP.
//
// Concurrency: the tests run built binaries and an in-process sandbox;
// nothing of daftar runs concurrently in this package itself.
package e2e
