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
// user's GOGC or GOMEMLIMIT keep the collector as it is. A printed plan
// loads a larger state so too, where the machine's memory allows
// (loadUncollectedLimit).
func TestLoadUncollected(t *testing.T) {
	dir := t.TempDir()
	small, large := stateFiles(t, dir, loadUncollectedMax)
	before := debug.SetGCPercent(80)
	defer debug.SetGCPercent(before)
	for name, tc := range map[string]struct {
		command, path string
		refreshOnly   bool
		printed       bool // Meta.hugeHeap: neither -json nor -out
		environ       []string
		off           bool
	}{
		"plan, small state": {command: "plan", path: small, off: true},
		"plan, large state": {command: "plan", path: large},
		"printed plan, large state": {command: "plan", path: large, printed: true,
			off: loadUncollectedLimit(true, totalMemory()) > loadUncollectedMax},
		"printed plan, small state":  {command: "plan", path: small, printed: true, off: true},
		"printed plan -refresh-only": {command: "plan", path: small, printed: true, refreshOnly: true},
		"plan, no state":             {command: "plan", path: filepath.Join(dir, "none.json")},
		"plan -refresh-only":         {command: "plan", path: small, refreshOnly: true},
		"plan, GOGC":                 {command: "plan", path: small, environ: []string{"GOGC=100"}},
		"plan, GOMEMLIMIT":           {command: "plan", path: small, environ: []string{"GOMEMLIMIT=1GiB"}},
		"apply, small state":         {command: "apply", path: small},
		"refresh, small state":       {command: "refresh", path: small},
	} {
		t.Run(name, func(t *testing.T) {
			m := &Meta{Command: tc.command, IO: IO{Environ: tc.environ}, hugeHeap: tc.printed}
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

// TestLoadUncollectedLimit: plan -json, plan -out and apply keep
// loadUncollectedMax; a printed plan loads up to an eighth of the memory
// uncollected, at most loadUncollectedPrintedMax, never less than the
// others.
func TestLoadUncollectedLimit(t *testing.T) {
	const mb, gb = int64(1 << 20), int64(1 << 30)
	for name, tc := range map[string]struct {
		printed   bool
		ram, want int64
	}{
		"plan -json":        {printed: false, ram: 24 * gb, want: loadUncollectedMax},
		"a million rows":    {printed: true, ram: 24 * gb, want: 3 * gb},
		"sixteen gigabytes": {printed: true, ram: 16 * gb, want: 2 * gb},
		"small machine":     {printed: true, ram: 1 * gb, want: loadUncollectedMax},
		"memory unknown":    {printed: true, ram: 0, want: loadUncollectedMax},
		"a large machine":   {printed: true, ram: 256 * gb, want: loadUncollectedPrintedMax},
		"four gigabytes":    {printed: true, ram: 4 * gb, want: 512 * mb},
	} {
		t.Run(name, func(t *testing.T) {
			if got := loadUncollectedLimit(tc.printed, tc.ram); got != tc.want {
				t.Errorf("loadUncollectedLimit(%v, %d) = %d, want %d", tc.printed, tc.ram, got, tc.want)
			}
		})
	}
}
