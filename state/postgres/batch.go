package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// Batch statuses.
const (
	BatchRunning   = "running"
	BatchComplete  = "complete"
	BatchAbandoned = "abandoned"
)

// Step statuses: waiting for the resources it depends on, ready to be
// claimed, claimed by a worker, and the three ways to finish.
const (
	stepWaiting = "waiting"
	stepReady   = "ready"
	stepClaimed = "claimed"
	stepDone    = "done"
	stepFailed  = "failed"
	stepSkipped = "skipped"
)

// BatchSpec is a plan's work, as the first worker publishes it.
type BatchSpec struct {
	// PlanDigest identifies the saved plan (sha256 of the plan file).
	PlanDigest string
	// Lineage and Serial are the state's when the plan was checked.
	Lineage string
	Serial  uint64
	// Steps are the changes that call a provider or write the state, in
	// the plan's order.
	Steps []BatchStep
	// Edges order the nodes: every step of Down waits until every step
	// of Up has finished. A node is what steps name as their Resource; a
	// node no step names (a resource that something depends on whole, in
	// a batch of per-instance nodes) finishes once every node it waits
	// for has.
	Edges []BatchEdge
	// Records keep, by address, what a worker needs to plan again as the
	// first one did and to tell what an earlier claimer did.
	Records map[string]BatchRecord
}

// BatchStep is one change of a batch.
type BatchStep struct {
	Addr string // the instance address, the state key
	// Resource is the node it is counted in: its own address when the
	// batch orders instances (as daftar publishes them), its resource
	// (usapi_account.hire) when it orders whole resources.
	Resource string
	Action   string // create, update, replace, forget, read
}

// BatchEdge says every step of node Down waits for every step of node Up.
type BatchEdge struct{ Up, Down string }

// BatchRecord is what the state held for one address when the batch was
// published.
type BatchRecord struct {
	// Planned is the record as the plan saw it (refreshed, intents
	// resolved); nil when the plan saw none. Workers plan again from it.
	Planned *state.Resource
	// Stored is the row as it was (nil when none): a claimer that finds
	// another record knows an earlier claimer acted.
	Stored *state.Resource
}

// Batch is a published batch.
type Batch struct {
	ID         int64
	PlanDigest string
	Status     string
	Lineage    string
	Serial     uint64
	Steps      int
	Publisher  string
}

// ErrOtherBatch is returned by Publish while another batch of the same
// workspace is being applied by live workers.
var ErrOtherBatch = errors.New("another batch is being applied in this workspace")

// FindBatch returns the newest batch of the plan with this digest, or
// the running batch of the workspace when digest is "". It returns nil
// when there is none.
func (b *Backend) FindBatch(ctx context.Context, digest string) (*Batch, error) {
	pool, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	q := "SELECT id, plan_digest, status, lineage, serial, steps, publisher FROM " + b.sql.t("batches") + " WHERE workspace = $1 AND "
	args := []any{b.opts.Workspace}
	if digest == "" {
		q += "status = 'running'"
	} else {
		q += "plan_digest = $2"
		args = append(args, digest)
	}
	var bt Batch
	var serial int64
	err = pool.QueryRow(ctx, q+" ORDER BY id DESC LIMIT 1", args...).Scan(&bt.ID, &bt.PlanDigest, &bt.Status, &bt.Lineage, &serial, &bt.Steps, &bt.Publisher)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, b.wrap("could not read the batches", err)
	}
	bt.Serial = uint64(serial)
	return &bt, nil
}

// Publish stores a batch for workers to claim from. A running batch of
// another plan whose workers are all gone is marked abandoned first; one
// with live workers makes Publish fail with ErrOtherBatch. Completed
// batches but the last ten are deleted.
func (b *Backend) Publish(ctx context.Context, spec BatchSpec, publisher string) (*Batch, error) {
	pool, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, b.wrap("could not publish the batch", err)
	}
	defer tx.Rollback(ctx)
	if err := b.retireBatches(ctx, tx); err != nil {
		return nil, err
	}
	// The workers record changes under the plan's lineage: a workspace
	// never written is created with it.
	if _, err := tx.Exec(ctx, "INSERT INTO "+b.sql.t("workspaces")+" (workspace, version, lineage, serial, dirty) VALUES ($1, $2, $3, $4, false) ON CONFLICT (workspace) DO NOTHING",
		b.opts.Workspace, state.Version, spec.Lineage, int64(spec.Serial)); err != nil {
		return nil, b.wrap("could not publish the batch", err)
	}
	bt := &Batch{PlanDigest: spec.PlanDigest, Status: BatchRunning, Lineage: spec.Lineage, Serial: spec.Serial, Steps: len(spec.Steps), Publisher: publisher}
	err = tx.QueryRow(ctx, "INSERT INTO "+b.sql.t("batches")+" (workspace, plan_digest, status, lineage, serial, publisher, steps) VALUES ($1, $2, 'running', $3, $4, $5, $6) RETURNING id",
		b.opts.Workspace, spec.PlanDigest, spec.Lineage, int64(spec.Serial), publisher, len(spec.Steps)).Scan(&bt.ID)
	if err != nil {
		return nil, b.wrap("could not publish the batch", err)
	}
	if err := b.copyBatch(ctx, tx, bt.ID, spec); err != nil {
		return nil, b.wrap("could not publish the batch", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, b.wrap("could not publish the batch", err)
	}
	return bt, nil
}

// retireBatches abandons a running batch whose workers are all gone, and
// refuses one that has live workers.
func (b *Backend) retireBatches(ctx context.Context, tx pgx.Tx) error {
	var id int64
	var live int
	err := tx.QueryRow(ctx, "SELECT id, (SELECT count(*) FROM "+b.sql.t("batch_workers")+" w WHERE w.batch_id = b.id AND "+workerAlive+") FROM "+
		b.sql.t("batches")+" b WHERE workspace = $1 AND status = 'running' FOR UPDATE", b.opts.Workspace).Scan(&id, &live)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return b.wrap("could not read the batches", err)
	case live > 0:
		return fmt.Errorf("%w (batch %d, %d live workers)", ErrOtherBatch, id, live)
	default:
		if _, err := tx.Exec(ctx, "UPDATE "+b.sql.t("batches")+" SET status = 'abandoned', finished_at = now() WHERE id = $1", id); err != nil {
			return b.wrap("could not retire a batch", err)
		}
	}
	_, err = tx.Exec(ctx, "DELETE FROM "+b.sql.t("batches")+" WHERE workspace = $1 AND status <> 'running' AND id NOT IN (SELECT id FROM "+
		b.sql.t("batches")+" WHERE workspace = $1 ORDER BY id DESC LIMIT 10)", b.opts.Workspace)
	return b.wrap("could not delete old batches", err)
}

// workerAlive is true for a batch_workers row (alias w) whose session
// still holds its own advisory lock: the worker is alive.
const workerAlive = `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
	AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND l.classid::bigint = w.lock_hi AND l.objid::bigint = w.lock_lo)`

// copyBatch writes the steps, the resources' counters, the edges and the
// records of a new batch.
func (b *Backend) copyBatch(ctx context.Context, tx pgx.Tx, id int64, spec BatchSpec) error {
	waiting := map[string]int{}
	left := map[string]int{}
	var order []string
	for _, s := range spec.Steps {
		if _, seen := left[s.Resource]; !seen {
			order = append(order, s.Resource)
		}
		left[s.Resource]++
	}
	var edges [][]any
	for _, e := range spec.Edges {
		if e.Up == e.Down {
			continue
		}
		for _, n := range []string{e.Up, e.Down} {
			if _, seen := left[n]; !seen {
				left[n] = 0 // a node of no step: it finishes with what it waits for
				order = append(order, n)
			}
		}
		waiting[e.Down]++
		edges = append(edges, []any{id, e.Up, e.Down})
	}
	// A node of no step that waits for nothing has finished already: what
	// waits for it does not.
	var done []string
	for _, n := range order {
		if left[n] == 0 && waiting[n] == 0 {
			done = append(done, n)
		}
	}
	for len(done) > 0 {
		n := done[0]
		done = done[1:]
		kept := edges[:0]
		for _, e := range edges {
			if e[1] != n {
				kept = append(kept, e)
				continue
			}
			down := e[2].(string)
			if waiting[down]--; waiting[down] == 0 && left[down] == 0 {
				done = append(done, down)
			}
		}
		edges = kept
	}
	steps := make([][]any, len(spec.Steps))
	for i, s := range spec.Steps {
		status := stepReady
		if waiting[s.Resource] > 0 {
			status = stepWaiting
		}
		steps[i] = []any{id, s.Addr, int32(i), s.Resource, s.Action, status}
	}
	resources := make([][]any, len(order))
	for i, r := range order {
		resources[i] = []any{id, r, int32(left[r]), int32(waiting[r])}
	}
	records, err := b.recordRows(id, spec.Records)
	if err != nil {
		return err
	}
	copies := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"batch_steps", []string{"batch_id", "address", "seq", "resource", "action", "status"}, steps},
		{"batch_resources", []string{"batch_id", "resource", "steps_left", "waiting"}, resources},
		{"batch_edges", []string{"batch_id", "up", "down"}, edges},
		{"batch_records", []string{"batch_id", "address", "planned", "stored"}, records},
	}
	for _, c := range copies {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{b.opts.Schema, c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("writing %s: %w", c.table, err)
		}
	}
	return nil
}

func (b *Backend) recordRows(id int64, recs map[string]BatchRecord) ([][]any, error) {
	rows := make([][]any, 0, len(recs))
	for addr, r := range recs {
		planned, err := b.sealRecord(r.Planned)
		if err != nil {
			return nil, err
		}
		stored, err := b.sealRecord(r.Stored)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []any{id, addr, planned, stored})
	}
	return rows, nil
}

// sealRecord encodes a whole record for batch_records, encrypted with the
// Cipher if there is one; nil is NULL.
func (b *Backend) sealRecord(r *state.Resource) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	if b.opts.Cipher == nil {
		return data, nil
	}
	return b.opts.Cipher.Encrypt(data)
}

func (b *Backend) openRecord(data []byte) (*state.Resource, error) {
	if len(data) == 0 {
		return nil, nil
	}
	if b.opts.Cipher != nil {
		var err error
		if data, err = b.opts.Cipher.Decrypt(data); err != nil {
			return nil, err
		}
	}
	var r state.Resource
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// PlanState returns the state a batch's plan was made from: the state as
// it is now, with every address the batch recorded put back as the plan
// saw it, and the batch's lineage and serial. A worker plans again from it
// and finds the published plan.
func (b *Backend) PlanState(ctx context.Context, bt *Batch) (*state.State, error) {
	s, err := b.Load(ctx)
	if err != nil {
		return nil, err
	}
	pool, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, "SELECT address, planned FROM "+b.sql.t("batch_records")+" WHERE batch_id = $1", bt.ID)
	if err != nil {
		return nil, b.wrap("could not read the batch", err)
	}
	defer rows.Close()
	for rows.Next() {
		var addr string
		var data []byte
		if err := rows.Scan(&addr, &data); err != nil {
			return nil, b.wrap("could not read the batch", err)
		}
		r, err := b.openRecord(data)
		if err != nil {
			return nil, fmt.Errorf("could not read the batch's record of %s: %w", addr, err)
		}
		if r == nil {
			delete(s.Resources, addr)
		} else {
			s.Resources[addr] = r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, b.wrap("could not read the batch", err)
	}
	s.Lineage, s.Serial = bt.Lineage, bt.Serial
	return s, nil
}

// Publishing runs fn while holding the workspace's publish lock, on the
// session's connection: the first worker checks the plan and publishes
// while the others wait, then find the batch published. It waits as long
// as ctx allows.
func (s *Session) Publishing(ctx context.Context, fn func() error) error {
	key := advisoryKey("publish", s.b.opts.Schema, s.b.opts.Workspace)
	s.mu.Lock()
	if s.conn == nil {
		s.mu.Unlock()
		return errors.New("internal error: publishing without holding the state lock")
	}
	_, err := s.conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key)
	s.mu.Unlock()
	if err != nil {
		return s.b.wrap("could not wait for the batch to be published", err)
	}
	defer func() {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key)
		}
		s.mu.Unlock()
	}()
	return fn()
}
