package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// waitLimiter is a shared Limiter that never grants: Wait returns with
// its context.
type waitLimiter struct{}

func (waitLimiter) Wait(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

// A request still queued at the rate limiter when its stop comes is never
// sent, and is not uncertain: an interrupted apply sends nothing more.
func TestStopKeepsQueuedRequestsUnsent(t *testing.T) {
	limiters := map[string]func(http.RoundTripper) http.RoundTripper{
		"this process": func(next http.RoundTripper) http.RoundTripper { return NewRateLimited(next, 1) },
		"shared":       func(next http.RoundTripper) http.RoundTripper { return NewLimited(next, waitLimiter{}) },
	}
	for name, limited := range limiters {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
			defer srv.Close()
			c := &http.Client{Transport: NewRetrying(limited(newTransport(time.Second)), fastPolicy)}
			if name == "this process" { // take the only permission of this second
				resp, err := c.Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			sent := hits.Load()
			stop, interrupt := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, interrupt)
			req, _ := http.NewRequestWithContext(WithStop(context.Background(), stop), "POST", srv.URL+"/signup", http.NoBody)
			_, err := c.Do(req)
			if !errors.Is(err, errNotSent) || !errors.Is(err, errStopped) || IsUncertain(err, nil) {
				t.Fatalf("error %v: want not sent, stopped, certain", err)
			}
			if hits.Load() != sent {
				t.Error("a stopped request reached the server")
			}
		})
	}
}

// A retry's wait ends with the stop, and nothing more is sent; a request
// already sent runs to its answer.
func TestStopEndsRetriesNotRequestsInFlight(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		time.Sleep(100 * time.Millisecond) // the stop comes while this one is in flight
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	slow := RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}
	c := &http.Client{Transport: NewRetrying(newTransport(time.Second), slow)}

	stop, interrupt := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, interrupt)
	req, _ := http.NewRequestWithContext(WithStop(context.Background(), stop), "GET", srv.URL, nil)
	if _, err := c.Do(req); !errors.Is(err, errStopped) || hits.Load() != 1 {
		t.Fatalf("error %v after %d requests: want the retry's wait stopped after one", err, hits.Load())
	}

	stop, interrupt = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, interrupt)
	req, _ = http.NewRequestWithContext(WithStop(context.Background(), stop), "GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("a request in flight must run to its answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body %q", body)
	}
}
