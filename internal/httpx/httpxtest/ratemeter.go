// Package httpxtest helps tests measure what a server received: the pace
// of arrivals, to check a client's rate limit from the server's side.
package httpxtest

import (
	"fmt"
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

// CheckSchedule reports how the arrivals break a limiter's promise of one
// request every interval from start (a time taken before the first
// request), or "" when they keep it: the k-th arrival (from 0) must come
// no sooner than start + k*interval. A request never arrives before the
// slot its limiter gave it, and a loaded machine only delays it further,
// so the check cannot fail for load; it fails for a limiter that lets
// requests run ahead of its schedule, anywhere in the run. (A check of
// any one-second window cannot be made so: a request delayed by the
// scheduler arrives together with the next ones.) No lower bound on the
// pace is asserted.
func (m *RateMeter) CheckSchedule(start time.Time, interval time.Duration) string {
	for k, at := range m.sorted() {
		if due := start.Add(time.Duration(k) * interval); at.Before(due) {
			return fmt.Sprintf("request %d of %d arrived %s after the start, %s ahead of the schedule of one every %s",
				k+1, m.Count(), at.Sub(start).Round(time.Millisecond), due.Sub(at).Round(time.Microsecond), interval)
		}
	}
	return ""
}
