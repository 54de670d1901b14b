// Package httpx owns the layers daftar puts around a provider's HTTP
// transport, and the small vocabulary providers use with them: which
// requests are idempotent (WithIdempotent), which resource a request is for
// (WithResource), the typed error for a non-2xx answer (APIError), and how
// to tell an outcome that is unknown (UncertainError, UncertainStatus).
//
// NewClient stacks the layers once per provider, from the outside in:
//
//	retry → rate limit → audit → fence → per-attempt timeout → http.Transport
//
// Retry is outermost so that every attempt waits its turn at the rate
// limiter (retries never push a provider past its allowance) and every
// attempt is audited (the log shows what the server saw). The limiter is
// above audit so that time spent queueing is not counted as the exchange's
// duration, and a request cancelled while queued, never sent, leaves no
// line. The timeout is per attempt and below the limiter, so that queueing
// does not eat into it. The fence (WithFence) is checked after the
// limiter's wait and the audit log's "sent" line, as close to the sending
// as can be: a process that lost its lock while its request queued sends
// nothing, however long it waited (the log then shows the request as not
// sent: outcome transport_error). The same layer holds a write until the
// intent the executor writes for it meanwhile is durable (WithIntent).
//
// The package must not know any provider's API: no paths, no body shapes.
//
// Concurrency: every layer is an http.RoundTripper used by many requests at
// once (the executor's workers): the rate limiter, the retry budget and the
// breaker keep their counts with atomics or a mutex. The package starts no
// goroutine of its own.
package httpx
