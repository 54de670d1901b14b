package httpx

import (
	"context"
	"errors"
	"net/http"

	"github.com/daftar-dev/daftar/internal/audit"
)

type idempotentKey struct{}

// WithIdempotent marks requests made with ctx as safe to repeat although
// their method is not GET, HEAD or OPTIONS: sending one twice has the same
// effect as sending it once (USAPI's POST /auth, POST /check/email). The
// retry layer then retries them as it retries reads. Never mark a request
// that creates or changes a record.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// Idempotent reports whether ctx was marked with WithIdempotent.
func Idempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

// safe reports whether req may be sent again: a read, or marked idempotent.
func safe(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return Idempotent(req.Context())
}

// WithResource marks requests made with ctx as made for the resource at
// addr (usapi_account.hire["ani"]); the audit log records it.
func WithResource(ctx context.Context, addr string) context.Context {
	return audit.WithResource(ctx, addr)
}

// ResourceFrom returns the address WithResource put in ctx, or "".
func ResourceFrom(ctx context.Context) string {
	return audit.ResourceFrom(ctx)
}

type stopKey struct{}

// WithStop returns ctx marked so that, once stop is done, requests made
// with it that have not been sent are not sent: a request waiting for the
// rate limiter or for its next retry returns at once with an error saying
// it was not sent (never an UncertainError). A request already sent runs
// on until ctx ends. The executor marks the changes in flight with the
// interrupt, so that an interrupted apply finishes what it sent and sends
// nothing more.
func WithStop(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// stopOf is the stop of ctx (WithStop), nil without one.
func stopOf(ctx context.Context) context.Context {
	s, _ := ctx.Value(stopKey{}).(context.Context)
	return s
}

// stopped is closed when the stop of ctx is done; nil, which never
// receives, without one.
func stopped(ctx context.Context) <-chan struct{} {
	if s := stopOf(ctx); s != nil {
		return s.Done()
	}
	return nil
}

// Stopped is closed when the stop of ctx (WithStop) is done: a provider
// waiting between requests of its own (polling for a result) ends the
// wait then, since nothing more will be sent. It is nil, which never
// receives, without a stop.
func Stopped(ctx context.Context) <-chan struct{} { return stopped(ctx) }

// errStopped is the error of a request that WithStop kept from being sent.
var errStopped = errors.New("the run was interrupted before it was sent")

// isStopped reports whether ctx's stop is done.
func isStopped(ctx context.Context) bool {
	select {
	case <-stopped(ctx):
		return true
	default:
		return false
	}
}
