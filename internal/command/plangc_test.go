package command

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestCollectWhilePlanning: apply lowers the collector's target while it
// plans and restores it after; a user's GOGC or GOMEMLIMIT is left alone,
// and a -refresh-only run's lower target stays.
func TestCollectWhilePlanning(t *testing.T) {
	before := gcPercent()
	for name, tc := range map[string]struct {
		environ []string
		start   int // the target before planning (a -refresh-only run's: 50)
		want    int
	}{
		"apply":              {start: before, want: planGCPercent},
		"apply, GOGC":        {environ: []string{"GOGC=200"}, start: before, want: before},
		"apply, memlimit":    {environ: []string{"GOMEMLIMIT=1GiB"}, start: before, want: before},
		"apply, other env":   {environ: []string{"GOGCX=1"}, start: before, want: planGCPercent},
		"apply, lower":       {start: 20, want: 20},
		"apply, gc disabled": {start: -1, want: planGCPercent},
	} {
		t.Run(name, func(t *testing.T) {
			debug.SetGCPercent(tc.start)
			defer debug.SetGCPercent(before)
			m := &Meta{IO: IO{Environ: tc.environ}}
			restore := m.collectWhilePlanning()
			if got := gcPercent(); got != tc.want {
				t.Errorf("GC percent %d while planning, want %d", got, tc.want)
			}
			restore()
			if got := gcPercent(); got != tc.start {
				t.Errorf("GC percent %d after planning, want %d as before", got, tc.start)
			}
		})
	}
}

// TestLimitToPlanPeak: a large apply's executor runs with the memory limit
// at what the runtime holds when the plan is done, and the limit is
// lifted afterwards; a small apply, or a user's GOGC or GOMEMLIMIT, keeps
// the runtime's setting.
func TestLimitToPlanPeak(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	for name, tc := range map[string]struct {
		environ []string
		changes int
		limited bool
	}{
		"large apply":      {changes: collectAfterPlanChanges, limited: true},
		"small apply":      {changes: collectAfterPlanChanges - 1},
		"large, GOGC":      {environ: []string{"GOGC=200"}, changes: collectAfterPlanChanges},
		"large, memlimit":  {environ: []string{"GOMEMLIMIT=1GiB"}, changes: collectAfterPlanChanges},
		"large, other env": {environ: []string{"GOGCX=1"}, changes: collectAfterPlanChanges, limited: true},
	} {
		t.Run(name, func(t *testing.T) {
			m := &Meta{IO: IO{Environ: tc.environ}}
			var ms, ms2 runtime.MemStats
			runtime.ReadMemStats(&ms)
			lift := m.limitToPlanPeak(tc.changes, false)
			got := debug.SetMemoryLimit(-1)
			runtime.ReadMemStats(&ms2)
			switch {
			case tc.limited && (got < int64(ms.Sys) || got > int64(ms2.Sys)):
				t.Errorf("memory limit %d, want what the runtime held (%d to %d)", got, ms.Sys, ms2.Sys)
			case !tc.limited && got != before:
				t.Errorf("memory limit %d, want %d as before", got, before)
			}
			percent := debug.SetGCPercent(-1)
			debug.SetGCPercent(percent)
			lift()
			if got := debug.SetMemoryLimit(-1); got != before {
				t.Errorf("memory limit %d after apply, want %d as before", got, before)
			}
			if got := debug.SetGCPercent(percent); got != percent {
				t.Errorf("GC percent %d after apply, want %d as before", got, percent)
			}
		})
	}
}

// TestCollectHugeApply: apply's target, planning and applying a lazy
// plan, goes down to hugeApplyGCPercent once the live heap passes
// hugeApplyLive, and what it was before comes back after; a heap below
// keeps planGCPercent, and a target already lower stays.
func TestCollectHugeApply(t *testing.T) {
	before := gcPercent()
	for name, tc := range map[string]struct {
		start int
		huge  bool
		want  int
	}{
		"huge":           {start: 100, huge: true, want: hugeApplyGCPercent},
		"huge, lower":    {start: 10, huge: true, want: 10},
		"below, planned": {start: 100, want: planGCPercent},
	} {
		for _, while := range []string{"planning", "applying"} {
			t.Run(name+", "+while, func(t *testing.T) {
				debug.SetGCPercent(tc.start)
				defer debug.SetGCPercent(before)
				var held []byte
				if tc.huge {
					held = make([]byte, hugeApplyLive+32<<20) // pointer-free: cheap to mark
				}
				runtime.GC() // the live heap as the sampler reads it
				m := &Meta{}
				restore := m.collectWhilePlanning
				if while == "applying" {
					restore = func() func() { return m.limitToPlanPeak(collectAfterPlanChanges, true) }
				}
				undo := restore()
				// The sampler reads the live heap every 500 ms.
				got := gcPercent()
				for i := 0; i < 100 && got != tc.want; i++ {
					time.Sleep(20 * time.Millisecond)
					got = gcPercent()
				}
				if !tc.huge {
					time.Sleep(1200 * time.Millisecond)
					got = gcPercent()
				}
				if got != tc.want {
					t.Errorf("GC percent %d while %s, want %d", got, while, tc.want)
				}
				undo()
				if got := gcPercent(); got != tc.start {
					t.Errorf("GC percent %d after %s, want %d as before", got, while, tc.start)
				}
				runtime.KeepAlive(held)
			})
		}
	}
}
