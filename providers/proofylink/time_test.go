package proofylink

import (
	"context"
	"testing"
	"time"
)

const ms = time.Millisecond

// realNow is the real clock, for tests that wait for the sandbox.
func realNow() time.Time { return time.Now() }

func contextWithTimeout(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}

func sleepFor(d time.Duration) { time.Sleep(d) }
