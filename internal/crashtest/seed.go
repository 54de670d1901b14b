package crashtest

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// DefaultSeed is the seed CI runs with, so that a failure reproduces.
const DefaultSeed = 20261122

// Seed is the seed of a test's random choices: DefaultSeed, or
// DAFTAR_CRASH_SEED (a number, or "random" for a seed from the clock). It
// is logged on failure so that the run can be repeated with
// DAFTAR_CRASH_SEED=N.
func Seed(tb testing.TB) uint64 {
	tb.Helper()
	seed := uint64(DefaultSeed)
	switch v := os.Getenv("DAFTAR_CRASH_SEED"); v {
	case "":
	case "random":
		seed = uint64(time.Now().UnixNano())
	default:
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			tb.Fatalf("DAFTAR_CRASH_SEED=%q: want a number or \"random\"", v)
		}
		seed = n
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("seed %d: run again with DAFTAR_CRASH_SEED=%d", seed, seed)
		}
	})
	return seed
}
