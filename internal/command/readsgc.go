package command

import "runtime/debug"

// refreshOnlyGCPercent is the garbage collector's target (GOGC) for a
// -refresh-only run: the heap may grow by half of what is live before a
// collection, instead of Go's default of as much again.
const refreshOnlyGCPercent = 50

// collectForReads lowers the garbage collector's target for a
// -refresh-only run (plan or apply) until the command ends. Such a run
// reads every record at the provider's rate (100,000 accounts at USAPI's
// 10 requests a second take 2 h 47 min): its time is the provider's, and
// the CPU of more frequent collections (a few per cent of the run's, at no
// rate limit) buys a third less peak memory (docs/performance.md). A user
// who set GOGC or GOMEMLIMIT keeps their setting.
func (m *Meta) collectForReads(pf *planFlags) {
	if !pf.refreshOnly || lookupEnv(m.Environ, "GOGC") != "" || lookupEnv(m.Environ, "GOMEMLIMIT") != "" {
		return
	}
	old := debug.SetGCPercent(refreshOnlyGCPercent)
	m.defer_(func() { debug.SetGCPercent(old) })
}
