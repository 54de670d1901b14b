package command

import (
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// TestLoadUncollected: a plan of a local state under loadUncollectedMax
// loads it with the collector off and turns it on again after, to the
// target it had; apply, -refresh-only, a larger state, a missing one and a
// user's GOGC or GOMEMLIMIT keep the collector as it is.
func TestLoadUncollected(t *testing.T) {
	dir := t.TempDir()
	small, large := stateFiles(t, dir, loadUncollectedMax)
	before := debug.SetGCPercent(80)
	defer debug.SetGCPercent(before)
	for name, tc := range map[string]struct {
		command, path string
		refreshOnly   bool
		environ       []string
		off           bool
	}{
		"plan, small state":    {command: "plan", path: small, off: true},
		"plan, large state":    {command: "plan", path: large},
		"plan, no state":       {command: "plan", path: filepath.Join(dir, "none.json")},
		"plan -refresh-only":   {command: "plan", path: small, refreshOnly: true},
		"plan, GOGC":           {command: "plan", path: small, environ: []string{"GOGC=100"}},
		"plan, GOMEMLIMIT":     {command: "plan", path: small, environ: []string{"GOMEMLIMIT=1GiB"}},
		"apply, small state":   {command: "apply", path: small},
		"refresh, small state": {command: "refresh", path: small},
	} {
		t.Run(name, func(t *testing.T) {
			m := &Meta{Command: tc.command, IO: IO{Environ: tc.environ}}
			restore := m.loadUncollected(state.NewLocal(tc.path, state.LocalOptions{}), &planFlags{refreshOnly: tc.refreshOnly})
			want := 80
			if tc.off {
				want = -1
			}
			if got := gcPercent(); got != want {
				t.Errorf("GC percent %d while loading, want %d", got, want)
			}
			restore()
			if got := gcPercent(); got != 80 {
				t.Errorf("GC percent %d after loading, want 80 as before", got)
			}
		})
	}
}
