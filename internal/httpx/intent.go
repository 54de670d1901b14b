package httpx

import (
	"context"
	"net/http"
)

type intentKey struct{}

// WithIntent returns ctx marked so that every request made with it that
// is not a read (GET, HEAD, OPTIONS; an idempotent write included) waits,
// after the audit log's "sent" line and before the fence's check, for
// durable to return: the executor writes a create's intent to the state
// while the request is built and recorded as sent, instead of before, and
// the request leaves only once the intent is on disk. An error from
// durable keeps the request from being sent (a FenceError: certainly not
// sent, never retried). durable is called once per such request and must
// answer the same each time.
func WithIntent(ctx context.Context, durable func() error) context.Context {
	return context.WithValue(ctx, intentKey{}, durable)
}

func intentOf(ctx context.Context) func() error {
	f, _ := ctx.Value(intentKey{}).(func() error)
	return f
}

// read reports whether req only reads: no intent is needed before it.
func read(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
