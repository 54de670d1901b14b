package proofylink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/secrets"
)

// apiError is an answer that is not a success: a non-2xx status, or a 2xx
// whose body says "fail" or "error" (the detail endpoint documents a
// "200 - Not Success"). Its httpx.APIError's Message is the API's own
// message (redacted), or a description of a body that is not the API's
// JSON (an HTML page).
type apiError struct {
	*httpx.APIError
	// FieldErrors are the 422 errors by field name (redacted).
	FieldErrors map[string][]string
	// bodyStatus is the body's "status" ("fail", "error"), "" when the
	// body is not the API's JSON.
	bodyStatus string
}

func newAPIErr(method, path string, status int, message string) *apiError {
	return &apiError{APIError: &httpx.APIError{Provider: "proofylink", Method: method, Path: path, Status: status, Message: message}}
}

func (e *apiError) Error() string {
	return fmt.Sprintf("Proofylink answered %s %s with %d %s: %s",
		e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Shown())
}

func (e *apiError) Unwrap() error { return e.APIError }

// fields are the names of FieldErrors, sorted.
func (e *apiError) fields() []string {
	names := make([]string, 0, len(e.FieldErrors))
	for name := range e.FieldErrors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// transportError is a request that got no complete answer: it failed to
// connect, was cut, timed out, or its body broke off.
type transportError struct {
	Method, Path string
	// Status is the answer's status when its body broke off, 0 when no
	// answer came.
	Status int
	Err    error
	// Sent is false only when the request certainly never reached the
	// server (the connection could not be made).
	Sent bool
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s got no complete answer from Proofylink: %v", e.Method, e.Path, e.Err)
}

func (e *transportError) Unwrap() error { return e.Err }

// decodeError is a 2xx answer whose body is not the documented JSON.
type decodeError struct {
	Method, Path string
	StatusCode   int
	Err          error
	// succeeded is set when the body is the API's envelope saying
	// "status": "success" (a create's data without its reference_code).
	succeeded bool
}

func (e *decodeError) Error() string {
	return fmt.Sprintf("Proofylink answered %s %s with %d but a body daftar cannot read: %v", e.Method, e.Path, e.StatusCode, e.Err)
}

// neverSent reports a transport error after which the request certainly
// never reached the server. The engine's transport (httpx) wraps every
// error that leaves a non-idempotent request's outcome open in an
// *httpx.UncertainError; without it (a plain *http.Client), a failure to
// dial is the one error known to come before any byte was sent.
func neverSent(err error) bool {
	var ue *httpx.UncertainError
	if errors.As(err, &ue) {
		return false
	}
	if httpx.NotSent(err) { // refused by the transport: an interrupted apply's queued request
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// outcomeUncertain reports whether a create that ended with err may still
// have been carried out.
func outcomeUncertain(err error) bool {
	var te *transportError
	var de *decodeError
	var ae *apiError
	var re *httpx.RedirectError
	switch {
	case errors.As(err, &te):
		return te.Sent
	case errors.As(err, &de):
		return true
	case errors.As(err, &ae):
		return httpx.UncertainStatus(ae.Status)
	case errors.As(err, &re):
		return httpx.UncertainStatus(re.Status)
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// createdUnread reports a create answered 201 Created whose body could not
// be read (cut short, not JSON, too large, without a reference_code), or a
// 2xx whose body says "status": "success" without a reference_code: the
// verification exists and its token is spent, but which one it is, the
// answer does not say. Such a create must never be sent again because a
// search did not find it.
func createdUnread(err error) bool {
	var te *transportError
	var de *decodeError
	switch {
	case errors.As(err, &te):
		return te.Status == http.StatusCreated
	case errors.As(err, &de):
		return de.StatusCode == http.StatusCreated || (de.succeeded && de.StatusCode >= 200 && de.StatusCode < 300)
	}
	return false
}

// describeBody names a body that is not JSON in a few words, for an error
// message: an HTML page's title, or its first line.
func describeBody(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return "an empty body"
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		return "an HTML page" + htmlTitle(s)
	}
	line, _, _ := strings.Cut(s, "\n")
	return fmt.Sprintf("a body that is not JSON (%q)", redact(secrets.Body(line)))
}

func htmlTitle(s string) string {
	lower := strings.ToLower(s)
	i := strings.Index(lower, "<title>")
	j := strings.Index(lower, "</title>")
	if i < 0 || j < i {
		return ""
	}
	title := strings.TrimSpace(s[i+len("<title>") : j])
	return fmt.Sprintf(" titled %q", redact(secrets.Body(title)))
}
