// Package executor carries out a plan: it walks the changes in dependency
// order with bounded parallelism, calls the providers, and records each
// outcome in the state as it happens (one durable Backend.Apply per
// outcome). Before a create it records an intent, so that a create whose
// answer is lost is resolved against the remote instead of being sent
// twice.
//
// It does not plan, render or print: progress goes through Hooks and
// problems into the Report. It does not compact the state; the caller does
// (Backend.Compact) once Apply returns.
package executor
