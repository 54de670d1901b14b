package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/daftar-dev/daftar/internal/audit"
)

// UncertainError is returned for a request that is not safe to repeat
// (see WithIdempotent) when it may have been carried out although no
// answer says so: the request was sent, or may have been, and then the
// connection was cut, reset or timed out, or the answer's body broke off.
// The provider reports such a create as ApplyResponse.Uncertain and never
// sends it again itself.
type UncertainError struct {
	Method string
	// Path is the request's path without its query.
	Path string
	Err  error
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("%s %s may have been carried out: it was sent, but no complete answer came (%v)", e.Method, e.Path, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// UncertainStatus reports whether an answer with this status to a request
// that is not safe to repeat leaves its outcome unknown: 500, 502, 503 and
// 504 say the server or a gateway failed, possibly after acting; a redirect
// other than 301, 307 and 308 (which say "ask there instead") may be how a
// server answers a request it carried out (303 See Other, and 302 as web
// frameworks use it), and daftar does not follow it to find out.
func UncertainStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return false
	}
	return code >= 300 && code < 400
}

// IsUncertain reports whether a request's outcome is unknown: err is (or
// wraps) an *UncertainError, or resp answers a request that is not safe to
// repeat with an UncertainStatus.
func IsUncertain(err error, resp *http.Response) bool {
	var ue *UncertainError
	if errors.As(err, &ue) {
		return true
	}
	return resp != nil && resp.Request != nil && !safe(resp.Request) && UncertainStatus(resp.StatusCode)
}

// uncertainBody turns read errors of the answer to an unsafe request into
// *UncertainError: a 2xx whose body broke off was carried out, but the
// record it made is unknown.
type uncertainBody struct {
	io.ReadCloser
	method, path string
}

func (b *uncertainBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &UncertainError{Method: b.method, Path: b.path, Err: err}
	}
	return n, err
}

// NotSent reports whether err says the request was never sent: it waited
// for the rate limiter and its context ended or its stop came (WithStop),
// or the audit log could not record it. A create that failed so made
// nothing, certainly: a provider reports it as not uncertain.
func NotSent(err error) bool {
	return errors.Is(err, errNotSent) || errors.Is(err, audit.ErrNotSent)
}
