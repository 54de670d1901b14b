package command

import (
	"runtime/metrics"
	"testing"
)

// gcPercent reads the garbage collector's target without changing it
// (debug.SetGCPercent would set it and back, which a sampler such as
// collectLargePlan's, running beside the test, may see); -1 when off.
func gcPercent() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
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
