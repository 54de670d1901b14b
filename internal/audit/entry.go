package audit

import (
	"time"
)

// Outcome says how an exchange ended.
type Outcome string

const (
	// OK: an answer with a status below 400 was received in full.
	OK Outcome = "ok"
	// HTTPError: an answer with a status of 400 or more was received.
	HTTPError Outcome = "http_error"
	// TransportError: no answer, and the request was not completely sent
	// (the connection could not be made, TLS failed, the write failed
	// before the end of the request).
	TransportError Outcome = "transport_error"
	// Dropped: the request was sent, but the answer never arrived or
	// arrived cut short (the connection was closed or reset, or the attempt
	// timed out). The API may have carried the request out.
	Dropped Outcome = "dropped"
)

// Entry is one API exchange, as the round tripper observed it. Log adds the
// sequence number, run id, command and chain digests.
type Entry struct {
	// Time is when the request was handed to the transport.
	Time time.Time
	// Resource is the address of the resource the request was made for
	// (usapi_account.hire["ani"]), or empty.
	Resource string
	Provider string
	Method   string
	// Path is the URL path with the names of query parameters only
	// (see RedactedPath). Never a URL with query values.
	Path string
	// Status is the HTTP status, 0 when no answer came.
	Status int
	// Code is the API's own result code (ERROAUTH4051), never free text.
	Code     string
	Duration time.Duration
	// RequestSHA256 and ResponseSHA256 are hex digests of the bodies as
	// sent and as received.
	RequestSHA256  string
	ResponseSHA256 string
	// ResponseIncomplete is set when the response body was not read to
	// its end (the reader closed it early or the connection was cut), so
	// ResponseSHA256 covers only what was received.
	ResponseIncomplete bool
	Outcome            Outcome
}
