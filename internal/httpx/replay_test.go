package httpx

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daftar-dev/daftar/internal/audit"
)

type connCount struct{}

// reuseBreaker is a server that answers the first request of each
// connection and, on any later request of that connection, reads it and
// closes the connection without an answer: a keep-alive connection that
// breaks once reused. It counts the requests it received.
func reuseBreaker(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var received atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		io.Copy(io.Discard, r.Body)
		if r.Context().Value(connCount{}).(*atomic.Int32).Add(1) > 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connCount{}, new(atomic.Int32))
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &received
}

// Every request that reaches the server is a line of the audit log and a
// retry of the budget: net/http's silent replay of a GET on a reused
// connection that broke does not happen below the layers.
func TestNoSilentReplayOnBrokenReusedConnection(t *testing.T) {
	srv, received := reuseBreaker(t)
	path := filepath.Join(t.TempDir(), audit.FileName)
	log, err := audit.Open(path, audit.Options{RunID: "r1", Command: "apply"})
	if err != nil {
		t.Fatal(err)
	}
	budget := NewBudget(100)
	c := NewClient(ClientConfig{Audit: log, Provider: "proofylink", Budget: budget, Retry: fastPolicy, RatePerSecond: 1000})
	const reads = 6
	for i := range reads {
		resp, err := c.Get(srv.URL + "/api/v1/external/verifications")
		if err != nil {
			t.Fatalf("GET %d: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if got := int(received.Load()); got != len(lines) || got <= reads {
		t.Fatalf("the server received %d requests, the audit log has %d lines (for %d reads): each request sent must be audited, and some must have met a broken connection",
			got, len(lines), reads)
	}
	if got, want := budget.Used(), int(received.Load())-reads; got != want {
		t.Errorf("the budget counted %d retries, want %d (every request beyond the first of each read)", got, want)
	}
	var broken int
	for _, line := range lines {
		var m map[string]any
		json.Unmarshal([]byte(line), &m)
		if m["outcome"] != "ok" {
			broken++
		}
	}
	if broken != int(received.Load())-reads {
		t.Errorf("%d audit lines say the attempt failed, want %d:\n%s", broken, int(received.Load())-reads, raw)
	}
}

// The bodyless request noReplay sends is an ordinary GET on the wire: no
// body, no Content-Length, no Transfer-Encoding.
func TestNoReplayGETIsPlain(t *testing.T) {
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if len(b) != 0 {
			t.Errorf("GET body %q", b)
		}
		got <- r
	}))
	defer srv.Close()
	resp, err := testClient(ClientConfig{}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-got
	if r.ContentLength != 0 || len(r.TransferEncoding) != 0 || r.Header.Get("Content-Length") != "" {
		t.Errorf("GET sent with length %d, transfer-encoding %v", r.ContentLength, r.TransferEncoding)
	}
}

// A redirect is never followed: the 3xx answer comes back, and nothing is
// sent to the place it points to.
func TestRedirectsNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	for _, code := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/steal?token=abc", code)
		}))
		for _, method := range []string{"GET", "POST"} {
			req, _ := http.NewRequest(method, srv.URL+"/signup", strings.NewReader(`{"password":"x"}`))
			resp, err := testClient(ClientConfig{}).Do(req)
			if err != nil {
				t.Fatalf("%s answered %d: %v", method, code, err)
			}
			resp.Body.Close()
			re := Redirected(resp)
			if re == nil || re.Status != code || re.Location != other.URL+"/steal?..." {
				t.Fatalf("%s %d: Redirected = %+v", method, code, re)
			}
			if msg := re.Error(); !strings.Contains(msg, method+" /signup answered") || strings.Contains(msg, "abc") {
				t.Errorf("message %q", msg)
			}
		}
		srv.Close()
	}
	if elsewhere.Load() != 0 {
		t.Errorf("%d requests went to the redirect's host", elsewhere.Load())
	}
}

func TestRedirectUncertainty(t *testing.T) {
	for code, want := range map[int]bool{301: false, 302: true, 303: true, 307: false, 308: false, 300: true, 500: true, 404: false} {
		if got := UncertainStatus(code); got != want {
			t.Errorf("UncertainStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

// A bodyless POST is left as it is: net/http never replays a POST, and an
// empty body would send it chunked.
func TestNoReplayLeavesPOSTAlone(t *testing.T) {
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r }))
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL, http.NoBody)
	resp, err := testClient(ClientConfig{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := <-got; len(r.TransferEncoding) != 0 || r.ContentLength != 0 {
		t.Errorf("POST sent with length %d, transfer-encoding %v", r.ContentLength, r.TransferEncoding)
	}
}
