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

// signalLimiter tells on waiting when a request starts to wait for wait.
type signalLimiter struct {
	wait    func(context.Context) error
	waiting chan<- struct{}
}

func (l signalLimiter) Wait(ctx context.Context) error {
	l.waiting <- struct{}{}
	return l.wait(ctx)
}

// A request still queued at the rate limiter when its stop comes is never
// sent, and is not uncertain: an interrupted apply sends nothing more.
func TestStopKeepsQueuedRequestsUnsent(t *testing.T) {
	limiters := map[string]func(next http.RoundTripper, waiting chan<- struct{}) http.RoundTripper{
		"this process": func(next http.RoundTripper, waiting chan<- struct{}) http.RoundTripper {
			own := NewRateLimited(next, 1).(*rateLimited)
			return NewLimited(next, signalLimiter{own.wait, waiting})
		},
		"shared": func(next http.RoundTripper, waiting chan<- struct{}) http.RoundTripper {
			return NewLimited(next, signalLimiter{waitLimiter{}.Wait, waiting})
		},
	}
	for name, limited := range limiters {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
			defer srv.Close()
			waiting := make(chan struct{}, 1)
			c := &http.Client{Transport: NewRetrying(limited(newTransport(time.Second), waiting), fastPolicy)}
			if name == "this process" { // take the only permission of this second
				resp, err := c.Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				<-waiting
			}
			sent := hits.Load()
			stop, interrupt := context.WithCancel(context.Background())
			go func() {
				<-waiting // the request is queued: now the stop comes
				interrupt()
			}()
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
	inFlight, answer := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		close(inFlight)
		<-answer // the stop comes while this one is in flight
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	slow := RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}
	rt := NewRetrying(newTransport(time.Minute), slow).(*retrying)
	c := &http.Client{Transport: rt}

	// The stop comes as the client starts to wait an hour to retry the 503.
	stop, interrupt := context.WithCancel(context.Background())
	rt.waiting = interrupt
	req, _ := http.NewRequestWithContext(WithStop(context.Background(), stop), "GET", srv.URL, nil)
	if _, err := c.Do(req); !errors.Is(err, errStopped) || hits.Load() != 1 {
		t.Fatalf("error %v after %d requests: want the retry's wait stopped after one", err, hits.Load())
	}

	stop, interrupt = context.WithCancel(context.Background())
	go func() {
		<-inFlight
		interrupt()
		close(answer)
	}()
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
	if stop.Err() == nil {
		t.Fatal("the stop did not come while the request was in flight")
	}
}
