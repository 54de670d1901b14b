package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"syscall"
)

// Breaker watches one provider's answers for failures that cannot be about
// one request's content: 401 and 403 (the credentials), a connection
// refused or a host not found (the endpoint), a 5xx after every retry (the
// API is down). After Threshold refusals of the first kinds in a row, or
// ServerThreshold 5xx in a row (a flaky API answers some 5xx; a dead one
// answers nothing else), it trips: Tripped then names the cause, and the
// caller stops starting work for the provider.
// It sends every request it is given (what is in flight finishes); an
// answer about the request itself (2xx, another 4xx) resets the count.
//
// Wrap the outermost transport, around the retries, so that a 5xx counts
// only once every attempt has failed.
type Breaker struct {
	Next            http.RoundTripper
	Provider        string
	Threshold       int
	ServerThreshold int

	mu      sync.Mutex
	refused int // 401, 403, connection refused, in a row
	server  int // 5xx after every attempt, in a row
	tripped error
}

// DefaultBreakerThreshold is how many such failures in a row trip a
// Breaker: enough that one unlucky request does not, few enough that a
// wrong key sends a handful of requests, not a batch.
const DefaultBreakerThreshold = 3

// DefaultServerThreshold is how many 5xx in a row trip a Breaker.
const DefaultServerThreshold = 10

// RoundTrip implements http.RoundTripper.
func (b *Breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.Next.RoundTrip(req)
	b.observe(req, resp, err)
	return resp, err
}

// Tripped returns why the breaker tripped, or nil.
func (b *Breaker) Tripped() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tripped
}

func (b *Breaker) observe(req *http.Request, resp *http.Response, err error) {
	cause, systemic, neutral := systemicCause(req, resp, err)
	b.mu.Lock()
	defer b.mu.Unlock()
	streak, limit := &b.refused, max(1, b.Threshold)
	if resp != nil && resp.StatusCode >= 500 {
		streak, limit = &b.server, max(1, b.ServerThreshold)
	}
	switch {
	case neutral:
	case !systemic:
		b.refused, b.server = 0, 0
	default:
		*streak++
		if b.tripped == nil && *streak >= limit {
			b.tripped = fmt.Errorf("%d requests in a row to %s failed in a way no single change causes; the last: %s", *streak, b.Provider, cause)
		}
	}
}

// systemicCause classifies one outcome: systemic (with its cause),
// neutral (says nothing either way: a 429, an interrupted request), or
// neither (an answer about the request).
func systemicCause(req *http.Request, resp *http.Response, err error) (cause string, systemic, neutral bool) {
	endpoint := req.Method + " " + req.URL.Path
	switch {
	case err != nil && NotSent(err):
		return "", false, true
	case err != nil && (errors.Is(err, syscall.ECONNREFUSED) || (dialError(err) && !transient(err))):
		return fmt.Sprintf("%s: %v", endpoint, err), true, false
	case err != nil:
		return "", false, true // a timeout or a cut connection may be one request's bad luck
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("%s answered %s (check the provider's credentials)", endpoint, resp.Status), true, false
	case resp.StatusCode >= 500:
		return fmt.Sprintf("%s answered %s", endpoint, resp.Status), true, false
	case resp.StatusCode == http.StatusTooManyRequests:
		return "", false, true
	}
	return "", false, false
}
