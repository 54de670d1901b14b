package command

import (
	"runtime"
	"runtime/debug"
	"testing"
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
