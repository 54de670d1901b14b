package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Limiter paces one provider's requests for every worker of a workspace
// together, so that a provider's rate_limit is the limit of the whole
// batch, not of each worker. It keeps the time of the next free slot in a
// row of rate_limits (an unlogged table: losing it in a server crash only
// resets the pace): each request moves it on by 1/rate in one statement,
// under the row's lock, and waits until the slot it took, as measured on
// the database's clock, so that the machines' clocks do not matter. Time
// left unused is not saved up for a burst.
type Limiter struct {
	b        *Backend
	provider string
	interval time.Duration
}

// Limiter returns the limiter of provider at perSecond requests per
// second; nil when perSecond <= 0 (no limit).
func (b *Backend) Limiter(provider string, perSecond int) *Limiter {
	if perSecond <= 0 {
		return nil
	}
	return &Limiter{b: b, provider: provider, interval: time.Second / time.Duration(perSecond)}
}

// Wait takes the next slot and waits for it, or until ctx ends. An error
// reaching the database is returned: the request must not be sent.
func (l *Limiter) Wait(ctx context.Context) error {
	pool, err := l.b.db(ctx)
	if err != nil {
		return err
	}
	for retaken := false; ; retaken = true {
		slot, err := l.take(ctx, pool)
		if err != nil {
			return err
		}
		if err := sleepUntil(ctx, slot); err != nil {
			return err
		}
		// A slot long past when the wait ends (this process was stopped
		// while it waited) is not used: the other workers have used the
		// slots since, and sending now would add to theirs. A fresh one
		// is taken once at most (see httpx's limiter).
		if retaken || !stale(slot, l.interval) {
			return nil
		}
	}
}

// take moves the provider's next free slot on by one interval and returns
// the slot taken, on this machine's clock.
func (l *Limiter) take(ctx context.Context, pool *pgxpool.Pool) (time.Time, error) {
	var wait float64
	err := pool.QueryRow(ctx, "INSERT INTO "+l.b.sql.t("rate_limits")+` AS r (workspace, provider, next_at)
		VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
		ON CONFLICT (workspace, provider) DO UPDATE SET next_at = greatest(r.next_at, clock_timestamp()) + make_interval(secs => $3)
		RETURNING extract(epoch FROM r.next_at - clock_timestamp())::float8 - $3`,
		l.b.opts.Workspace, l.provider, l.interval.Seconds()).Scan(&wait)
	if err != nil {
		return time.Time{}, fmt.Errorf("the shared rate limit of %s could not be read from %s: %w", l.provider, l.b, err)
	}
	return time.Now().Add(time.Duration(wait * float64(time.Second))), nil
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

// stale reports whether a slot is too far in the past to be used: more
// than two intervals, or a second. That is longer than httpx.Stale's
// 250 ms for this process's own limiter: sixty goroutines of three
// workers waking a few hundred milliseconds late on a busy machine would
// otherwise retake slots that others have meanwhile counted on, and send
// more than the rate in one second (TestLimiterSharedBetweenWorkers). A
// worker paused past its lease is fenced anyway; this only keeps a short
// pause from bursting.
func stale(slot time.Time, interval time.Duration) bool {
	return time.Since(slot) > max(2*interval, time.Second)
}
