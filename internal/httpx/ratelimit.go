package httpx

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/ratelimit"
)

// NewRateLimited lets requests through next at no more than perSecond per
// second, across every goroutine that uses the returned RoundTripper: build
// one per provider and share it. perSecond <= 0 means unlimited (next is
// returned as is).
//
// The pace is go.uber.org/ratelimit's without slack: permissions are issued
// at least 1/perSecond apart (rounded up to the nanosecond), and time left
// unused is not saved up for a burst, so no half-open second [t, t+1s)
// holds more than perSecond permissions: an API that allows perSecond
// requests a second, counted over any second, is never exceeded by the
// limiter's pace.
//
// A request waits for its permission with its context: when the context
// ends first, the request is not sent and the context's error is returned.
// ratelimit's Take sleeps without a context, so the limiter is given a
// clock whose Sleep returns at once: Take then only reserves the next
// permission and returns its time, and the wait happens here, in a select
// with ctx.Done(). A permission reserved by a request cancelled while
// waiting is not given back; that costs at most one slot per cancelled
// request, and only while a run is stopping.
func NewRateLimited(next http.RoundTripper, perSecond int) http.RoundTripper {
	if perSecond <= 0 {
		return next
	}
	per := time.Second + time.Duration(perSecond-1)
	return &rateLimited{next: next, lim: newPace(perSecond, reserveClock{}), interval: per / time.Duration(perSecond)}
}

// newPace is the limiter of NewRateLimited on clock. ratelimit spaces
// permissions by Per/rate, truncated to the nanosecond: for a rate that
// does not divide a second (3, 7, 30...), perSecond+1 permissions would
// fit in one second, short by a few nanoseconds. Per is stretched so that
// the spacing is the quotient rounded up.
func newPace(perSecond int, clock ratelimit.Clock) ratelimit.Limiter {
	per := time.Second + time.Duration(perSecond-1)
	return ratelimit.New(perSecond, ratelimit.Per(per), ratelimit.WithoutSlack, ratelimit.WithClock(clock))
}

// Limiter paces requests from outside this process: Wait returns when the
// next request may be sent, or an error (ctx's, or the limiter's own) when
// it must not be sent. A PostgreSQL-backed limiter shares one provider's
// pace between the workers of a batch (state/postgres.Limiter).
type Limiter interface {
	Wait(ctx context.Context) error
}

// NewLimited lets requests through next as lim allows, as NewRateLimited
// does with a limiter of this process.
func NewLimited(next http.RoundTripper, lim Limiter) http.RoundTripper {
	return &rateLimited{next: next, shared: lim}
}

type rateLimited struct {
	next http.RoundTripper
	lim  ratelimit.Limiter
	// interval is lim's spacing of permissions.
	interval time.Duration
	shared   Limiter // instead of lim, when set
}

func (r *rateLimited) RoundTrip(req *http.Request) (*http.Response, error) {
	wait := r.wait
	if r.shared != nil {
		wait = r.shared.Wait
	}
	if err := waitUnlessStopped(req.Context(), wait); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%w: waiting for the rate limit: %w", errNotSent, err)
	}
	return r.next.RoundTrip(req)
}

// waitUnlessStopped waits with a context that also ends with ctx's stop
// (WithStop): a request stopped while it queues is never sent.
func waitUnlessStopped(ctx context.Context, wait func(context.Context) error) error {
	stop := stopOf(ctx)
	if stop == nil {
		return wait(ctx)
	}
	if stop.Err() != nil {
		return errStopped
	}
	queue, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(stop, cancel)()
	err := wait(queue)
	if err != nil && stop.Err() != nil && ctx.Err() == nil {
		return errStopped
	}
	return err
}

// wait reserves the next permission and waits until its time or ctx's end.
// A permission whose time is long past when the wait ends (the process was
// stopped, or starved of CPU, while it waited) is not used: a fresh one is
// reserved, so that the requests queued before a pause do not all leave at
// once when it ends.
//
// A fresh permission is taken once at most: on a machine starved of CPU,
// where every waiter wakes up late, taking again and again would spend the
// pace on permissions nobody uses.
func (r *rateLimited) wait(ctx context.Context) error {
	for retaken := false; ; retaken = true {
		if err := ctx.Err(); err != nil {
			return err
		}
		slot := r.lim.Take()
		if err := sleepUntil(ctx, slot); err != nil {
			return err
		}
		if retaken || !Stale(slot, r.interval) {
			return nil
		}
	}
}

// sleepUntil waits until t, or returns ctx's error when it ends first.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stale reports whether a limiter's permission for slot, with permissions
// interval apart, is too far in the past to be used now: more than two
// intervals, or 250 ms for the fast rates, whose timers may be that late
// on a busy machine. A limiter whose waiter woke up later than that
// reserves a fresh permission instead: a permission is a place in the
// pace, and the places of a pause are gone, not saved up for a burst.
func Stale(slot time.Time, interval time.Duration) bool {
	return time.Since(slot) > max(2*interval, 250*time.Millisecond)
}

// reserveClock is the real clock whose Sleep does not sleep: see
// NewRateLimited.
type reserveClock struct{}

func (reserveClock) Now() time.Time      { return time.Now() }
func (reserveClock) Sleep(time.Duration) {}
