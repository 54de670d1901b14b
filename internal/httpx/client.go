package httpx

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
)

// ClientConfig describes one provider's client.
type ClientConfig struct {
	// RatePerSecond is the provider's rate_limit; <= 0 is unlimited.
	RatePerSecond int
	// Limiter, when set, paces the requests instead of RatePerSecond: a
	// limiter shared with other processes.
	Limiter Limiter
	Retry   RetryPolicy
	// Budget, when set, replaces Retry.Budget: one Budget shared by every
	// provider bounds the run's retries.
	Budget *Budget
	// Audit records every attempt; nil records nothing (tests only: a
	// command always audits).
	Audit *audit.Log
	// AuditCode finds the API's code in answers; nil is audit.DefaultCode.
	AuditCode audit.CodeExtractor
	// Provider names the API in the audit log ("usapi").
	Provider string
	// RequestTimeout bounds each attempt, from sending to the end of the
	// answer's body (default 60s). Time waiting for the rate limiter or
	// between retries does not count.
	RequestTimeout time.Duration
	// Base is the innermost transport; nil is a transport tuned for many
	// parallel requests to one host. For tests.
	Base http.RoundTripper
}

// NewClient stacks the layers for one provider (see the package comment
// for the order and why). The client has no Timeout of its own: that would
// count the rate limiter's queue and the retries' waits; RequestTimeout and
// the caller's context bound the work instead.
func NewClient(cfg ClientConfig) *http.Client {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	rt := cfg.Base
	if rt == nil {
		rt = newTransport(cfg.RequestTimeout)
	}
	rt = &attemptTimeout{next: &noReplay{next: rt}, d: cfg.RequestTimeout}
	// The fence is checked once the limiter let the request go and the
	// audit log recorded it as sent, right before it leaves (fence.go).
	rt = &fenced{next: rt}
	if cfg.Audit != nil {
		var opts []audit.Option
		if cfg.AuditCode != nil {
			opts = append(opts, audit.WithCodeExtractor(cfg.AuditCode))
		}
		opts = append(opts, audit.WithSentLines(func(req *http.Request) bool { return !safe(req) }))
		rt = audit.NewRoundTripper(rt, cfg.Audit, cfg.Provider, opts...)
	}
	if cfg.Limiter != nil {
		rt = NewLimited(rt, cfg.Limiter)
	} else {
		rt = NewRateLimited(rt, cfg.RatePerSecond)
	}
	policy := cfg.Retry
	if cfg.Budget != nil {
		policy.Budget = cfg.Budget
	}
	return WithoutRedirects(&http.Client{Transport: NewRetrying(rt, policy)})
}

// newTransport keeps enough idle connections for the executor's
// parallelism to one host, and bounds dialing, TLS and the wait for an
// answer's headers. It speaks HTTP/1.1 only: HTTP/2's transport re-sends
// requests by itself (a refused stream, a GOAWAY) below the audit log and
// the rate limiter, and at the few requests a second the APIs allow, a
// connection per request in flight costs nothing.
func newTransport(headerTimeout time.Duration) *http.Transport {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     false,
		TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{}, // no HTTP/2
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: headerTimeout,
		ExpectContinueTimeout: time.Second,
	}
}
