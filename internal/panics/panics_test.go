package panics

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A worker's panic is kept with its own stack, its release runs, and the
// waiter raises it again; workers that do not panic leave nothing.
func TestFirstCarriesAWorkersPanic(t *testing.T) {
	var f First
	var released atomic.Int32
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			defer f.Recover(func() { released.Add(1) })
			if i == 2 {
				panic("worker two")
			}
		})
	}
	wg.Wait()
	if !f.Caught() || released.Load() != 1 {
		t.Fatalf("kept a panic: %v; releases run: %d, want 1", f.Caught(), released.Load())
	}
	defer func() {
		c, ok := recover().(*Caught)
		if !ok || c.Value != "worker two" || !strings.Contains(string(c.Stack), "panics_test.go") {
			t.Fatalf("Repanic raised %#v", c)
		}
	}()
	f.Repanic()
	t.Fatal("Repanic did not panic")
}

func TestFirstWithoutPanicDoesNothing(t *testing.T) {
	var f First
	func() {
		defer f.Recover(func() { t.Error("then ran without a panic") })
	}()
	if f.Caught() {
		t.Fatal("a panic kept where none happened")
	}
	f.Repanic()
}
