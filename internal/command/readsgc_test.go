package command

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the garbage collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestCollectForReads: a -refresh-only run lowers the collector's target
// until the command ends; any other run, or a user's GOGC or GOMEMLIMIT,
// leaves it as it was.
func TestCollectForReads(t *testing.T) {
	before := gcPercent()
	for name, tc := range map[string]struct {
		refreshOnly bool
		environ     []string
		want        int
	}{
		"refresh-only":            {refreshOnly: true, want: refreshOnlyGCPercent},
		"plan":                    {want: before},
		"refresh-only, GOGC":      {refreshOnly: true, environ: []string{"GOGC=200"}, want: before},
		"refresh-only, memlimit":  {refreshOnly: true, environ: []string{"GOMEMLIMIT=1GiB"}, want: before},
		"refresh-only, other env": {refreshOnly: true, environ: []string{"GOGCX=1", "HOME=/x"}, want: refreshOnlyGCPercent},
	} {
		t.Run(name, func(t *testing.T) {
			m := &Meta{IO: IO{Environ: tc.environ}}
			m.collectForReads(&planFlags{refreshOnly: tc.refreshOnly})
			if got := gcPercent(); got != tc.want {
				t.Errorf("GC percent %d during the run, want %d", got, tc.want)
			}
			m.close()
			if got := gcPercent(); got != before {
				t.Errorf("GC percent %d after the run, want %d as before", got, before)
			}
		})
	}
}
