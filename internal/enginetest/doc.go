// Package enginetest holds test doubles for the planner and the executor: a
// fake provider (provider name "fake") behind providers.Provider, an
// in-memory state.Backend, and helpers to write small configurations.
//
// It makes no request and writes no file outside the test's temporary
// directory. Production code must not import it.
//
// Concurrency: the fake provider and the in-memory backend are called from
// the engine's workers at once; their records are guarded by mutexes.
package enginetest
