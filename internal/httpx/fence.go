package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Fence is what a request must get past once the rate limiter let it go:
// the proof that the process sending it still owns the change it is for
// (its state lock, or its claim of the change in a batch), as a fencing
// token proves a lease. A process that lost its lock may be paused past
// the moment another took over (a stopped process, a VM pause, a long
// garbage collection); checking ownership when the request is about to
// leave, not when it was queued, keeps it from sending what the new owner
// sends too.
type Fence interface {
	// Lost returns an error once the ownership is known to be lost, and
	// nil before; it must be cheap (no round trip). Once lost, no request
	// at all is sent.
	Lost() error
	// Check proves, in one round trip, that the change of resource (the
	// address WithResource put in the request's context, "" for a request
	// made for no resource) is still owned. A request that is not safe to
	// repeat is sent only after Check returned nil.
	Check(ctx context.Context, resource string) error
}

type fenceKey struct{}

// WithFence returns ctx marked so that requests made with it pass f
// after the rate limiter's wait: see Fence.
func WithFence(ctx context.Context, f Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

func fenceOf(ctx context.Context) Fence {
	f, _ := ctx.Value(fenceKey{}).(Fence)
	return f
}

// FenceError is the error of a request the fence kept from being sent:
// the process no longer owns the change. It is never an UncertainError:
// nothing was sent.
type FenceError struct {
	Method, Path string
	// Reason says why the ownership is lost, in words.
	Reason string
}

func (e *FenceError) Error() string {
	return fmt.Sprintf("%s %s was not sent: %s", e.Method, e.Path, e.Reason)
}

// Unwrap makes a FenceError a request not sent (NotSent), and nothing
// else: the cause of a failed check (a timeout, say) is kept out, so that
// no layer takes it for a transient error worth a retry.
func (e *FenceError) Unwrap() error { return errNotSent }

// IsFenced reports whether err is (or wraps) a *FenceError.
func IsFenced(err error) bool {
	var fe *FenceError
	return errors.As(err, &fe)
}

// fenced is the layer below the rate limiter that holds requests to the
// context's Fence, and a write to its intent being durable (WithIntent).
type fenced struct {
	next http.RoundTripper
}

func (f *fenced) RoundTrip(req *http.Request) (*http.Response, error) {
	fence, durable := fenceOf(req.Context()), intentOf(req.Context())
	if fence == nil && durable == nil {
		return f.next.RoundTrip(req)
	}
	var err error
	if fence != nil {
		err = fence.Lost()
	}
	if err == nil && durable != nil && !read(req) {
		err = durable()
	}
	if err == nil && fence != nil && !safe(req) {
		err = fence.Check(req.Context(), ResourceFrom(req.Context()))
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &FenceError{Method: req.Method, Path: req.URL.Path, Reason: err.Error()}
	}
	return f.next.RoundTrip(req)
}
