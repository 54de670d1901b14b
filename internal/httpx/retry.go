package httpx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
)

// NewRetrying sends requests through next again when that can help and
// cannot do harm.
//
// A safe request (GET, HEAD, OPTIONS, or marked with WithIdempotent) is
// retried after a transient transport error (connection refused, reset or
// closed early, a timeout) and after a 408, 429, 500, 502, 503 or 504
// answer; any other answer is returned as it is.
//
// Any other request may have created something, and is retried in two
// cases only, both where the server certainly did not act on it: a 429
// answer ("Too Many Requests" is a refusal to process), and a failure to
// open the connection (a *net.OpError whose Op is "dial": connection
// refused, no route, dial timeout), which happens before any byte of the
// request is written. Every other transport error of such a request is
// returned as an *UncertainError, and the reading errors of its answer's
// body too; a 5xx answer to it is returned as the answer it is (see
// UncertainStatus). Errors of requests that were never sent (the rate
// limiter's wait cancelled, the audit log broken, a TLS handshake failed)
// are returned as they are.
//
// The wait before a retry is the answer's Retry-After (429 and 503, capped
// at MaxRetryAfter), else exponential backoff with full jitter; it ends
// early, with the context's error, when the request's context ends. No
// retry is made when the request's context has ended, when MaxAttempts is
// reached, when the policy's Budget is spent, or when the body cannot be
// read again (a request with a body must have GetBody, as
// http.NewRequest sets for in-memory bodies).
func NewRetrying(next http.RoundTripper, policy RetryPolicy) http.RoundTripper {
	return &retrying{next: next, p: policy.withDefaults()}
}

type retrying struct {
	next http.RoundTripper
	p    RetryPolicy
	// waiting, set by tests only, is called as the wait before a retry
	// begins.
	waiting func()
}

func (r *retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	isSafe := safe(req)
	for n := 1; ; n++ {
		a, err := newAttempt(req, n)
		if err != nil {
			return nil, err
		}
		resp, err := r.next.RoundTrip(a.req)
		wait, again := r.decide(req, isSafe, n, resp, err)
		if !again || n >= r.p.MaxAttempts || !rewindable(req) || !r.p.Budget.take() {
			return r.final(req, isSafe, a, n, resp, err)
		}
		discard(resp)
		if r.waiting != nil {
			r.waiting()
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("waiting to retry (attempt %d): %w", n+1, err)
		}
	}
}

// decide says whether attempt n's result calls for a retry, and after how
// long.
func (r *retrying) decide(req *http.Request, isSafe bool, n int, resp *http.Response, err error) (time.Duration, bool) {
	switch {
	case req.Context().Err() != nil, isStopped(req.Context()):
		return 0, false
	case err != nil:
		return r.p.backoff(n), transient(err) && (isSafe || dialError(err))
	case resp.StatusCode == http.StatusTooManyRequests, isSafe && retryableStatus(resp.StatusCode):
		if d, ok := r.p.retryAfter(resp, time.Now()); ok {
			return d, true
		}
		return r.p.backoff(n), true
	}
	return 0, false
}

// final returns the last attempt's result, marking what is uncertain.
func (r *retrying) final(req *http.Request, isSafe bool, a *attempt, n int, resp *http.Response, err error) (*http.Response, error) {
	if err != nil {
		if !isSafe && !a.notSent(err) {
			err = &UncertainError{Method: req.Method, Path: req.URL.Path, Err: err}
		}
		if n > 1 {
			err = fmt.Errorf("after %d attempts: %w", n, err)
		}
		return nil, err
	}
	if !isSafe {
		resp.Body = &uncertainBody{ReadCloser: resp.Body, method: req.Method, path: req.URL.Path}
	}
	return resp, nil
}

// attempt is one sending of a request.
type attempt struct {
	req *http.Request
	// connected is set when a connection was obtained (httptrace GotConn);
	// handshakeFailed when TLS failed before that.
	connected, handshakeFailed atomic.Bool
}

func newAttempt(req *http.Request, n int) (*attempt, error) {
	a := &attempt{}
	trace := &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { a.connected.Store(true) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			a.handshakeFailed.Store(err != nil)
		},
	}
	a.req = req.Clone(httptrace.WithClientTrace(req.Context(), trace))
	if n > 1 && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("reading the request body again: %w", err)
		}
		a.req.Body = body
	}
	return a, nil
}

// notSent reports whether err proves that no byte of the request reached
// the server.
func (a *attempt) notSent(err error) bool {
	switch {
	case dialError(err), errors.Is(err, errNotSent), errors.Is(err, audit.ErrNotSent):
		return true
	}
	return !a.connected.Load() && a.handshakeFailed.Load()
}

// errNotSent marks the errors of requests this package refused to send.
var errNotSent = errors.New("request not sent")

func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// discard reads a little of a response that will not be used, so that its
// connection can be reused, and closes it (the audit layer records it).
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// sleep waits d, or less when ctx ends or its stop (WithStop) comes.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stopped(ctx):
		return errStopped
	}
}
