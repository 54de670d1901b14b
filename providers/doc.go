// Package providers defines the interface between daftar's engine and the
// clients of the remote APIs (providers/usapi, providers/proofylink,
// providers/prakerja).
//
// A provider knows its API and the meaning of each operation: which inputs
// are valid, which changes need a new remote record, what a request costs,
// how to find a record an interrupted apply may have created. It knows
// nothing of HCL, plans, graphs or state files: it receives and returns
// cty values shaped by its own Schema, and reports problems as Diagnostics
// that name an attribute path, which the engine turns into source ranges.
//
// Concurrency: the engine calls a provider's methods from many goroutines
// after Configure. Every provider publishes its configuration the same way:
// Configure builds one value and stores it in an atomic.Pointer, and nothing
// changes it afterwards, so methods read it without a lock. Repeats, the core
// of a ConfigsCheck, is safe for concurrent use.
package providers
