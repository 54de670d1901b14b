package planner

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// byLocation returns the same records, each once, in the order of their
// places in memory, whether they are in one block (as a state's loader
// allocates them) or each on its own.
func TestByLocationSortsByPlaceInMemory(t *testing.T) {
	block := make([]state.Resource, 3000)
	var loose []*state.Resource
	for range 500 {
		loose = append(loose, new(state.Resource))
	}
	for _, n := range []int{0, 1, 2, 255, 256, 257, 3000} {
		var recs []*state.Resource
		for i := range n {
			recs = append(recs, &block[i])
		}
		recs = append(recs, loose[:min(n, len(loose))]...)
		rand.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		want := slices.Clone(recs)
		slices.SortFunc(want, func(a, b *state.Resource) int { return cmp.Compare(location(a), location(b)) })
		got := byLocation(recs, make([]*state.Resource, len(recs)))
		if !slices.Equal(got, want) {
			t.Fatalf("%d records in a block and %d loose: not in the order of their places in memory", n, min(n, len(loose)))
		}
	}
}
