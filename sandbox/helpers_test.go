package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an Options.Now that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 2, 11, 10, 27, 41, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a sandbox behind a real HTTP server.
type harness struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server // nil when the sandbox is served elsewhere
	base  string
	clnt  *http.Client
	clock *fakeClock
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	h := &harness{t: t}
	if opts.Now == nil {
		h.clock = newFakeClock()
		opts.Now = h.clock.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	h.ts = httptest.NewServer(srv.Handler())
	h.base, h.clnt = h.ts.URL, h.ts.Client()
	t.Cleanup(func() {
		h.ts.Close()
		srv.Close()
	})
	return h
}

// response is an answer read in full.
type response struct {
	status int
	body   string
	header http.Header
}

// do sends a request; headers alternate name, value.
func (h *harness) do(method, path, body string, headers ...string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.base+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return h.send(req)
}

func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	res, err := h.clnt.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return response{res.StatusCode, string(data), res.Header}
}

// expect checks the status and the exact (compact) body.
func (r response) expect(t testing.TB, status int, body string) {
	t.Helper()
	if r.status != status || r.body != compact(t, body) {
		t.Errorf("got %d %s\nwant %d %s", r.status, r.body, status, compact(t, body))
	}
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func compact(t testing.TB, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("bad JSON in test: %v\n%s", err, s)
	}
	return buf.String()
}

// state reads GET /_sandbox/state.
func (h *harness) state() stateView {
	h.t.Helper()
	r := h.do("GET", "/_sandbox/state", "")
	var st stateView
	if err := json.Unmarshal([]byte(r.body), &st); err != nil {
		h.t.Fatalf("state %q: %v", r.body, err)
	}
	return st
}

// multipartBody builds a multipart body: fields, then files.
func multipartBody(t testing.TB, fields map[string]string, files map[string][]byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for k, data := range files {
		fw, err := mw.CreateFormFile(k, k+".bin")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func (h *harness) postMultipart(path, body, contentType string, headers ...string) response {
	h.t.Helper()
	req, err := http.NewRequest("POST", h.base+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return h.send(req)
}

// jsonBody marshals v for a request.
func jsonBody(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var ktpImage = base64.StdEncoding.EncodeToString([]byte("\xff\xd8\xff\xe0 fake jpeg"))

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func httpGet(url string) (int, error) {
	res, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

var httpClient http.Client
