// Package state owns what daftar remembers between runs: which remote
// records it created (the resources), under which address, with which
// attributes, and which creates an interrupted apply may have left behind
// (pending intents).
//
// A State is a plain value. A Backend stores it: the local backend as
// daftar.state.json (mode 0600, written atomically with a backup) plus an
// append-only journal, so that each change costs one fsync'd append rather
// than a rewrite; later backends (PostgreSQL) keep the same contract, tested
// by one shared suite.
//
// This package knows nothing of HCL, cty or providers: attribute values are
// opaque JSON.
package state
