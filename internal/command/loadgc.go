package command

import (
	"runtime/debug"

	"github.com/daftar-dev/daftar/state"
)

// A state's load allocates mostly what stays live: its records. A
// collection during the load marks everything loaded so far and finds
// little garbage (5 to 10 % of the heap, GODEBUG=gctrace=1), and at Go's
// default target the heap doubles between collections: the 100,000 rows'
// plan with dependents collected five times while its state loaded, then
// grew to twice the last of them. So a plan of a local state small enough
// loads it with the collector off, and collects once it is loaded: at
// 100,000 rows two collections instead of six, and about 20 MB less peak
// memory.

// loadUncollectedMax is the largest state file loaded with the collector
// off: the load's heap is about half the file (90 MB for the 100,000
// rows' 200 MB), all of it allocated before the first collection, so it
// stays well below largePlanLive, whose plans' memory collectLargePlan
// holds down (and whose sampler reads the live heap collections measure).
const loadUncollectedMax = 256 << 20

// loadUncollectedPrintedMax is the largest state file a printed plan
// (Meta.hugeHeap) loads with the collector off, when the machine has at
// least eight times its size in memory (loadUncollectedLimit). The million
// rows' 2 GB state then loads in 737 MB of heap, 481 MB of it live, and
// the plan collects six times instead of twelve: the five collections
// during the load marked 1.7 GB in all, for 5 to 35 % garbage each. Its
// peak rises by about 70 MB (1,060 MB against 990), later in the plan: it
// is not the load's. The collection after the load finds the live heap
// above largePlanLive, and collectLargePlan lowers the target from there.
const loadUncollectedPrintedMax = 3 << 30

// loadUncollectedLimit is the size from which a state file is loaded with
// the collector on: loadUncollectedMax, or for a printed plan on a machine
// of totalRAM bytes up to loadUncollectedPrintedMax, at most an eighth of
// the memory (the load's heap is about a third of the file, its garbage
// included).
func loadUncollectedLimit(printed bool, totalRAM int64) int64 {
	if !printed {
		return loadUncollectedMax
	}
	return max(loadUncollectedMax, min(loadUncollectedPrintedMax, totalRAM/8))
}

// loadUncollected turns the collector off for the load of b's state when
// the command is a plan of a local state under loadUncollectedLimit, and
// returns what turns it on again. A -refresh-only run (whose lower target
// is for its memory) and a user's GOGC or GOMEMLIMIT keep theirs.
func (m *Meta) loadUncollected(b state.Backend, pf *planFlags) (restore func()) {
	size, ok := localStateSize(b)
	if !ok || size >= loadUncollectedLimit(m.hugeHeap, totalMemory()) || m.Command != "plan" || pf.refreshOnly ||
		lookupEnv(m.Environ, "GOGC") != "" || lookupEnv(m.Environ, "GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(old) }
}
