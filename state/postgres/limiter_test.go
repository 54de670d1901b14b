package postgres_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/httpx/httpxtest"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// Three workers (three handles, as three processes hold them) with 20
// goroutines each share one provider's rate limit of 30/s: no second at
// the server holds more than 30 requests (give or take the network's
// jitter), and together they reach 90% of 30/s (so each did not just take
// a third).
func TestLimiterSharedBetweenWorkers(t *testing.T) {
	const rate, workers, seconds = 30, 3, 3
	var meter httpxtest.RateMeter
	srv := httptest.NewServer(meter.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	schema := pgtest.Schema(t)
	ctx, cancel := context.WithTimeout(context.Background(), seconds*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		b := newBackend(t, schema, "default")
		c := &http.Client{Transport: httpx.NewLimited(http.DefaultTransport, b.Limiter("usapi", rate))}
		for range 20 {
			wg.Go(func() {
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
					if resp, err := c.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			})
		}
	}
	wg.Wait()
	// Slots are 1/rate apart on the database's clock; each worker learns
	// its slot one round trip later, so the network's jitter (a few
	// milliseconds) may bring two requests 1s apart into one window.
	if got := meter.MaxInWindow(time.Second); got > rate+rate/10 {
		t.Errorf("%d requests in one second, limit %d", got, rate)
	}
	if got := meter.Count(); got > rate*seconds+3 {
		t.Errorf("%d requests in %ds, limit %d/s", got, seconds, rate)
	}
	if got, min := meter.Count(), 67; got < min {
		t.Errorf("%d requests in %ds at %d/s: the workers did not use the shared rate (want at least %d, 90%% of 2.5 seconds)", got, seconds, rate, min)
	}
}

func TestLimiterIsPerProviderAndWorkspace(t *testing.T) {
	schema := pgtest.Schema(t)
	a, b := newBackend(t, schema, "a"), newBackend(t, schema, "b")
	start := time.Now()
	for range 5 {
		for _, l := range []interface{ Wait(context.Context) error }{a.Limiter("usapi", 10), a.Limiter("proofylink", 10), b.Limiter("usapi", 10)} {
			if err := l.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	// 5 slots of 100ms each per key: about 0.4s; sharing one key would take 1.4s.
	if took := time.Since(start); took > time.Second {
		t.Errorf("three independent limiters took %v for 5 requests each at 10/s", took)
	}
	if a.Limiter("usapi", 0) != nil {
		t.Error("a rate of 0 must mean no limiter")
	}
}
