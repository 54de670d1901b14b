package httpx

import (
	"fmt"
	"net/http"

	"github.com/daftar-dev/daftar/internal/secrets"
)

// APIError is a non-2xx answer from an API, built by a provider from the
// status and the body it decoded.
type APIError struct {
	// Provider names the API ("usapi"); it is not part of Error's text,
	// which diagnostics attach to a resource of that provider.
	Provider string
	Method   string
	// Path is the request's path without its query.
	Path   string
	Status int
	// Code is the API's own code (ERROAUTH4051), empty when it has none.
	Code string
	// Message is the API's message, as it gave it. It may echo the
	// request (a password, a file's content): show it through Shown.
	Message string
}

// Shown is the API's message as daftar shows it: a binary message is
// replaced by its length, encoded content (an echoed upload) is left out,
// and a long message is cut (secrets.Body). The secrets it may still hold
// are masked where the error is shown.
func (e *APIError) Shown() string { return secrets.Body(e.Message) }

// Error reads "POST /signup answered 400 Bad Request: Username already
// exist", with the code before the message when there is one.
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s answered %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	detail := e.Shown()
	if e.Code != "" {
		detail = e.Code + " " + detail
	}
	if detail == "" {
		return s
	}
	return s + ": " + detail
}

// Permanent reports whether asking again cannot help: a 4xx other than 408
// and 429.
func (e *APIError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 &&
		e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}
