package command

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// largePlanLive is the live heap past which a plan is large: a plan of a
// million rows with a verification per row holds about 1.2 GB live at its
// end (the state's two million records, the CSV, the keys, the checks
// across rows); one of 100,000 rows holds about a tenth of it, and stays
// below.
const largePlanLive = 256 << 20

// largePlanGCPercent is the garbage collector's target (GOGC) of a large
// plan: the heap grows by 40 % of what the last collection found live,
// not by as much again. At a million rows with dependents the no-change
// plan then peaks at 1.43 GB instead of 1.62–1.78 GB, for about 3 % more
// CPU: the collections it adds come once the heap is large, a few of
// them (docs/performance.md, "Lead, ninth round").
const largePlanGCPercent = 40

// collectLargePlan lowers the collector's target of a plan once its live
// heap passes largePlanLive, and returns what restores it. A small plan
// (the 100,000 rows' no-change plan, whose CPU users wait for) keeps Go's
// default; a large one would otherwise let its heap grow to twice what
// is live before each collection, and its peak memory is what decides
// whether a million rows plan on a laptop. A target already lower (a
// -refresh-only run's, collectForReads) is kept, and so is a user's GOGC or
// GOMEMLIMIT.
func (m *Meta) collectLargePlan() (restore func()) {
	if lookupEnv(m.Environ, "GOGC") != "" || lookupEnv(m.Environ, "GOMEMLIMIT") != "" {
		return func() {}
	}
	// stop waits for the function given onLiveHeapOver: lowered and old
	// are read after it.
	lowered, old := false, 0
	stop := onLiveHeapOver(100*time.Millisecond, largePlanLive, func() {
		old = debug.SetGCPercent(largePlanGCPercent)
		if old > largePlanGCPercent {
			lowered = true
		} else {
			debug.SetGCPercent(old) // already lower, or off: kept
		}
	})
	return func() {
		stop()
		if lowered {
			debug.SetGCPercent(old)
		}
	}
}

// onLiveHeapOver calls over once, on a goroutine of its own, when the
// live heap (what the last collection found reachable) is found above
// limit bytes, read every interval; stop stops the reads and waits for
// over if it runs.
func onLiveHeapOver(interval time.Duration, limit uint64, over func()) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			metrics.Read(live)
			if live[0].Value.Kind() == metrics.KindUint64 && live[0].Value.Uint64() > limit {
				over()
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}
