package httpx

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says how often and how patiently requests are retried. Zero
// fields take the defaults named on each.
type RetryPolicy struct {
	// MaxAttempts per request, the first included (default 5; 1 means
	// never retry).
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff with full
	// jitter: before retry n the wait is uniform in
	// [0, min(MaxDelay, BaseDelay·2^(n-1))] (defaults 200ms and 10s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter caps a Retry-After wait asked by a 429 or 503
	// (default 30s).
	MaxRetryAfter time.Duration
	// Budget bounds the retries of the run; nil is unlimited.
	Budget *Budget
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p
}

// backoff is the wait before retry n (1 for the first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.MaxDelay
	if shift := n - 1; shift < 30 && p.BaseDelay<<shift < ceiling {
		ceiling = p.BaseDelay << shift
	}
	return rand.N(ceiling + 1)
}

// retryAfter reads a Retry-After header of a 429 or 503 (seconds or an
// HTTP date), capped at MaxRetryAfter; ok is false when there is none.
func (p RetryPolicy) retryAfter(resp *http.Response, now time.Time) (d time.Duration, ok bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return min(max(d, 0), p.MaxRetryAfter), true
}
