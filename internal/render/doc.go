// Package render turns plans, states, apply progress and diagnostics into
// text for people and JSON for machines.
//
// It is the only package that formats values for display, and so the one
// that enforces that sensitive values print as (sensitive value). It writes
// to the io.Writer it is given and never reads files or the network.
//
// Concurrency: nothing runs concurrently here; rendering is a pure function
// of a plan, a state or diagnostics.
package render
