package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

type refusingLimiter struct{ calls atomic.Int32 }

func (l *refusingLimiter) Wait(ctx context.Context) error {
	l.calls.Add(1)
	return errors.New("the shared limiter is unreachable")
}

// A request whose shared limiter fails is not sent, and says it was not.
func TestSharedLimiterFailureSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	lim := &refusingLimiter{}
	c := NewClient(ClientConfig{Limiter: lim, RatePerSecond: 1000, Provider: "usapi"})
	req, _ := http.NewRequest("POST", srv.URL, nil)
	_, err := c.Do(req)
	if err == nil || !errors.Is(err, errNotSent) {
		t.Fatalf("Do: %v; want a not-sent error", err)
	}
	if hits.Load() != 0 || lim.calls.Load() == 0 {
		t.Errorf("server hits %d, limiter calls %d; want 0 and at least 1", hits.Load(), lim.calls.Load())
	}
}
