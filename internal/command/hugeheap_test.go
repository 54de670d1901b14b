package command

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// TestHugeHeapBytes: twice the state file in whole huge pages, at most a
// quarter of the memory, nothing for a small state.
func TestHugeHeapBytes(t *testing.T) {
	const mb, gb = int64(1 << 20), int64(1 << 30)
	for name, tc := range map[string]struct {
		state, ram, want int64
	}{
		"small state":          {state: 7 * mb, ram: 24 * gb, want: 0},
		"just below the floor": {state: hugeHeapMinState - 1, ram: 24 * gb, want: 0},
		"100,000 rows":         {state: 200 * mb, ram: 24 * gb, want: 400 * mb},
		"rounded up":           {state: 100*mb + 1, ram: 24 * gb, want: 202 * mb},
		"a million rows":       {state: 2 * gb, ram: 24 * gb, want: 4 * gb},
		"small machine":        {state: 2 * gb, ram: 4 * gb, want: 1 * gb},
		"memory unknown":       {state: 2 * gb, ram: 0, want: 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := hugeHeapBytes(tc.state, tc.ram); got != tc.want {
				t.Errorf("hugeHeapBytes(%d, %d) = %d, want %d", tc.state, tc.ram, got, tc.want)
			}
		})
	}
}

// TestHugeHeapForState: only a command that asks (a plan printed, not
// -json or -out) of a local state large enough, without GOMEMLIMIT, maps
// its heap in huge pages, and only where the system lets it.
func TestHugeHeapForState(t *testing.T) {
	dir := t.TempDir()
	small, large := stateFiles(t, dir, hugeHeapMinState+8<<20)
	want := hugeHeapBytes(hugeHeapMinState+8<<20, totalMemory())
	if !hugePagesAdvisable() {
		want = 0
	}
	for name, tc := range map[string]struct {
		path     string
		hugeHeap bool
		environ  []string
		want     int64
	}{
		"printed plan, large state":      {path: large, hugeHeap: true, want: want},
		"printed plan, small state":      {path: small, hugeHeap: true},
		"printed plan, no state":         {path: filepath.Join(dir, "none.json"), hugeHeap: true},
		"printed plan, GOMEMLIMIT":       {path: large, hugeHeap: true, environ: []string{"GOMEMLIMIT=1GiB"}},
		"not asked (-json, -out, apply)": {path: large},
	} {
		t.Run(name, func(t *testing.T) {
			m := &Meta{IO: IO{Environ: tc.environ}, hugeHeap: tc.hugeHeap}
			if got := m.hugeHeapForState(state.NewLocal(tc.path, state.LocalOptions{})); got != tc.want {
				t.Errorf("advised %d bytes, want %d", got, tc.want)
			}
		})
	}
}

// stateFiles writes in dir a small state file and a large one of size
// bytes, sparse: what counts is the size, not the bytes.
func stateFiles(t *testing.T, dir string, size int64) (small, large string) {
	t.Helper()
	small, large = filepath.Join(dir, "small.json"), filepath.Join(dir, "large.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, size); err != nil {
		t.Fatal(err)
	}
	return small, large
}
