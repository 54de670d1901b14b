package command

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/internal/httpx"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
)

// lockWatchEvery is how often a command that sends requests checks that
// it still holds its state lock. The fence (Check, before every request
// that is not safe to repeat) is what keeps a lost lock from sending a
// create; the watch stops everything else (the reads, the requests queued
// at the rate limiter, the changes not started) within this time.
const lockWatchEvery = time.Second

// lockWatch is a held state lock watched while a command sends requests:
// the fence of its requests (httpx.Fence) and the cause of its stop when
// the lock is lost.
type lockWatch struct {
	m    *Meta
	held state.Held
	// owns, when set, checks a request's resource (a worker's claim);
	// else the lock alone is checked.
	owns func(ctx context.Context, resource string) error
	// lostMsg is printed once when the lock is found lost, after the
	// reason.
	lostMsg string

	cancel context.CancelFunc
	once   sync.Once
	mu     sync.Mutex
	lost   error
}

var _ httpx.Fence = (*lockWatch)(nil)

// watchLock returns ctx cancelled once the lock held is found lost (the
// executor then starts nothing more, and the requests not sent yet are
// dropped), and marked with the lock as the fence of its requests. The
// watch ends when the command does.
func (m *Meta) watchLock(ctx context.Context, w *lockWatch) context.Context {
	w.m = m
	ctx, w.cancel = context.WithCancel(ctx)
	tick := time.NewTicker(lockWatchEvery)
	m.defer_(func() { tick.Stop(); w.cancel() })
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if err := w.held.Held(ctx); err != nil && ctx.Err() == nil {
				w.fail(err)
				return
			}
		}
	}()
	return httpx.WithFence(ctx, w)
}

// Lost returns the loss once the lock was found lost.
func (w *lockWatch) Lost() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lost
}

// Check proves, in one round trip, that the lock (and the claim of
// resource, for a worker) is still held, right before a request that is
// not safe to repeat leaves.
func (w *lockWatch) Check(ctx context.Context, resource string) error {
	var err error
	if w.owns != nil {
		err = w.owns(ctx, resource)
	} else {
		err = w.held.Held(ctx)
	}
	if err == nil {
		return nil
	}
	// A worker's claim taken over is that step's loss only; the lock
	// itself is checked again.
	if w.owns == nil || w.held.Held(ctx) != nil {
		w.fail(err)
	}
	return err
}

// fail records the loss, says so once, and stops the command's work.
func (w *lockWatch) fail(err error) {
	w.once.Do(func() {
		w.mu.Lock()
		w.lost = err
		w.mu.Unlock()
		w.m.errorf("%s. %s", err, w.lostMsg)
		w.cancel()
	})
}

// lockLost reports whether err says a state lock was lost.
func lockLost(err error) bool {
	var le *state.LockLostError
	return errors.As(err, &le)
}

// collapseLost replaces the diagnostics of outcomes that could not be
// recorded because the lock was lost (one per change in flight) with one
// that counts them: the error line that said the lock was lost already
// gave the reason.
func collapseLost(diags hcl.Diagnostics, lost error) hcl.Diagnostics {
	if lost == nil {
		return diags
	}
	var out hcl.Diagnostics
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError && strings.Contains(d.Detail, "state lock of") && strings.Contains(d.Detail, "was lost") {
			n++
			continue
		}
		out = append(out, d)
	}
	if n > 0 {
		out = append(out, &hcl.Diagnostic{Severity: hcl.DiagError,
			Summary: fmt.Sprintf("%d outcomes not recorded: the state lock was lost", n),
			Detail: fmt.Sprintf("%d changes in flight when the lock was lost could not record what they did. Their intents stay in the state: "+
				"the next plan asks the API what became of each, adopts what was made, and creates nothing twice.", n)})
	}
	return out
}
