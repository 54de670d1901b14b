package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/ratelimit"
)

// testFence is a Fence whose answers the test sets, and which records
// the resources it was asked about.
type testFence struct {
	lost, check error
	mu          sync.Mutex
	asked       []string
}

func (f *testFence) Lost() error { return f.lost }

func (f *testFence) Check(_ context.Context, resource string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, resource)
	return f.check
}

// A request that is not safe to repeat is sent only once the fence
// proved the change is still owned, asked for the request's resource; a
// read needs no proof, unless the ownership is known lost, when nothing
// is sent at all. A fenced request is not sent, certainly, and not
// retried.
func TestFenceHoldsRequests(t *testing.T) {
	lost := errors.New("the state lock was lost")
	cases := map[string]struct {
		method    string
		fence     *testFence
		wantSent  bool
		wantAsked []string
	}{
		"create, owned":         {"POST", &testFence{}, true, []string{"usapi_account.a"}},
		"create, not owned":     {"POST", &testFence{check: lost}, false, []string{"usapi_account.a"}},
		"create, lost":          {"POST", &testFence{lost: lost}, false, nil},
		"read, not owned":       {"GET", &testFence{check: lost}, true, nil},
		"read, lock lost":       {"GET", &testFence{lost: lost}, false, nil},
		"idempotent, not owned": {"PUT", &testFence{check: lost}, true, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := NewClient(ClientConfig{RatePerSecond: 100, Retry: fastPolicy})
			ctx := WithFence(WithResource(context.Background(), "usapi_account.a"), tc.fence)
			if tc.method == "PUT" {
				ctx = WithIdempotent(ctx)
			}
			sendHeld(t, c, ctx, tc.method, tc.wantSent)
			if len(tc.fence.asked) != len(tc.wantAsked) || (len(tc.wantAsked) > 0 && tc.fence.asked[0] != tc.wantAsked[0]) {
				t.Errorf("the fence was asked about %q, want %q", tc.fence.asked, tc.wantAsked)
			}
		})
	}
}

// sendHeld sends one request through c with ctx to a server that counts
// what it receives, and checks that it arrived once when wantSent, and
// else that it never did and failed as held by the fence layer: not sent,
// certainly, and not retried.
func sendHeld(t *testing.T, c *http.Client, ctx context.Context, method string, wantSent bool) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	req, _ := http.NewRequestWithContext(ctx, method, srv.URL+"/signup", http.NoBody)
	resp, err := c.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	if got := hits.Load() == 1; got != wantSent || hits.Load() > 1 {
		t.Fatalf("the server got %d requests (err %v), want sent = %v", hits.Load(), err, wantSent)
	}
	if !wantSent && (!IsFenced(err) || !NotSent(err) || IsUncertain(err, nil)) {
		t.Errorf("error %v: want fenced, not sent, certain", err)
	}
}

// pastLimiter hands out permissions whose time is long past first (as a
// process stopped while it waited finds them), then current ones.
type pastLimiter struct {
	takes atomic.Int32
	stale int32
}

func (l *pastLimiter) Take() time.Time {
	if l.takes.Add(1) <= l.stale {
		return time.Now().Add(-10 * time.Second)
	}
	return time.Now()
}

var _ ratelimit.Limiter = (*pastLimiter)(nil)

// A permission long past when the wait ends is not used: the limiter is
// asked for a fresh one, so that requests queued before a pause do not
// leave in a burst when it ends; once only, so that a machine where every
// waiter wakes up late does not spend the pace on permissions unused.
func TestStalePermissionIsTakenAgain(t *testing.T) {
	for stale, want := range map[int32]int32{0: 1, 1: 2, 5: 2} {
		lim := &pastLimiter{stale: stale}
		r := &rateLimited{lim: lim, interval: 100 * time.Millisecond}
		if err := r.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := lim.takes.Load(); n != want {
			t.Errorf("with %d stale permissions first, the limiter was asked %d times, want %d", stale, n, want)
		}
	}
	if !Stale(time.Now().Add(-time.Second), 100*time.Millisecond) || Stale(time.Now().Add(-100*time.Millisecond), 100*time.Millisecond) {
		t.Error("Stale: a permission a second past is stale at 10/s, one 100 ms past is not")
	}
}
