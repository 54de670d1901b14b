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
	// uncertain is set for a 2xx answer to a registration: the request
	// may have been carried out, or refused with {"status": false}; the
	// body that would say which cannot be read.
	uncertain bool
}

func (e *badAnswer) Error() string {
	return fmt.Sprintf("%s %s answered %d %s, but %s", e.method, e.path, e.status, http.StatusText(e.status), e.problem)
}

// ok reports whether the answer is a 2xx.
func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 }

// refused is a 2xx answer whose body says {"status": false}: USAPI's
// documented way of saying that it did not do what was asked (on
// /check/email it means something else; see emailRegistered).
type refused struct {
	method, path string
	status       int
	message      string
}

func (e *refused) Error() string {
	msg := e.message
	if msg == "" {
		msg = "(no message)"
	}
	return fmt.Sprintf(`%s %s answered %d %s with "status": false: %s`, e.method, e.path, e.status, http.StatusText(e.status), msg)
}

// outcome is the {"status": ..., "message": ...} body of USAPI's answers.
type outcome struct {
	Status  *bool  `json:"status"`
	Message string `json:"message"`
}

// succeeded reads a 2xx answer's body, which must say {"status": true}: a
// {"status": false} is a *refused carrying the API's message, and a body
// that cannot be read (cut short, too large, not JSON, no status) a
// *badAnswer, marked uncertain when asked (a registration).
func (a *answer) succeeded(uncertain bool) error {
	var o outcome
	problem := a.decode(&o)
	if problem == "" && o.Status == nil {
		problem = `the answer has no "status" saying whether it succeeded`
	}
	switch {
	case problem != "":
		ba := a.bad(problem)
		ba.uncertain = uncertain
		return ba
	case !*o.Status:
		return &refused{method: a.method, path: a.path, status: a.status, message: o.Message}
	}
	return nil
}

// failure answers the error that describes a non-2xx answer: an
// *httpx.RedirectError for a 3xx, an *httpx.APIError with the API's
// message, or a *badAnswer when the body could not be read as the
// documented JSON.
func (a *answer) failure() error {
	if a.redirect != nil {
		return a.redirect
	}
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
		return fmt.Sprintf("the body was cut short after %d bytes (%v)", len(a.body), causeOf(a.cut))
	}
	if a.tooLarge {
		return fmt.Sprintf("the body is longer than %d bytes, far more than any USAPI answer", maxAnswerBytes)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Sprintf("the body is %d bytes of %s, not the JSON the API documents", len(a.body), mediaType(a.contentType))
	}
	return ""
}

// causeOf is the innermost error of a read that failed, without the
// wrappers that repeat the request.
func causeOf(err error) error {
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return err
		}
		err = inner
	}
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
	var ba *badAnswer
	if errors.As(err, &ba) && ba.uncertain {
		return true
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
	var rf *refused
	if errors.As(err, &rf) {
		return rf.status
	}
	var re *httpx.RedirectError
	if errors.As(err, &re) {
		return re.Status
	}
	return 0
}

// messageOf answers the API's message, "" when there is none.
func messageOf(err error) string {
	var ae *httpx.APIError
	if errors.As(err, &ae) {
		return ae.Message
	}
	var rf *refused
	if errors.As(err, &rf) {
		return rf.message
	}
	return ""
}
