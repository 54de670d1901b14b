package httpx

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// A write waits for its intent (WithIntent) and is not sent when the
// intent could not be written, idempotent or not; a read does not wait.
// A request held is certainly not sent, and not retried.
func TestIntentHoldsWrites(t *testing.T) {
	diskFull := errors.New("no space left on device")
	cases := map[string]struct {
		method     string
		idempotent bool
		durable    error
		wantSent   bool
		wantWaited bool
	}{
		"create, intent written":     {"POST", false, nil, true, true},
		"create, intent not written": {"POST", false, diskFull, false, true},
		"idempotent, not written":    {"PUT", true, diskFull, false, true},
		"read, not written":          {"GET", false, diskFull, true, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var waits atomic.Int32
			c := NewClient(ClientConfig{Retry: fastPolicy})
			ctx := WithIntent(context.Background(), func() error { waits.Add(1); return tc.durable })
			if tc.idempotent {
				ctx = WithIdempotent(ctx)
			}
			sendHeld(t, c, ctx, tc.method, tc.wantSent)
			if got := waits.Load() > 0; got != tc.wantWaited {
				t.Errorf("waited for the intent %d times, want waited = %v", waits.Load(), tc.wantWaited)
			}
		})
	}
}
