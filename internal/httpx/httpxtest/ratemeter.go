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

// Span is the time from the first arrival to the last, 0 with fewer than
// two.
func (m *RateMeter) Span() time.Duration {
	s := m.sorted()
	if len(s) < 2 {
		return 0
	}
	return s[len(s)-1].Sub(s[0])
}

// CheckPace reports how the arrivals break a limiter's promise of one
// request every interval, or "" when they keep it. Arrivals are measured
// at the server, after the scheduling delays of a loaded machine, which
// can bring a request later than one granted after it, by up to jitter:
// so over the whole run the arrivals span at least (count-1)*interval -
// jitter, and any window of one second holds at most (1s+jitter)/interval
// + 1. A slower pace always passes: no lower bound on the speed is
// asserted, which a loaded machine would break.
func (m *RateMeter) CheckPace(interval, jitter time.Duration) string {
	n := m.Count()
	if n < 2 {
		return ""
	}
	if span, least := m.Span(), time.Duration(n-1)*interval-jitter; span < least {
		return fmt.Sprintf("%d requests arrived within %s, want them spread over at least %s (one every %s, less %s of jitter)", n, span, least, interval, jitter)
	}
	if got, most := m.MaxInWindow(time.Second), int((time.Second+jitter)/interval)+1; got > most {
		return fmt.Sprintf("%d requests arrived within one second, want at most %d (one every %s, plus %s of jitter)", got, most, interval, jitter)
	}
	return ""
}
