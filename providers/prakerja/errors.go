package prakerja

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/providers"
)

// badAnswer is an answer whose body is not what the API documents (not
// JSON, cut short, without data). It never carries the body itself.
type badAnswer struct {
	method, path string
	status       int
	problem      string
}

func (e *badAnswer) Error() string {
	return fmt.Sprintf("%s %s answered %d %s, but %s", e.method, e.path, e.status, http.StatusText(e.status), e.problem)
}

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return "unlabelled content"
	}
	return mt
}

// profileDiagnostic explains a failed profile read: for a documented code,
// what to do about it; otherwise what went wrong with the answer.
func profileDiagnostic(addr string, err error) providers.Diagnostic {
	var (
		ae *httpx.APIError
		ba *badAnswer
	)
	switch {
	case errors.As(err, &ae) && ae.Code != "":
		return codeDiagnostic(addr, ae)
	case errors.As(err, &ae):
		return diag(nil, "Unexpected answer from Prakerja", "%s: %v. %s", addr, ae, statusAdvice(ae.Status))
	case errors.As(err, &ba):
		return diag(nil, "Unexpected answer from Prakerja", "%s: %v. %s", addr, ba, statusAdvice(ba.status))
	}
	if httpx.NotSentLocally(err) {
		return diag(nil, "Request not sent: the audit log cannot be written", "%s: %v. %s", addr, err, httpx.NotSentAdvice)
	}
	return diag(nil, "Prakerja unreachable", "%s: %v. Check endpoint and the network, then try again.", addr, err)
}

// codeDiagnostic explains an answer with one of Prakerja's codes.
func codeDiagnostic(addr string, ae *httpx.APIError) providers.Diagnostic {
	summary := "Prakerja refused the request (" + ae.Code + ")"
	if adv, ok := codeAdvice[ae.Code]; ok {
		return diag(adv.path, summary, "%s: %v: %s.", addr, ae, adv.todo)
	}
	return diag(nil, summary, "%s: %v. This code is not in Prakerja's documented list; see the message, and contact Prakerja if it persists.", addr, ae)
}

// statusAdvice says what to do about an answer without a Prakerja code.
func statusAdvice(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "Prakerja is limiting the request rate: lower the provider's rate_limit and try again."
	case status >= 500:
		return "The Prakerja API, or a proxy in front of it, failed: try again later."
	case status == http.StatusNotFound:
		return "Check endpoint: it must be the base URL before /api/v1/."
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "Check client_code and access_token."
	}
	return "Try again later; if it persists, check endpoint."
}

func diag(path cty.Path, summary, format string, args ...any) providers.Diagnostic {
	return providers.Diagnostic{Severity: providers.Error, Summary: strings.TrimSpace(summary), Detail: fmt.Sprintf(format, args...), Path: path}
}
