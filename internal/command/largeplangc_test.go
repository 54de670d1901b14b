package command

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestCollectLargePlan: a plan lowers the collector's target once its
// live heap passes largePlanLive, and restores it after; a lower target
// (a -refresh-only run's), a user's GOGC or GOMEMLIMIT, and a plan whose
// heap stays small keep theirs.
func TestCollectLargePlan(t *testing.T) {
	before := gcPercent()
	for name, tc := range map[string]struct {
		environ []string
		start   int
		large   bool
		want    int
	}{
		"large plan":           {start: 100, large: true, want: largePlanGCPercent},
		"large, GOGC":          {environ: []string{"GOGC=200"}, start: 100, large: true, want: 100},
		"large, memlimit":      {environ: []string{"GOMEMLIMIT=1GiB"}, start: 100, large: true, want: 100},
		"large, refresh-only":  {start: refreshOnlyGCPercent, large: true, want: largePlanGCPercent},
		"large, already lower": {start: 20, large: true, want: 20},
		"small plan":           {start: 100, want: 100},
	} {
		t.Run(name, func(t *testing.T) {
			debug.SetGCPercent(tc.start)
			defer debug.SetGCPercent(before)
			var held []byte
			if tc.large {
				held = make([]byte, largePlanLive+32<<20) // pointer-free: cheap to mark
			}
			runtime.GC() // the live heap as the sampler reads it
			m := &Meta{IO: IO{Environ: tc.environ}}
			restore := m.collectLargePlan()
			// The sampler reads the live heap every 100 ms: wait for the
			// change, or, where none is due, for a few of its reads.
			got := gcPercent()
			for i := 0; i < 50 && got == tc.start && tc.want != tc.start; i++ {
				time.Sleep(20 * time.Millisecond)
				got = gcPercent()
			}
			if tc.want == tc.start {
				time.Sleep(350 * time.Millisecond)
				got = gcPercent()
			}
			if got != tc.want {
				t.Errorf("GC percent %d while planning, want %d", got, tc.want)
			}
			restore()
			if got := gcPercent(); got != tc.start {
				t.Errorf("GC percent %d after planning, want %d as before", got, tc.start)
			}
			runtime.KeepAlive(held)
		})
	}
}
