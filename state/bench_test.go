package state_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

var benchSizes = []int{1_000, 10_000, 100_000}

// benchState returns a compacted local state of n accounts and its handle.
func benchState(b *testing.B, n int) (*state.Local, *state.State) {
	b.Helper()
	l := state.NewLocal(filepath.Join(b.TempDir(), "daftar.state.json"), state.LocalOptions{})
	s, err := l.Load(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		s.Apply(benchUpdate(i))
	}
	if err := l.Compact(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	return l, s
}

func benchUpdate(i int) state.Update {
	key := fmt.Sprintf("user%06d", i)
	return state.Update{Set: []*state.Resource{(&state.Resource{Address: fmt.Sprintf("usapi_account.hire[%q]", key)}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).WithIndexKey(json.RawMessage(fmt.Sprintf("%q", key))).WithUpdatedAt(when).WithAttributes(json.RawMessage(fmt.Sprintf(`{"username":%q,"email":"%s@example.id","first_name":"Ani","last_name":"Suryani","phone_number":"6281234567890","password_digest":"hmac-sha256:5a1f0c9e7d3b2a18","registration":"signup","mode":"OTP","platform":"ONMART"}`, key, key)))}}
}

// BenchmarkLoad also reports the CPU time of a Load on every core
// (cpu-ms/op: the decoding is spread over GOMAXPROCS workers) and the heap
// a loaded state keeps alive (live-MB).
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l, _ := benchState(b, n)
			before := liveHeap()
			var s *state.State
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				s = nil // the previous state is garbage, as in a real run
				var err error
				if s, err = state.NewLocal(l.Path(), state.LocalOptions{}).Load(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(liveHeap()-before)/1e6, "live-MB")
			runtime.KeepAlive(s)
		})
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func BenchmarkCompact(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l, s := benchState(b, n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.Apply(benchUpdate(n + i)) // a change, or Compact would write nothing
				i++
				if err := l.Compact(context.Background(), s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApply measures one durable change from many goroutines at once,
// as an apply makes them; its cost must not grow with the state.
func BenchmarkApply(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l, _ := benchState(b, n)
			if err := l.Apply(context.Background(), benchUpdate(n)); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.SetParallelism(32)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := l.Apply(context.Background(), benchUpdate(n+int(next.Add(1)))); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			l.Close()
		})
	}
}

// BenchmarkView reads a compacted state through a View, a resource at a
// time, with a journal of 100 changes merged in, and reports the largest
// heap in use while reading (peak-MB, sampled every 1,000 resources):
// what state list and report hold, which must not grow with the state.
func BenchmarkView(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l, _ := benchState(b, n)
			for i := range 100 {
				if err := l.Apply(context.Background(), benchUpdate(n+i)); err != nil {
					b.Fatal(err)
				}
			}
			l.Close()
			base := liveHeap()
			var peak int64
			b.ReportAllocs()
			for b.Loop() {
				v, err := state.NewLocal(l.Path(), state.LocalOptions{}).View(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				seen := 0
				if err := v.Each(context.Background(), func(*state.Resource) error {
					if seen++; seen%1000 == 0 {
						var m runtime.MemStats
						runtime.ReadMemStats(&m)
						peak = max(peak, int64(m.HeapAlloc)-base)
					}
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				v.Close()
				if seen != n+100 {
					b.Fatalf("the view gave %d resources; want %d", seen, n+100)
				}
			}
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
		})
	}
}

// BenchmarkCompactLoaded compacts a state as loaded from its file with
// one change: the records' attributes left in the file are read back to
// be written (state/attrfile.go), where BenchmarkCompact's are in memory.
func BenchmarkCompactLoaded(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l, _ := benchState(b, n)
			b.ReportAllocs()
			i := 0
			cpu := cpuTime()
			for b.Loop() {
				b.StopTimer()
				s, err := state.NewLocal(l.Path(), state.LocalOptions{}).Load(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				s.Apply(benchUpdate(n + i)) // a change, or Compact would write nothing
				i++
				b.StartTimer()
				if err := l.Compact(context.Background(), s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
