package sandbox

import "time"

// Credentials the sandbox accepts. They are test values, not secrets.
const (
	// USAPIKey is the <auth key> of "Authorization: Basic <auth key>" for
	// POST /usapi/internal/register and POST /usapi/signup.
	USAPIKey = "sandbox-usapi-key"
	// ProofylinkToken is the Bearer token of every /proofylink endpoint.
	ProofylinkToken = "sandbox-proofylink-token"
	// PrakerjaClientCode is the only X-Client-Id (and client_code) accepted.
	PrakerjaClientCode = "sandbox-client"
	// PrakerjaSignKey is the sign_key for the signed /api/v1/integration
	// endpoints: HMAC-SHA1 over client_code+timestamp+METHOD+path+body.
	PrakerjaSignKey = "sandbox-sign-key"
)

// Defaults applied by New when the matching Options field is zero.
const (
	DefaultTokens      = 1000
	DefaultVerifyDelay = 2 * time.Second
	// DefaultRedirectTo is where injected redirects point: a host that
	// does not exist (RFC 2606), so that a client that follows one fails.
	DefaultRedirectTo = "http://redirect.invalid"
)

// Options configures a Server. The zero value is a usable in-memory sandbox.
type Options struct {
	// DataDir holds records.jsonl and LOCK. "" keeps records in memory only.
	DataDir string
	// Latency delays each API answer (never /_sandbox/state).
	Latency time.Duration
	// ErrorRate is the fraction of API requests answered 500 without doing
	// the work.
	ErrorRate float64
	// DropRate is the fraction of API requests whose work is committed and
	// whose connection is then cut without an answer.
	DropRate float64
	// StatusFalseRate is the fraction of USAPI's POST /signup,
	// /internal/register and /update-basic-profile answered
	// 200 {"status": false, ...} without doing the work: a documented
	// failure with a success's status code.
	StatusFalseRate float64
	// RedirectRate is the fraction of API requests answered with a
	// redirect (RedirectStatus, Location: RedirectTo followed by the
	// request's path and query) without doing the work.
	RedirectRate float64
	// RedirectTo is the base URL the redirects point to; "" means
	// DefaultRedirectTo.
	RedirectTo string
	// RedirectStatus is the redirect's status, 301, 302, 303, 307 or 308;
	// 0 means 307.
	RedirectStatus int
	// MaxRPS limits each of the three APIs to this many requests per second
	// (burst of the same size, at least 1); above it the answer is 429 with
	// Retry-After. 0 means unlimited.
	MaxRPS float64
	// Tokens is the Proofylink token balance at first start: 0 means
	// DefaultTokens, a negative value means an empty balance. A persisted
	// balance always wins over this field.
	Tokens int
	// VerifyDelay is the time from creation to a verification's final status
	// (0 means DefaultVerifyDelay). Each record keeps the delay it was
	// created with.
	VerifyDelay time.Duration
	// Faults inject a fault into chosen requests (see FaultRule), checked
	// after -max-rps and before the rates.
	Faults []FaultRule
	// Seed seeds the fault randomness; 0 means time-based.
	Seed int64
	// EchoRefuse, when set, makes the sandbox behave as an API that echoes
	// requests in its errors: every API request whose method, path,
	// headers or body contain this text is refused with a 400 in the
	// service's own error shape, whose message quotes the whole request
	// (headers and body, as received). It exists to test that the client
	// never shows what such an API echoes (passwords, tokens, NIKs,
	// uploaded files).
	EchoRefuse string
	// Now is the clock for records, status flow and rate limiting; nil means
	// time.Now. Latency always uses the real clock.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Tokens == 0 {
		o.Tokens = DefaultTokens
	}
	if o.Tokens < 0 {
		o.Tokens = 0
	}
	if o.VerifyDelay <= 0 {
		o.VerifyDelay = DefaultVerifyDelay
	}
	if o.RedirectTo == "" {
		o.RedirectTo = DefaultRedirectTo
	}
	if o.RedirectStatus == 0 {
		o.RedirectStatus = 307
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
