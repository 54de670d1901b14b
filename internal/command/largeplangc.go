package command

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
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
	stop, done := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	lowered, old := false, 0
	go func() {
		defer close(done)
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(live)
			if live[0].Value.Kind() != metrics.KindUint64 || live[0].Value.Uint64() < largePlanLive {
				continue
			}
			mu.Lock()
			old = debug.SetGCPercent(largePlanGCPercent)
			if old > largePlanGCPercent {
				lowered = true
			} else {
				debug.SetGCPercent(old) // already lower, or off: kept
			}
			mu.Unlock()
			return
		}
	}()
	return func() {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		if lowered {
			debug.SetGCPercent(old)
		}
	}
}
