package prakerja

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/daftar-dev/daftar/internal/httpx"
)

// pathUserProfile is the profile endpoint, after the endpoint.
const pathUserProfile = "/api/v1/resource/user_profile"

// maxAnswerBytes bounds what is read of an answer.
const maxAnswerBytes = 1 << 20

// client makes Prakerja requests through the engine's *http.Client.
type client struct {
	base       *url.URL
	http       *http.Client
	clientCode string
	// signKey signs the partner endpoints; empty when not configured.
	signKey string
}

// endpoint answers the full URL of an API path.
func (c *client) endpoint(path string) string {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	return u.String()
}

// shownURL is endpoint(path) without a password, for messages.
func (c *client) shownURL(path string) string {
	u, err := url.Parse(c.endpoint(path))
	if err != nil {
		return path
	}
	return u.Redacted()
}

// userProfile is GET /api/v1/resource/user_profile with the access token
// in Authorization, no Bearer prefix.
func (c *client) userProfile(ctx context.Context, accessToken string) (map[string]*string, error) {
	req, err := http.NewRequestWithContext(httpx.WithIdempotent(ctx), http.MethodGet, c.endpoint(pathUserProfile), nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", c.shownURL(pathUserProfile), err)
	}
	req.Header.Set("X-Client-Id", c.clientCode)
	req.Header.Set("Authorization", accessToken)
	req.Header.Set("Accept", "application/json")
	a, err := c.do(req, pathUserProfile)
	if err != nil {
		return nil, err
	}
	return a.profile()
}

// answer is a response read in full, or as far as the connection let us.
type answer struct {
	method, path string
	status       int
	contentType  string
	body         []byte
	cut          error
}

// do sends req and reads the answer.
func (c *client) do(req *http.Request, path string) (*answer, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s got no answer: %w", req.Method, c.shownURL(path), cleanURLError(err))
	}
	defer resp.Body.Close()
	if re := httpx.Redirected(resp); re != nil {
		return nil, re // never followed: the access token would go with it
	}
	a := &answer{method: req.Method, path: req.URL.Path, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type")}
	a.body, a.cut = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if len(a.body) > maxAnswerBytes {
		return nil, fmt.Errorf("%s %s answered %d with a body longer than %d bytes, far more than any Prakerja answer; daftar does not read part of it as if it were whole",
			req.Method, req.URL.Path, resp.StatusCode, maxAnswerBytes)
	}
	return a, nil
}

// cleanURLError drops the *url.Error wrapper, whose text repeats the URL.
func cleanURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// envelope is either shape the documents show: the success envelope
// {message, success, errorCode, data} and the error body {code, message,
// success}.
type envelope struct {
	Message   string                     `json:"message"`
	Success   *bool                      `json:"success"`
	ErrorCode any                        `json:"errorCode"`
	Code      string                     `json:"code"`
	Data      map[string]json.RawMessage `json:"data"`
}

// code answers the error code of either shape, "" when there is none
// ("0" is the success envelope's "no error").
func (e *envelope) code() string {
	if e.Code != "" {
		return e.Code
	}
	switch c := e.ErrorCode.(type) {
	case string:
		if c != "0" {
			return c
		}
	case json.Number:
		if c.String() != "0" {
			return c.String()
		}
	}
	return ""
}

// profile reads the profile's fields from a success envelope.
func (a *answer) profile() (map[string]*string, error) {
	var e envelope
	if err := a.decode(&e); err != nil {
		return nil, err
	}
	if code := e.code(); code != "" || (e.Success != nil && !*e.Success) || a.status < 200 || a.status > 299 {
		return nil, &httpx.APIError{Provider: "prakerja", Method: a.method, Path: a.path, Status: a.status, Code: code, Message: e.Message}
	}
	if e.Data == nil {
		return nil, a.bad("the answer has no data")
	}
	return profileFrom(e.Data), nil
}

// decode reads the body as JSON, or says what was wrong with it.
func (a *answer) decode(v any) error {
	if a.cut != nil {
		return a.bad(fmt.Sprintf("the body was cut short after %d bytes (%v)", len(a.body), a.cut))
	}
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return a.bad(fmt.Sprintf("the body is %d bytes of %s, not the JSON the API documents", len(a.body), mediaType(a.contentType)))
	}
	return nil
}

func (a *answer) bad(problem string) *badAnswer {
	return &badAnswer{method: a.method, path: a.path, status: a.status, problem: problem}
}

// profileFrom answers each documented field as a string (a number is
// written in decimal), nil when absent or null.
func profileFrom(data map[string]json.RawMessage) map[string]*string {
	out := make(map[string]*string, len(profileFields))
	for _, name := range profileFields {
		out[name] = jsonString(data[name])
	}
	return out
}

func jsonString(raw json.RawMessage) *string {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return &s
	}
	t := strings.TrimSpace(string(raw))
	return &t
}
