package postgres_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/internal/httpx/httpxtest"
	"github.com/daftar-dev/daftar/state/postgres"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// Three workers (three handles, as three processes hold them) with 20
// goroutines each share one provider's rate limit of 30/s: the 90
// requests they send never get ahead, at the server, of the schedule of
// one every 1/30s from the start (see httpxtest.CheckSchedule), and every
// worker is served. The test ends when
// the 90 have arrived, however long that takes: a loaded machine makes
// them slower, never faster. That the handles share one slot sequence,
// rather than each taking its own, is shown without a clock by
// TestLimiterIsPerProviderAndWorkspace.
func TestLimiterSharedBetweenWorkers(t *testing.T) {
	const rate, workers, total = 30, 3, 90
	var meter httpxtest.RateMeter
	srv := httptest.NewServer(meter.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	schema := pgtest.Schema(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var served [workers]atomic.Int32
	for i := range workers {
		b := newBackend(t, schema, "default")
		c := &http.Client{Transport: httpx.NewLimited(http.DefaultTransport, b.Limiter("usapi", rate))}
		for range 20 {
			wg.Go(func() {
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
					resp, err := c.Do(req)
					if err != nil {
						if ctx.Err() == nil {
							t.Errorf("worker %d: %v", i, err)
						}
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					served[i].Add(1)
					if meter.Count() >= total {
						cancel()
					}
				}
			})
		}
	}
	wg.Wait()
	if got := meter.Count(); got < total {
		t.Fatalf("%d requests arrived, want %d", got, total)
	}
	// Slots are 1/rate apart on the database's clock, the first after the
	// start; each worker learns its slot one round trip later, and sends
	// no sooner.
	if msg := meter.CheckSchedule(start, time.Second/rate); msg != "" {
		t.Error(msg)
	}
	for i := range served {
		if served[i].Load() == 0 {
			t.Errorf("worker %d sent nothing", i)
		}
	}
}

// One provider's limiter in one workspace is shared by every handle on
// it, and by nothing else: with its next slot an hour away, a second
// handle on the same workspace and provider waits, while another provider
// and another workspace are served at once. No clock is read: an hour
// apart is no matter of the machine's load.
func TestLimiterIsPerProviderAndWorkspace(t *testing.T) {
	schema := pgtest.Schema(t)
	a, b := newBackend(t, schema, "a"), newBackend(t, schema, "b")
	if err := a.Limiter("usapi", 10).Wait(ctxT(t, time.Minute)); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctxT(t, time.Minute), pgtest.ConnStr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tag, err := conn.Exec(ctxT(t, time.Minute), "UPDATE "+pgx.Identifier{schema, "rate_limits"}.Sanitize()+
		" SET next_at = clock_timestamp() + interval '1 hour' WHERE workspace = 'a' AND provider = 'usapi'")
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("moving usapi's next slot in workspace a an hour on: %d rows, %v", tag.RowsAffected(), err)
	}
	for name, l := range map[string]*postgres.Limiter{"proofylink in workspace a": a.Limiter("proofylink", 10), "usapi in workspace b": b.Limiter("usapi", 10)} {
		if err := l.Wait(ctxT(t, time.Minute)); err != nil {
			t.Errorf("%s waited for another limiter's slot: %v", name, err)
		}
	}
	again := newBackend(t, schema, "a") // another handle, as another process holds
	if err := again.Limiter("usapi", 10).Wait(ctxT(t, time.Second)); err == nil {
		t.Error("a second handle on workspace a was given a usapi slot while the next one is an hour away: the limiter is not shared")
	}
	if a.Limiter("usapi", 0) != nil {
		t.Error("a rate of 0 must mean no limiter")
	}
}
