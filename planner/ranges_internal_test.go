package planner

import (
	"runtime"
	"sync"
	"testing"
)

// TestInRangesCoversOnce: inRanges calls fn on ranges that cover [0, n)
// exactly once, each at most rangeMin long, however many goroutines take
// them, for sizes around the multiples of rangeMin.
func TestInRangesCoversOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, n := range []int{0, 1, rangeMin - 1, rangeMin, 2*rangeMin - 1, 2 * rangeMin, 2*rangeMin + 1, 9001, 25*rangeMin + 7} {
		seen := make([]int, n)
		var mu sync.Mutex
		calls := 0
		inRanges(n, func(lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if lo < 0 || hi > n || lo >= hi && n > 0 {
				t.Errorf("n=%d: range [%d, %d)", n, lo, hi)
				return
			}
			if n/rangeMin > 1 && hi-lo > rangeMin {
				t.Errorf("n=%d: range [%d, %d) longer than %d", n, lo, hi, rangeMin)
			}
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: item %d covered %d times", n, i, c)
			}
		}
		if n/rangeMin > 1 && calls != (n+rangeMin-1)/rangeMin {
			t.Errorf("n=%d: %d ranges, want %d", n, calls, (n+rangeMin-1)/rangeMin)
		}
	}
}
