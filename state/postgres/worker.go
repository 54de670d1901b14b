package postgres

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultReclaimGrace is how long after a worker is seen dead its claimed
// steps are left alone, so that a request it sent just before dying has
// been answered by the API before another worker looks for its record.
const DefaultReclaimGrace = 10 * time.Second

// deadCheckEvery bounds how often a worker looks for dead workers.
const deadCheckEvery = time.Second

// Worker is one process's membership of a batch: it claims steps,
// records their outcomes and sees the batch's progress. Its liveness is
// its lock session's: the session holds an advisory lock of the worker's
// own, and a worker whose session is gone (the process died, however) is
// dead; its claimed steps are taken over ReclaimGrace after that is seen.
type Worker struct {
	b       *Backend
	batch   *Batch
	id      string
	session *Session
	// ReclaimGrace: see DefaultReclaimGrace. Set before the first Claim.
	ReclaimGrace time.Duration

	mu        sync.Mutex
	lastCheck time.Time
}

// JoinBatch makes the holder of session (a LockShared session) a worker
// of bt under the name id (its run ID).
func (b *Backend) JoinBatch(ctx context.Context, bt *Batch, session *Session, id string) (*Worker, error) {
	var k [8]byte
	rand.Read(k[:])
	key := int64(binary.BigEndian.Uint64(k[:]))
	hi, lo := (key>>32)&0xffffffff, key&0xffffffff
	session.mu.Lock()
	defer session.mu.Unlock()
	if session.conn == nil {
		return nil, errors.New("internal error: joining a batch without holding the state lock")
	}
	if _, err := session.conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return nil, b.wrap("could not join the batch", err)
	}
	_, err := session.conn.Exec(ctx, "INSERT INTO "+b.sql.t("batch_workers")+" (batch_id, worker, who, pid, lock_hi, lock_lo) VALUES ($1, $2, $3, $4, $5, $6)",
		bt.ID, id, session.info.Who, session.info.PID, hi, lo)
	if err != nil {
		return nil, b.wrap("could not join the batch", err)
	}
	w := &Worker{b: b, batch: bt, id: id, session: session, ReclaimGrace: DefaultReclaimGrace}
	// From now on this handle writes only what the worker claimed.
	b.setFence(&lockFence{session: session, worker: w})
	return w, nil
}

// Batch is the batch joined.
func (w *Worker) Batch() *Batch { return w.batch }

// Claim is a step a worker claimed.
type Claim struct {
	Addr string
	// Stored is the record the state held when the batch was published
	// (nil for none); Current the record it holds now. When they differ,
	// a worker that claimed the step before and died acted on it.
	Stored, Current *state.Resource
	// Attempts counts the claims of this step, this one included.
	Attempts int
}

// Claim takes up to n ready steps for this worker with SELECT ... FOR
// UPDATE SKIP LOCKED, so that workers claiming at once never take the same
// step and never wait for each other: first the steps of dead workers
// whose grace has passed, then ready steps in the plan's order.
func (w *Worker) Claim(ctx context.Context, n int) ([]Claim, error) {
	if n <= 0 {
		return nil, nil
	}
	if err := w.markDead(ctx); err != nil {
		return nil, err
	}
	pool, err := w.b.db(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, w.b.wrap("could not claim steps", err)
	}
	defer tx.Rollback(ctx)
	claims, err := w.claimIn(ctx, tx, n)
	if err != nil || len(claims) == 0 {
		return nil, err
	}
	if err := w.attachRecords(ctx, tx, claims); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, w.b.wrap("could not claim steps", err)
	}
	return claims, nil
}

func (w *Worker) claimIn(ctx context.Context, tx pgx.Tx, n int) ([]Claim, error) {
	steps := w.b.sql.t("batch_steps")
	reclaim := `SELECT address FROM ` + steps + ` WHERE batch_id = $1 AND status = 'claimed' AND worker IN (
		SELECT worker FROM ` + w.b.sql.t("batch_workers") + ` WHERE batch_id = $1 AND dead_at < now() - make_interval(secs => $3))
		ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`
	ready := `SELECT address FROM ` + steps + ` WHERE batch_id = $1 AND status = 'ready' ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`
	var claims []Claim
	for i, pick := range []string{reclaim, ready} {
		if len(claims) >= n {
			break
		}
		args := []any{w.batch.ID, n - len(claims)}
		if i == 0 {
			args = append(args, w.ReclaimGrace.Seconds())
		}
		rows, err := tx.Query(ctx, `WITH c AS (`+pick+`)
			UPDATE `+steps+` s SET status = 'claimed', worker = $`+fmt.Sprint(len(args)+1)+`, attempts = s.attempts + 1, claimed_at = now()
			FROM c WHERE s.batch_id = $1 AND s.address = c.address RETURNING s.address, s.attempts`, append(args, w.id)...)
		if err != nil {
			return nil, w.b.wrap("could not claim steps", err)
		}
		for rows.Next() {
			var c Claim
			if err := rows.Scan(&c.Addr, &c.Attempts); err != nil {
				rows.Close()
				return nil, w.b.wrap("could not claim steps", err)
			}
			claims = append(claims, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, w.b.wrap("could not claim steps", err)
		}
	}
	return claims, nil
}

// attachRecords reads the claimed steps' stored and current records.
func (w *Worker) attachRecords(ctx context.Context, tx pgx.Tx, claims []Claim) error {
	addrs := make([]string, len(claims))
	for i, c := range claims {
		addrs[i] = c.Addr
	}
	current, err := w.b.resourcesIn(ctx, tx, addrs)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, "SELECT address, stored FROM "+w.b.sql.t("batch_records")+" WHERE batch_id = $1 AND address = ANY($2)", w.batch.ID, addrs)
	if err != nil {
		return w.b.wrap("could not read the batch", err)
	}
	defer rows.Close()
	stored := map[string]*state.Resource{}
	for rows.Next() {
		var addr string
		var data []byte
		if err := rows.Scan(&addr, &data); err != nil {
			return w.b.wrap("could not read the batch", err)
		}
		if stored[addr], err = w.b.openRecord(data); err != nil {
			return fmt.Errorf("could not read the batch's record of %s: %w", addr, err)
		}
	}
	for i := range claims {
		claims[i].Stored, claims[i].Current = stored[claims[i].Addr], current[claims[i].Addr]
	}
	return w.b.wrap("could not read the batch", rows.Err())
}

// markDead records when workers whose sessions are gone were first seen
// so, at most once a deadCheckEvery.
func (w *Worker) markDead(ctx context.Context) error {
	w.mu.Lock()
	if time.Since(w.lastCheck) < deadCheckEvery {
		w.mu.Unlock()
		return nil
	}
	w.lastCheck = time.Now()
	w.mu.Unlock()
	pool, err := w.b.db(ctx)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, "UPDATE "+w.b.sql.t("batch_workers")+" w SET dead_at = now() WHERE batch_id = $1 AND dead_at IS NULL AND NOT "+workerAlive, w.batch.ID)
	return w.b.wrap("could not check the other workers", err)
}

// Complete records the outcome of a step this worker claimed: failure is
// "" on success, else why it failed; warning, on success, what the step
// did not do while the batch goes on ("" for none), which Summary lists
// for every worker to show. When it was the last step of its
// resource, the steps of the resources that waited for it become ready,
// or are skipped when something they depend on failed. A claim taken over
// meanwhile (this worker was presumed dead) is reported as an error; the
// state already holds the outcome.
func (w *Worker) Complete(ctx context.Context, addr, failure, warning string) error {
	pool, err := w.b.db(ctx)
	if err != nil {
		return err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return w.b.wrap("could not record a step's outcome", err)
	}
	defer tx.Rollback(ctx)
	status, failed, why := stepDone, (*string)(nil), warning
	if failure != "" {
		status, failed, why = stepFailed, &addr, failure
	}
	var resource string
	err = tx.QueryRow(ctx, "UPDATE "+w.b.sql.t("batch_steps")+" SET status = $4, error = $5, finished_at = now() WHERE batch_id = $1 AND address = $2 AND worker = $3 AND status = 'claimed' RETURNING resource",
		w.batch.ID, addr, w.id, status, nullString(why)).Scan(&resource)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("the claim of %s was taken over by another worker (this one was presumed dead); its outcome is in the state", addr)
	}
	if err != nil {
		return w.b.wrap("could not record a step's outcome", err)
	}
	var left int
	var upFailed *string
	err = tx.QueryRow(ctx, "UPDATE "+w.b.sql.t("batch_resources")+" SET steps_left = steps_left - 1, failed = coalesce(failed, $3) WHERE batch_id = $1 AND resource = $2 RETURNING steps_left, failed",
		w.batch.ID, resource, failed).Scan(&left, &upFailed)
	if err != nil {
		return w.b.wrap("could not record a step's outcome", err)
	}
	if left == 0 {
		if err := w.release(ctx, tx, resource, upFailed); err != nil {
			return err
		}
	}
	return w.b.wrap("could not record a step's outcome", tx.Commit(ctx))
}

// release lets the nodes waiting for a finished one go: ready when
// nothing else holds them, skipped (and released in turn) when what they
// depend on failed. A node of no step (a resource used whole, in a batch
// of per-instance nodes) finishes as soon as it is let go, and is
// released in turn.
func (w *Worker) release(ctx context.Context, tx pgx.Tx, resource string, failed *string) error {
	type finished struct {
		resource string
		failed   *string
	}
	queue := []finished{{resource, failed}}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		rows, err := tx.Query(ctx, "UPDATE "+w.b.sql.t("batch_resources")+" r SET waiting = waiting - 1, failed = coalesce(r.failed, $3) FROM "+w.b.sql.t("batch_edges")+
			" e WHERE e.batch_id = $1 AND e.up = $2 AND r.batch_id = $1 AND r.resource = e.down RETURNING r.resource, r.waiting, r.failed, r.steps_left",
			w.batch.ID, f.resource, f.failed)
		if err != nil {
			return w.b.wrap("could not release the waiting steps", err)
		}
		var freed []finished
		for rows.Next() {
			var down string
			var waiting, stepsLeft int
			var downFailed *string
			if err := rows.Scan(&down, &waiting, &downFailed, &stepsLeft); err != nil {
				rows.Close()
				return w.b.wrap("could not release the waiting steps", err)
			}
			switch {
			case waiting == 0 && stepsLeft == 0 && downFailed == nil:
				queue = append(queue, finished{down, nil}) // no step: finished
			case waiting == 0:
				freed = append(freed, finished{down, downFailed})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return w.b.wrap("could not release the waiting steps", err)
		}
		for _, d := range freed {
			if d.failed == nil {
				_, err = tx.Exec(ctx, "UPDATE "+w.b.sql.t("batch_steps")+" SET status = 'ready' WHERE batch_id = $1 AND resource = $2 AND status = 'waiting'", w.batch.ID, d.resource)
			} else {
				_, err = tx.Exec(ctx, "UPDATE "+w.b.sql.t("batch_steps")+" SET status = 'skipped', error = 'not applied because ' || $3 || ' failed', finished_at = now() WHERE batch_id = $1 AND resource = $2 AND status = 'waiting'", w.batch.ID, d.resource, *d.failed)
				if err == nil {
					_, err = tx.Exec(ctx, "UPDATE "+w.b.sql.t("batch_resources")+" SET steps_left = 0 WHERE batch_id = $1 AND resource = $2", w.batch.ID, d.resource)
				}
				queue = append(queue, d)
			}
			if err != nil {
				return w.b.wrap("could not release the waiting steps", err)
			}
		}
	}
	return nil
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Progress counts the batch's steps: finished (done, failed or skipped)
// and all.
func (w *Worker) Progress(ctx context.Context) (finished, total int, err error) {
	pool, err := w.b.db(ctx)
	if err != nil {
		return 0, 0, err
	}
	err = pool.QueryRow(ctx, "SELECT count(*) FILTER (WHERE status IN ('done', 'failed', 'skipped')), count(*) FROM "+w.b.sql.t("batch_steps")+" WHERE batch_id = $1", w.batch.ID).Scan(&finished, &total)
	return finished, total, w.b.wrap("could not read the batch's progress", err)
}

// Records reads the current records of addrs.
func (w *Worker) Records(ctx context.Context, addrs []string) (map[string]*state.Resource, error) {
	return w.b.Resources(ctx, addrs)
}

// Close marks the batch complete once every step has finished, and
// reports whether this worker did so: exactly one worker closes a batch,
// and that one records the outputs and compacts.
func (w *Worker) Close(ctx context.Context) (bool, error) {
	pool, err := w.b.db(ctx)
	if err != nil {
		return false, err
	}
	tag, err := pool.Exec(ctx, "UPDATE "+w.b.sql.t("batches")+" SET status = 'complete', finished_at = now() WHERE id = $1 AND status = 'running' AND NOT EXISTS (SELECT 1 FROM "+
		w.b.sql.t("batch_steps")+" WHERE batch_id = $1 AND status NOT IN ('done', 'failed', 'skipped'))", w.batch.ID)
	if err != nil {
		return false, w.b.wrap("could not close the batch", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Summary is what a batch did, counted over all its workers.
type Summary struct {
	Added, Changed, Replaced, Forgotten, Read int
	Failed, Skipped, Unfinished               int
	// Workers counts the workers that joined the batch; Stopped those of
	// them whose session ended before the batch did (killed, or stopped
	// on losing their lock), whose claims the others took over.
	Workers, Stopped int
	// Failures name the failed and skipped steps with why, the first 20.
	Failures []string
	// Warnings name the steps done with a warning (a data source scoped
	// to a check block that could not be read), the first 20.
	Warnings []string
}

// Summary counts the batch's outcomes.
func (w *Worker) Summary(ctx context.Context) (*Summary, error) {
	pool, err := w.b.db(ctx)
	if err != nil {
		return nil, err
	}
	s := &Summary{}
	rows, err := pool.Query(ctx, "SELECT action, status, count(*) FROM "+w.b.sql.t("batch_steps")+" WHERE batch_id = $1 GROUP BY action, status", w.batch.ID)
	if err != nil {
		return nil, w.b.wrap("could not read the batch", err)
	}
	for rows.Next() {
		var action, status string
		var n int
		if err := rows.Scan(&action, &status, &n); err != nil {
			rows.Close()
			return nil, w.b.wrap("could not read the batch", err)
		}
		s.count(action, status, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, w.b.wrap("could not read the batch", err)
	}
	err = pool.QueryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE dead_at IS NOT NULL) FROM "+w.b.sql.t("batch_workers")+" WHERE batch_id = $1", w.batch.ID).Scan(&s.Workers, &s.Stopped)
	if err != nil {
		return nil, w.b.wrap("could not read the batch", err)
	}
	if s.Failures, err = w.stepLines(ctx, pool, "status IN ('failed', 'skipped')"); err != nil {
		return nil, err
	}
	s.Warnings, err = w.stepLines(ctx, pool, "status = 'done' AND error IS NOT NULL")
	return s, err
}

// stepLines are "address: why" of the first 20 steps of the batch that
// match where.
func (w *Worker) stepLines(ctx context.Context, pool *pgxpool.Pool, where string) ([]string, error) {
	rows, err := pool.Query(ctx, "SELECT address || ': ' || coalesce(error, status) FROM "+w.b.sql.t("batch_steps")+" WHERE batch_id = $1 AND "+where+" ORDER BY seq LIMIT 20", w.batch.ID)
	if err != nil {
		return nil, w.b.wrap("could not read the batch", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, w.b.wrap("could not read the batch", err)
		}
		out = append(out, f)
	}
	return out, w.b.wrap("could not read the batch", rows.Err())
}

func (s *Summary) count(action, status string, n int) {
	switch status {
	case stepFailed:
		s.Failed += n
		return
	case stepSkipped:
		s.Skipped += n
		return
	case stepDone:
	default:
		s.Unfinished += n
		return
	}
	switch action {
	case "create":
		s.Added += n
	case "update":
		s.Changed += n
	case "replace":
		s.Replaced += n
	case "forget":
		s.Forgotten += n
	default:
		s.Read += n
	}
}
