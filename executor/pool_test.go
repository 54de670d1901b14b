package executor

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestPoolBoundsAndRunsEverything: the pool runs every function given to
// Go, never more than n at once, on at most n goroutines; Go waits while
// n are running.
func TestPoolBoundsAndRunsEverything(t *testing.T) {
	const n, total = 4, 200
	p := newPool(n)
	var running, most, done atomic.Int64
	release := make(chan struct{})
	var first sync.WaitGroup
	first.Add(n)
	submitted := make(chan struct{})
	go func() {
		for i := range total {
			p.Go(func() error {
				now := running.Add(1)
				for {
					m := most.Load()
					if now <= m || most.CompareAndSwap(m, now) {
						break
					}
				}
				if i < n {
					first.Done()
					<-release // the first n hold every worker
				}
				running.Add(-1)
				done.Add(1)
				return nil
			})
		}
		close(submitted)
	}()
	first.Wait()
	if got := running.Load(); got != n {
		t.Fatalf("%d running while the first %d hold their workers, want %d", got, n, n)
	}
	select {
	case <-submitted:
		t.Fatal("Go returned for every function while all the workers were busy")
	default:
	}
	close(release)
	<-submitted
	p.Wait()
	if done.Load() != total {
		t.Errorf("%d of %d functions ran", done.Load(), total)
	}
	if most.Load() > n {
		t.Errorf("%d ran at once, want at most %d", most.Load(), n)
	}
	if p.started > n {
		t.Errorf("%d goroutines started, want at most %d", p.started, n)
	}
}
