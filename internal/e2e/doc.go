// Package e2e runs the daftar binary as users do: it builds it once, copies
// an example into a temporary directory, and drives plan, apply, show and
// state against the embedded sandbox over real HTTP.
package e2e
