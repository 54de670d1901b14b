package prakerja

import "context"

// This file stands in for internal/httpx, which a colleague is building in
// parallel: when it lands, withIdempotent and withResource become
// httpx.WithIdempotent and httpx.WithResource.

type ctxKey int

const (
	idempotentKey ctxKey = iota
	resourceKey
)

// withIdempotent marks the request made with ctx as safe to retry.
func withIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey, true)
}

// withResource names the address a request is made for, for the audit
// log.
func withResource(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, resourceKey, addr)
}
