package usapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
)

// maxAnswerBytes bounds what is read of an answer; USAPI's are a few
// hundred bytes. A longer answer is not USAPI's: it is reported as such,
// never read in part as if it were whole.
const maxAnswerBytes = 1 << 20

// client makes USAPI requests through the engine's *http.Client.
type client struct {
	base      *url.URL
	http      *http.Client
	basicAuth string
}

// answer is a response read in full (or as far as the connection let us).
type answer struct {
	// method and path (without the query) name the request in messages.
	method, path string
	status       int
	contentType  string
	body         []byte
	// cut is set when the body ended before its announced end.
	cut error
	// tooLarge is set when the body is longer than maxAnswerBytes.
	tooLarge bool
	// redirect is set for a 3xx answer, which is never followed.
	redirect *httpx.RedirectError
}

// transportError is a request that got no answer.
type transportError struct {
	method, url string
	err         error
	// sent is false only when the request certainly never reached the
	// server (the connection could not be opened). The transport layers
	// report a request that was sent as *httpx.UncertainError; without
	// them, any other failure may have followed the sending.
	sent bool
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s got no answer: %v", e.method, e.url, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// endpoint answers the full URL of path, after the base URL's own path.
func (c *client) endpoint(path string) string {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	return u.String()
}

// shownURL is endpoint(path) without a password, for messages.
func (c *client) shownURL(path string) string {
	return redactURL(c.endpoint(path))
}

// post sends body to path and reads the answer.
func (c *client) post(ctx context.Context, path, authorization, contentType string, body []byte) (*answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(path), bytes.NewReader(body))
	if err != nil {
		return nil, &transportError{method: http.MethodPost, url: c.shownURL(path), err: err}
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &transportError{method: http.MethodPost, url: c.shownURL(path), err: cleanURLError(err), sent: !neverSent(err)}
	}
	defer resp.Body.Close()
	a := &answer{method: http.MethodPost, path: req.URL.Path, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"),
		redirect: httpx.Redirected(resp)}
	a.body, a.cut = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if len(a.body) > maxAnswerBytes {
		clear(a.body)
		a.body, a.tooLarge = a.body[:0], true
	}
	return a, nil
}

// postJSON sends v as JSON.
func (c *client) postJSON(ctx context.Context, path, authorization string, v any) (*answer, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding the body of %s: %w", path, err)
	}
	return c.post(ctx, path, authorization, "application/json", body)
}

// neverSent reports whether err shows that the request never left: the
// transport refused to send it (httpx.NotSent: an interrupted apply's
// queued request), or the connection could not be opened (refused,
// unreachable, unknown host).
func neverSent(err error) bool {
	if httpx.NotSent(err) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// cleanURLError drops the *url.Error wrapper, whose text repeats the URL
// (with any password in it).
func cleanURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
