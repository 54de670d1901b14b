// Package httpxtest helps tests measure what a server received: the pace
// of arrivals, to check a client's rate limit from the server's side.
package httpxtest

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// RateMeter records the arrival times of requests. It is safe for
// concurrent use; the zero value is ready.
type RateMeter struct {
	mu    sync.Mutex
	times []time.Time
}

// Handler records each request's arrival, then serves it with next.
func (m *RateMeter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Record(time.Now())
		next.ServeHTTP(w, r)
	})
}

// Record adds one arrival.
func (m *RateMeter) Record(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.times = append(m.times, t)
}

// Count is the number of arrivals.
func (m *RateMeter) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.times)
}

func (m *RateMeter) sorted() []time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := slices.Clone(m.times)
	slices.SortFunc(s, func(a, b time.Time) int { return a.Compare(b) })
	return s
}

// MaxInWindow is the largest number of arrivals in any window of length w
// (a sliding window, [t, t+w) for every arrival t).
func (m *RateMeter) MaxInWindow(w time.Duration) int {
	s := m.sorted()
	best, j := 0, 0
	for i := range s {
		for j < len(s) && s[j].Sub(s[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// Rate is the mean number of arrivals per second between the first and
// the last, 0 with fewer than two.
func (m *RateMeter) Rate() float64 {
	s := m.sorted()
	if len(s) < 2 {
		return 0
	}
	return float64(len(s)-1) / s[len(s)-1].Sub(s[0]).Seconds()
}
