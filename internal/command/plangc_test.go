package command

import (
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
