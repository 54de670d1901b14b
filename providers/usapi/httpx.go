package usapi

import (
	"context"
	"net/http"
)

// This file stands in for internal/httpx, which a colleague is building in
// parallel: when it lands, withIdempotent, withResource and
// uncertainStatus become httpx.WithIdempotent, httpx.WithResource and
// httpx.UncertainStatus, and the marks below start to matter to the
// transport layers (retry of idempotent requests, audit by resource).

type ctxKey int

const (
	idempotentKey ctxKey = iota
	resourceKey
)

// withIdempotent marks the request made with ctx as safe to retry: sending
// it twice has the effect of sending it once.
func withIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey, true)
}

// withResource names the resource address a request is made for, for the
// audit log.
func withResource(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, resourceKey, addr)
}

// uncertainStatus reports whether an answer with this status leaves open
// whether the server carried the request out: a 5xx (the server may have
// failed after acting) or a 408 (a proxy gave up waiting).
func uncertainStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout
}
