package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// script is a server that answers its nth request with steps[n], the
// last step repeating; it keeps the bodies it received.
type script struct {
	steps  []string
	hits   atomic.Int32
	mu     sync.Mutex
	bodies []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1)) - 1
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.mu.Unlock()
	step := s.steps[min(n, len(s.steps)-1)]
	switch step {
	case "cut", "reset":
		conn, _, _ := w.(http.Hijacker).Hijack()
		if step == "reset" {
			conn.(*net.TCPConn).SetLinger(0)
		}
		conn.Close()
	case "slow":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	case "short":
		w.Header().Set("Content-Length", "50")
		io.WriteString(w, `{"id":`)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	case "429":
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	case "ok":
		io.WriteString(w, `{"ok":true}`)
	default: // a status code
		var code int
		for _, c := range step {
			code = code*10 + int(c-'0')
		}
		w.WriteHeader(code)
	}
}

var fastPolicy = RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}

func testClient(cfg ClientConfig) *http.Client {
	if cfg.Retry == (RetryPolicy{}) {
		cfg.Retry = fastPolicy
	}
	if cfg.Base == nil {
		cfg.Base = newTransport(5 * time.Second)
	}
	return NewClient(cfg)
}

func TestRetryClasses(t *testing.T) {
	tests := map[string]struct {
		method     string
		idempotent bool
		steps      []string
		wantHits   int
		wantStatus int // 0: an error
		uncertain  bool
	}{
		"GET 500":                       {"GET", false, []string{"500", "ok"}, 2, 200, false},
		"GET 502":                       {"GET", false, []string{"502", "ok"}, 2, 200, false},
		"GET 503":                       {"GET", false, []string{"503", "503", "ok"}, 3, 200, false},
		"GET 504":                       {"GET", false, []string{"504", "ok"}, 2, 200, false},
		"GET 408":                       {"GET", false, []string{"408", "ok"}, 2, 200, false},
		"GET 429 Retry-After":           {"GET", false, []string{"429", "ok"}, 2, 200, false},
		"GET connection reset":          {"GET", false, []string{"reset", "ok"}, 2, 200, false},
		"GET connection cut":            {"GET", false, []string{"cut", "ok"}, 2, 200, false},
		"GET 400 is permanent":          {"GET", false, []string{"400", "ok"}, 1, 400, false},
		"GET 404 is permanent":          {"GET", false, []string{"404", "ok"}, 1, 404, false},
		"GET gives up after 5":          {"GET", false, []string{"500"}, 5, 500, false},
		"GET cut every time":            {"GET", false, []string{"cut"}, 5, 0, false},
		"POST 500 not retried":          {"POST", false, []string{"500", "ok"}, 1, 500, true},
		"POST 503 not retried":          {"POST", false, []string{"503", "ok"}, 1, 503, true},
		"POST 408 not retried":          {"POST", false, []string{"408", "ok"}, 1, 408, false},
		"POST cut after sending":        {"POST", false, []string{"cut", "ok"}, 1, 0, true},
		"POST reset after sending":      {"POST", false, []string{"reset", "ok"}, 1, 0, true},
		"POST 429 retried":              {"POST", false, []string{"429", "429", "ok"}, 3, 200, false},
		"POST 400 not retried":          {"POST", false, []string{"400", "ok"}, 1, 400, false},
		"idempotent POST 500":           {"POST", true, []string{"500", "ok"}, 2, 200, false},
		"idempotent POST cut":           {"POST", true, []string{"cut", "ok"}, 2, 200, false},
		"idempotent POST gives up":      {"POST", true, []string{"502"}, 5, 502, false},
		"PUT is not assumed idempotent": {"PUT", false, []string{"500", "ok"}, 1, 500, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := &script{steps: tc.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			ctx := context.Background()
			if tc.idempotent {
				ctx = WithIdempotent(ctx)
			}
			const body = `{"username":"ani"}`
			req, _ := http.NewRequestWithContext(ctx, tc.method, srv.URL+"/signup", strings.NewReader(body))
			resp, err := testClient(ClientConfig{}).Do(req)
			if resp != nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if got := int(s.hits.Load()); got != tc.wantHits {
				t.Errorf("server saw %d requests, want %d", got, tc.wantHits)
			}
			switch {
			case tc.wantStatus == 0 && err == nil:
				t.Errorf("status %d, want an error", resp.StatusCode)
			case tc.wantStatus != 0 && err != nil:
				t.Errorf("error %v, want status %d", err, tc.wantStatus)
			case tc.wantStatus != 0 && resp.StatusCode != tc.wantStatus:
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if got := IsUncertain(err, resp); got != tc.uncertain {
				t.Errorf("IsUncertain = %v (err %v), want %v", got, err, tc.uncertain)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			for i, b := range s.bodies {
				if b != body {
					t.Errorf("attempt %d sent body %q, want %q", i+1, b, body)
				}
			}
		})
	}
}

func TestPOSTBodyCutIsUncertain(t *testing.T) {
	s := &script{steps: []string{"short"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := testClient(ClientConfig{}).Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	if !IsUncertain(err, nil) {
		t.Errorf("reading a cut answer to a POST: %v, want an *UncertainError", err)
	}
}

// refuseFirst sends the first request to a closed port, the others to
// the server: a real dial error.
type refuseFirst struct {
	next   http.RoundTripper
	closed string
	always bool
	calls  atomic.Int32
}

func (r *refuseFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.calls.Add(1) == 1 || r.always {
		req = req.Clone(req.Context())
		req.URL.Host = r.closed
	}
	return r.next.RoundTrip(req)
}

func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestPOSTRetriedWhenDialRefused(t *testing.T) {
	s := &script{steps: []string{"ok"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	base := &refuseFirst{next: newTransport(time.Second), closed: closedAddr(t)}
	budget := NewBudget(10)
	resp, err := testClient(ClientConfig{Base: base, Budget: budget}).Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if base.calls.Load() != 2 || s.hits.Load() != 1 || budget.Used() != 1 {
		t.Errorf("attempts %d, server hits %d, retries %d; want 2, 1, 1", base.calls.Load(), s.hits.Load(), budget.Used())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bodies[0] != `{"a":1}` {
		t.Errorf("body = %q", s.bodies[0])
	}
}

func TestPOSTRefusedIsCertain(t *testing.T) {
	base := &refuseFirst{next: newTransport(time.Second), closed: closedAddr(t), always: true}
	_, err := testClient(ClientConfig{Base: base}).Post("http://example.invalid/x", "application/json", strings.NewReader(`{}`))
	if err == nil || IsUncertain(err, nil) {
		t.Fatalf("error = %v, want a certain failure", err)
	}
	if base.calls.Load() != 5 {
		t.Errorf("%d attempts, want 5", base.calls.Load())
	}
}

func TestBudget(t *testing.T) {
	s := &script{steps: []string{"500"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	budget := NewBudget(3)
	c := testClient(ClientConfig{Budget: budget})
	for range 3 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// 1st: 1 + 3 retries, then one denied; 2nd and 3rd: 1 each, one denied each.
	if s.hits.Load() != 6 || budget.Used() != 3 || budget.Denied() != 3 {
		t.Errorf("hits %d, used %d, denied %d; want 6, 3, 3", s.hits.Load(), budget.Used(), budget.Denied())
	}
	var none *Budget
	if !none.take() || none.Used() != 0 {
		t.Error("a nil Budget is not unlimited")
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	c := testClient(ClientConfig{Retry: RetryPolicy{MaxRetryAfter: time.Minute}})
	_, err := c.Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Run("GET retried", func(t *testing.T) {
		s := &script{steps: []string{"slow", "slow", "ok"}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		resp, err := testClient(ClientConfig{RequestTimeout: 100 * time.Millisecond}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if s.hits.Load() != 3 {
			t.Errorf("%d requests, want 3", s.hits.Load())
		}
	})
	t.Run("POST uncertain", func(t *testing.T) {
		s := &script{steps: []string{"slow", "ok"}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		_, err := testClient(ClientConfig{RequestTimeout: 100 * time.Millisecond}).Post(srv.URL, "text/plain", strings.NewReader("x"))
		if !IsUncertain(err, nil) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want an uncertain deadline", err)
		}
		if s.hits.Load() != 1 {
			t.Errorf("%d requests, want 1", s.hits.Load())
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC)
	p := RetryPolicy{MaxRetryAfter: 30 * time.Second}.withDefaults()
	tests := map[string]struct {
		status int
		header string
		want   time.Duration
		ok     bool
	}{
		"seconds":       {429, "7", 7 * time.Second, true},
		"date":          {503, now.Add(12 * time.Second).Format(http.TimeFormat), 12 * time.Second, true},
		"past date":     {429, now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		"capped":        {429, "3600", 30 * time.Second, true},
		"absent":        {429, "", 0, false},
		"garbage":       {429, "soon", 0, false},
		"not 429 / 503": {500, "7", 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
			if tc.header != "" {
				resp.Header.Set("Retry-After", tc.header)
			}
			got, ok := p.retryAfter(resp, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("retryAfter = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	for n, ceiling := range map[int]time.Duration{1: 200 * time.Millisecond, 3: 800 * time.Millisecond, 10: 10 * time.Second, 80: 10 * time.Second} {
		for range 100 {
			if d := p.backoff(n); d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", n, d, ceiling)
			}
		}
	}
}

func TestAPIError(t *testing.T) {
	tests := map[string]struct {
		err  APIError
		want string
	}{
		"message": {APIError{Method: "POST", Path: "/signup", Status: 400, Message: "Username already exist"},
			"POST /signup answered 400 Bad Request: Username already exist"},
		"code": {APIError{Method: "GET", Path: "/api/v1/resource/user_profile", Status: 401, Code: "ERROAUTH4051", Message: "Token expired"},
			"GET /api/v1/resource/user_profile answered 401 Unauthorized: ERROAUTH4051 Token expired"},
		"bare": {APIError{Method: "GET", Path: "/x", Status: 500}, "GET /x answered 500 Internal Server Error"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
	if (&APIError{Status: 429}).Permanent() || !(&APIError{Status: 409}).Permanent() {
		t.Error("Permanent is wrong for 429 or 409")
	}
}
