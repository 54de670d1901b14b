package proofylink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/daftar-dev/daftar/internal/httpx"
)

// maxBody bounds what daftar reads of one answer.
const maxBody = 32 << 20

// client sends requests to one Proofylink endpoint with its token, through
// the engine's *http.Client (which rate-limits, retries what is marked
// idempotent, and audits).
type client struct {
	base  string
	token string
	http  *http.Client
}

// get sends a GET (which the transport may retry) and decodes the answer's envelope.
func (c *client) get(ctx context.Context, path string, query url.Values) (*envelope, error) {
	return c.do(ctx, http.MethodGet, path, query, nil)
}

// post sends a JSON body once; it is never retried by the transport.
func (c *client) post(ctx context.Context, path string, body any) (*envelope, error) {
	return c.do(ctx, http.MethodPost, path, nil, body)
}

func (c *client) do(ctx context.Context, method, path string, query url.Values, body any) (*envelope, error) {
	req, err := c.newRequest(ctx, method, path, query, body)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &transportError{Method: method, Path: path, Err: err, Sent: false}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and the whole URL
		}
		return nil, &transportError{Method: method, Path: path, Err: err, Sent: !neverSent(err)}
	}
	defer resp.Body.Close()
	if re := httpx.Redirected(resp); re != nil {
		re.Path = path
		return nil, re
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &transportError{Method: method, Path: path, Status: resp.StatusCode,
			Err: &brokenBody{status: resp.StatusCode, err: err}, Sent: true}
	}
	if len(data) > maxBody {
		return nil, tooLarge(method, path, resp.StatusCode)
	}
	return interpret(method, path, resp.StatusCode, data)
}

// brokenBody is an answer whose body broke off: its text names the status
// and the innermost cause, not the layers that passed it on.
type brokenBody struct {
	status int
	err    error
}

func (b *brokenBody) Error() string {
	return fmt.Sprintf("the %d answer's body broke off (%v)", b.status, innermost(b.err))
}

func (b *brokenBody) Unwrap() error { return b.err }

// innermost is the error at the end of err's chain.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// tooLarge is the error of an answer longer than maxBody: never read in
// part as if it were whole.
func tooLarge(method, path string, code int) error {
	what := fmt.Sprintf("a body longer than %d MB, far more than any Proofylink answer", maxBody>>20)
	if code >= 200 && code < 300 {
		return &decodeError{Method: method, Path: path, StatusCode: code, Err: errors.New(what)}
	}
	return newAPIErr(method, path, code, what)
}

func (c *client) newRequest(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the %s %s body: %w", method, path, err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// interpret turns a complete answer into an envelope or a typed error.
func interpret(method, path string, code int, data []byte) (*envelope, error) {
	env, err := decodeEnvelope(data)
	success := code >= 200 && code < 300
	switch {
	case err != nil && success:
		return nil, &decodeError{Method: method, Path: path, StatusCode: code, Err: err}
	case err != nil:
		return nil, newAPIErr(method, path, code, describeBody(data))
	case !success || env.failed():
		return nil, newAPIError(method, path, code, env)
	}
	env.code = code
	return env, nil
}

func newAPIError(method, path string, code int, env *envelope) *apiError {
	msg := redact(env.Message.str())
	if msg == "" {
		msg = "(no message)"
	}
	ae := newAPIErr(method, path, code, msg)
	ae.FieldErrors = env.fieldErrors()
	ae.bodyStatus = env.Status.str()
	return ae
}
