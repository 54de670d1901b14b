package sandbox

import (
	"context"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// faults holds the injected-fault settings, their random source and the
// request counters reported by /_sandbox/state.
type faults struct {
	latency         time.Duration
	errorRate       float64
	dropRate        float64
	maxRPS          float64
	statusFalseRate float64
	redirectRate    float64
	redirectTo      string
	redirectStatus  int

	mu  sync.Mutex
	rng *rand.Rand

	// rules are the -fault rules, each for one chosen request.
	rules *faultRules

	total, throttled, failed, dropped, held, redirected, refused atomic.Int64
}

func newFaults(o Options) *faults {
	seed := uint64(o.Seed)
	return &faults{
		latency:         o.Latency,
		errorRate:       o.ErrorRate,
		dropRate:        o.DropRate,
		maxRPS:          o.MaxRPS,
		statusFalseRate: o.StatusFalseRate,
		redirectRate:    o.RedirectRate,
		redirectTo:      strings.TrimRight(o.RedirectTo, "/"),
		redirectStatus:  o.RedirectStatus,
		rules:           newFaultRules(o.Faults),
		rng:             rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
}

// roll reports true with probability p.
func (f *faults) roll(p float64) bool {
	if p <= 0 {
		return false
	}
	if p >= 1 {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rng.Float64() < p
}

// withFaults wraps one API: count the request, then 429 above the rate,
// then an injected 500, then an injected redirect, then an injected
// {"status": false} (USAPI), then the latency, then the work, which a drop
// follows by cutting the connection instead of answering.
func (s *Server) withFaults(a *api, next http.Handler) http.Handler {
	f := s.faults
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.total.Add(1)
		if wait, ok := a.limiter.take(s.now()); !ok {
			f.throttled.Add(1)
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			writeJSON(w, http.StatusTooManyRequests, a.tooMany)
			return
		}
		if s.applyRule(w, r, a, next) {
			return
		}
		if f.roll(f.errorRate) {
			f.failed.Add(1)
			writeJSON(w, http.StatusInternalServerError, a.internalError(r))
			return
		}
		if s.opts.EchoRefuse != "" && s.echoRefused(a, w, r) {
			return
		}
		if f.roll(f.redirectRate) {
			f.redirected.Add(1)
			f.redirect(w, r)
			return
		}
		if a.statusFalse != nil {
			if body, ok := a.statusFalse(r); ok && f.roll(f.statusFalseRate) {
				f.refused.Add(1)
				writeJSON(w, http.StatusOK, body)
				return
			}
		}
		if !sleep(r.Context(), f.latency) {
			return
		}
		if f.roll(f.dropRate) {
			f.dropped.Add(1)
			dropAfter(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// redirect answers the configured redirect to the request's path and
// query under redirectTo, with a small HTML body as web servers send.
func (f *faults) redirect(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Location", f.redirectTo+r.URL.RequestURI())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(f.redirectStatus)
	_, _ = io.WriteString(w, "<html><body>Moved</body></html>\n")
}

// retryAfterSeconds rounds wait up to whole seconds, at least 1.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// sleep waits d on the real clock; it reports false when the client left.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// limiter is a token bucket of maxRPS tokens per second holding at most
// max(1, maxRPS) tokens. A nil limiter or a zero rate never throttles.
type limiter struct {
	rate float64

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return nil
	}
	return &limiter{rate: rate, tokens: max(1, rate)}
}

// take spends one token; when none is left it answers how long until one is.
func (l *limiter) take(now time.Time) (time.Duration, bool) {
	if l == nil {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && now.After(l.last) {
		l.tokens = min(max(1, l.rate), l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	if now.After(l.last) {
		l.last = now
	}
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	return time.Duration((1 - l.tokens) / l.rate * float64(time.Second)), false
}
