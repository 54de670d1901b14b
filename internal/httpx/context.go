package httpx

import (
	"context"
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
