package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx/httpxtest"
)

// TestRateLimitFigure: 50 goroutines sending as fast as 20/s lets them
// never get ahead of the schedule of one request every 50ms at the server,
// over 60 requests (three seconds' worth; see httpxtest.CheckSchedule). A
// loaded machine can only make them slower, so the test asserts no lower
// bound on the pace: it ends when the 60 have arrived, however long that
// takes.
func TestRateLimitFigure(t *testing.T) {
	const rate, total = 20, 60
	var meter httpxtest.RateMeter
	srv := httptest.NewServer(meter.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	c := &http.Client{Transport: NewRateLimited(newTransport(time.Minute), rate)}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
				resp, err := c.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("request: %v", err)
					}
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if meter.Count() >= total {
					cancel()
				}
			}
		})
	}
	wg.Wait()
	if got := meter.Count(); got < total {
		t.Fatalf("%d requests arrived, want %d", got, total)
	}
	if msg := meter.CheckSchedule(start, time.Second/rate); msg != "" {
		t.Error(msg)
	}
}

func TestRateLimitWaitEndsWithContext(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	c := &http.Client{Transport: NewRateLimited(http.DefaultTransport, 1)}
	resp, err := c.Get(srv.URL) // takes the first permission
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL, http.NoBody)
	_, err = c.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the context's deadline", err)
	}
	if IsUncertain(err, nil) {
		t.Error("a request cancelled while waiting for the limiter is reported uncertain")
	}
	if hits != 1 {
		t.Errorf("server saw %d requests, want 1", hits)
	}
}

func TestRateLimitUnlimited(t *testing.T) {
	base := http.DefaultTransport
	if NewRateLimited(base, 0) != base {
		t.Error("perSecond 0 did not return the next transport as is")
	}
}

// pacedClock is a clock that never moves: the limiter's Take then only
// reserves permissions, one after the other, and returns their times.
type pacedClock struct{ now time.Time }

func (c pacedClock) Now() time.Time      { return c.now }
func (c pacedClock) Sleep(time.Duration) {}

// TestRateLimitNeverExceedsAnySecond: however the rate divides a second,
// perSecond+1 consecutive permissions span at least a whole second, so no
// half-open second [t, t+1s) holds more than perSecond of them.
func TestRateLimitNeverExceedsAnySecond(t *testing.T) {
	for _, rate := range []int{1, 3, 7, 10, 20, 30, 97, 1000} {
		lim := newPace(rate, pacedClock{now: time.Unix(1_700_000_000, 0)})
		times := make([]time.Time, 3*rate+1)
		for i := range times {
			times[i] = lim.Take()
		}
		for i := rate; i < len(times); i++ {
			if span := times[i].Sub(times[i-rate]); span < time.Second {
				t.Fatalf("rate %d: permissions %d and %d are %s apart: %d permissions in one second", rate, i-rate, i, span, rate+1)
			}
		}
		if span := times[len(times)-1].Sub(times[0]); span > 3*time.Second+time.Duration(3*rate) {
			t.Errorf("rate %d: %d permissions span %s, want about 3s: the pace must stay at the rate", rate, len(times), span)
		}
	}
}
