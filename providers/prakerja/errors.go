package prakerja

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/daftar-dev/daftar/providers"
)

// apiError is an answer other than the one hoped for. It carries the
// status, Prakerja's own code and message, never the body.
type apiError struct {
	url     string // "GET https://..."
	status  int
	code    string
	message string
	problem string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%s answered %d %s", e.url, e.status, http.StatusText(e.status))
	if e.code != "" {
		s += " " + e.code
	}
	if e.message != "" {
		s += fmt.Sprintf(" %q", e.message)
	}
	if e.problem != "" {
		s += " (" + e.problem + ")"
	}
	return s
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
	var ae *apiError
	if !errors.As(err, &ae) {
		return diag(nil, "Prakerja unreachable", "%s: %v. Check endpoint and the network, then try again.", addr, err)
	}
	if adv, ok := codeAdvice[ae.code]; ok {
		return diag(adv.path, "Prakerja refused the request ("+ae.code+")", "%s: %v: %s.", addr, ae, adv.todo)
	}
	if ae.code != "" {
		return diag(nil, "Prakerja refused the request ("+ae.code+")", "%s: %v. This code is not in Prakerja's documented list; see the message, and contact Prakerja if it persists.", addr, ae)
	}
	return diag(nil, "Unexpected answer from Prakerja", "%s: %v. %s", addr, ae, statusAdvice(ae.status))
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
