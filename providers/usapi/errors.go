package usapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
)

// apiError is an answer other than the one hoped for. It never carries the
// body itself: only the status and the API's own message.
type apiError struct {
	method, url string
	status      int
	// message is the API's "message", empty when the body had none.
	message string
	// problem says what was wrong with the answer's body, if anything.
	problem string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%s %s answered %d %s", e.method, e.url, e.status, http.StatusText(e.status))
	if e.message != "" {
		s += fmt.Sprintf(": %q", e.message)
	}
	if e.problem != "" {
		s += " (" + e.problem + ")"
	}
	return s
}

// ok reports whether the answer is a 2xx.
func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 }

// failure answers the apiError that describes a.
func (a *answer) failure() *apiError {
	e := &apiError{method: a.method, url: a.url, status: a.status}
	var body struct {
		Message string `json:"message"`
	}
	e.problem = a.decode(&body)
	e.message = body.Message
	return e
}

// decode reads the body as JSON into v and answers "" or what was wrong,
// in words that never quote the body.
func (a *answer) decode(v any) string {
	if a.cut != nil {
		return fmt.Sprintf("the body was cut short after %d bytes: %v", len(a.body), a.cut)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Sprintf("the body is not the JSON the API documents but %d bytes of %s", len(a.body), mediaType(a.contentType))
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
// request: it was sent and no answer came, or the answer was a 5xx or 408.
func uncertain(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return te.sent
	}
	var ae *apiError
	return errors.As(err, &ae) && uncertainStatus(ae.status)
}

// statusOf answers the HTTP status of an apiError, 0 for anything else.
func statusOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status
	}
	return 0
}

// messageOf answers the API's message of an apiError.
func messageOf(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.message
	}
	return ""
}
