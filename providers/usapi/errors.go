package usapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/daftar-dev/daftar/internal/httpx"
)

// badAnswer is an answer whose body is not what the API documents (not
// JSON, cut short, or missing a field). It never carries the body itself.
type badAnswer struct {
	method, path string
	status       int
	problem      string
}

func (e *badAnswer) Error() string {
	return fmt.Sprintf("%s %s answered %d %s, but %s", e.method, e.path, e.status, http.StatusText(e.status), e.problem)
}

// ok reports whether the answer is a 2xx.
func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 }

// failure answers the error that describes a non-2xx answer: an
// *httpx.APIError with the API's message, or a *badAnswer when the body
// could not be read as the documented JSON.
func (a *answer) failure() error {
	var body struct {
		Message string `json:"message"`
	}
	if problem := a.decode(&body); problem != "" {
		return a.bad(problem)
	}
	return &httpx.APIError{Provider: "usapi", Method: a.method, Path: a.path, Status: a.status, Message: body.Message}
}

// bad answers a *badAnswer about a.
func (a *answer) bad(problem string) *badAnswer {
	return &badAnswer{method: a.method, path: a.path, status: a.status, problem: problem}
}

// decode reads the body as JSON into v and answers "" or what was wrong,
// in words that never quote the body.
func (a *answer) decode(v any) string {
	if a.cut != nil {
		return fmt.Sprintf("the body was cut short after %d bytes (%v)", len(a.body), errors.Unwrap(a.cut))
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Sprintf("the body is %d bytes of %s, not the JSON the API documents", len(a.body), mediaType(a.contentType))
	}
	return ""
}

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return "unlabelled content"
	}
	return mt
}

// uncertain reports whether err leaves open whether the server acted on a
// request that is not safe to repeat: the transport layers say so
// (*httpx.UncertainError), the request was sent and no answer came, or the
// answer was a 5xx that may follow the work (httpx.UncertainStatus).
func uncertain(err error) bool {
	var ue *httpx.UncertainError
	if errors.As(err, &ue) {
		return true
	}
	var te *transportError
	if errors.As(err, &te) {
		return te.sent
	}
	return httpx.UncertainStatus(statusOf(err))
}

// statusOf answers the HTTP status of an answer's error, 0 when no answer
// came.
func statusOf(err error) int {
	var ae *httpx.APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	var ba *badAnswer
	if errors.As(err, &ba) {
		return ba.status
	}
	return 0
}

// messageOf answers the API's message, "" when there is none.
func messageOf(err error) string {
	var ae *httpx.APIError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return ""
}
