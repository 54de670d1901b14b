package postgres_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// BenchmarkApply records one resource per Apply from parallel goroutines,
// as a worker's changes do, in a workspace already holding n resources:
// the cost does not grow with n.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{0, 10000} {
		b.Run(fmt.Sprintf("state=%d", n), func(b *testing.B) {
			be := newBackend(b, pgtest.Schema(b), "default")
			s, err := be.Load(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				s.Apply(state.Update{Set: []*state.Resource{account(fmt.Sprintf("seed%d", i), `{"username":"seed"}`)}})
			}
			if n > 0 {
				if err := be.Compact(context.Background(), s); err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := account(fmt.Sprintf("k%d", next.Add(1)), `{"username":"ani","email":"ani@example.id"}`)
					if err := be.Apply(context.Background(), state.Update{Set: []*state.Resource{r}}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkLoad reads a workspace of 10,000 resources.
func BenchmarkLoad(b *testing.B) {
	be := newBackend(b, pgtest.Schema(b), "default")
	s := state.New()
	for i := range 10000 {
		s.Apply(state.Update{Set: []*state.Resource{account(fmt.Sprintf("seed%d", i), `{"username":"seed","email":"seed@example.id"}`)}})
	}
	if err := be.Compact(context.Background(), s); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := be.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
