// Package backendtest holds the tests that every state backend must pass,
// so that the local file and PostgreSQL keep one contract (as restic's
// backend test suite does for its backends).
//
// A backend's test calls Run with a function that makes a new, empty store
// for one test and returns how to open handles to it. Each call of Open
// must return a new handle to the SAME store, as two daftar processes (or
// two commands of one process) would hold: the suite writes with one handle
// and reads with another to check that what it reads was stored, not
// cached, and locks with two to check that they exclude each other.
//
// This package imports testing and must only be imported by tests.
package backendtest

import (
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// Store is one empty store made for one test.
type Store struct {
	// Open returns a new handle to the store. The suite closes a handle
	// that implements io.Closer at the end of the test.
	Open func() state.Backend

	// SetVersion, when not nil, rewrites the stored state's format
	// version, as a newer daftar would leave it, for the suite to check
	// that Load refuses it with a *state.VersionError. The store holds a
	// compacted state when it is called.
	SetVersion func(t *testing.T, version int)
}

// Run runs every test of the suite. newStore is called once per test.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	tests := []struct {
		name string
		test func(t *testing.T, st Store)
	}{
		{"EmptyLoad", testEmptyLoad},
		{"ApplyLoad", testApplyLoad},
		{"ApplyConcurrent", testApplyConcurrent},
		{"ApplyBeforeLoad", testApplyBeforeLoad},
		{"CompactLoad", testCompactLoad},
		{"CompactUnchanged", testCompactUnchanged},
		{"CompactRefusesOther", testCompactRefusesOther},
		{"SerialIncreases", testSerialIncreases},
		{"LineageKept", testLineageKept},
		{"Outputs", testOutputs},
		{"Remove", testRemove},
		{"PendingIntent", testPendingIntent},
		{"DigestKeyID", testDigestKeyID},
		{"SensitivePaths", testSensitivePaths},
		{"ConfigDigest", testConfigDigest},
		{"Settled", testSettled},
		{"Module", testModule},
		{"LockExcludes", testLockExcludes},
		{"LockTimeoutNamesHolder", testLockTimeoutNamesHolder},
		{"NewerVersionRefused", testNewerVersionRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.test(t, newStore(t))
		})
	}
}
