package audit

import "context"

type resourceKey struct{}

// WithResource marks ctx as the context of requests made for the resource
// at addr, so that their lines name it. (httpx.WithResource is the same.)
func WithResource(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, resourceKey{}, addr)
}

// ResourceFrom returns the address WithResource put in ctx, or "".
func ResourceFrom(ctx context.Context) string {
	addr, _ := ctx.Value(resourceKey{}).(string)
	return addr
}
