package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// Apply records u in one transaction: the rows of the resources it sets or
// removes, and the outputs when it replaces them. Its cost is that of u,
// whatever the size of the state. The first Apply after a Compact marks
// the workspace changed, so that Load returns a higher serial; the
// workspace row is only read, shared, by the others, so that Applys of
// many goroutines and workers run side by side, and a Compact waits for
// those under way.
//
// A workspace never written is created with the lineage this handle
// loaded. A workspace of another lineage than the one this handle loaded
// is refused.
func (b *Backend) Apply(ctx context.Context, u state.Update) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before recording a change to the state: %w", err)
	}
	if u.Empty() {
		return nil
	}
	for _, r := range u.Set {
		if r == nil || r.Address == "" {
			return errors.New("internal error: a state change sets a resource without an address")
		}
	}
	pool, err := b.db(ctx)
	if err != nil {
		return err
	}
	b.mu.RLock()
	known := b.lineage
	b.mu.RUnlock()
	batch, err := b.applyBatch(u, known)
	if err != nil {
		return err
	}
	addrs := addressesOf(u)
	var fenced func(held bool) error
	if fence, ok := b.queueFence(batch, addrs); ok {
		if err := fence.session.Lost(); err != nil {
			return err
		}
		fenced = func(held bool) error { return fence.verdict(held, addrs) }
	}
	stored, err := b.runApply(ctx, pool, batch, known, fenced)
	if err != nil {
		return err
	}
	if known == "" {
		b.mu.Lock()
		if b.lineage == "" {
			b.lineage = stored
		}
		b.mu.Unlock()
	}
	return nil
}

// applyBatch queues u's statements: create the workspace if needed, mark
// it changed, read its lineage (shared lock), then the rows, then the
// digest key's fingerprint (once per run, so that upgrading the shared
// row lock there races with no other Apply of the run).
func (b *Backend) applyBatch(u state.Update, lineage string) (*pgx.Batch, error) {
	if lineage == "" {
		lineage = state.NewLineage()
	}
	ws := b.opts.Workspace
	batch := &pgx.Batch{}
	batch.Queue(b.sql.insertWorkspace, ws, state.Version, lineage)
	if u.Outputs != nil {
		data, err := json.Marshal(u.Outputs)
		if err != nil {
			return nil, fmt.Errorf("encoding the outputs: %w", err)
		}
		plain, sealed, err := b.seal(data)
		if err != nil {
			return nil, fmt.Errorf("encrypting the outputs: %w", err)
		}
		batch.Queue(b.sql.setOutputs, ws, plain, sealed)
	} else {
		batch.Queue(b.sql.markDirty, ws)
	}
	batch.Queue(b.sql.lockWorkspaceShare, ws)
	for _, r := range u.Set {
		args, err := b.resourceArgs(r)
		if err != nil {
			return nil, err
		}
		batch.Queue(b.sql.upsertResource, args...)
	}
	for _, a := range u.Remove {
		batch.Queue(b.sql.deleteResource, ws, a)
	}
	if u.DigestKeyID != "" {
		batch.Queue(b.sql.setDigestKeyID, ws, u.DigestKeyID)
	}
	return batch, nil
}

// runApply sends the batch in a transaction and commits it unless the
// stored lineage is not the known one. It returns the stored lineage.
func (b *Backend) runApply(ctx context.Context, pool interface {
	Begin(context.Context) (pgx.Tx, error)
}, batch *pgx.Batch, known string, fenced func(held bool) error) (string, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return "", b.wrap("could not record a change", err)
	}
	defer tx.Rollback(ctx)
	res := tx.SendBatch(ctx, batch)
	var lineage string
	var version int
	var held bool
	for i := range batch.Len() {
		switch {
		case i == 2:
			err = res.QueryRow().Scan(&lineage, &version)
		case i == batch.Len()-1 && fenced != nil:
			err = res.QueryRow().Scan(&held)
		default:
			_, err = res.Exec()
		}
		if err != nil {
			res.Close()
			return "", b.wrap("could not record a change", err)
		}
	}
	if err := res.Close(); err != nil {
		return "", b.wrap("could not record a change", err)
	}
	if fenced != nil {
		if err := fenced(held); err != nil {
			return "", err
		}
	}
	if version > state.Version {
		return "", &state.VersionError{Path: b.String(), Version: version}
	}
	if known != "" && lineage != known {
		return "", fmt.Errorf("refusing to record a change in %s: it holds the state with lineage %s, and this run loaded lineage %s, so they are different states", b, lineage, known)
	}
	if err := tx.Commit(ctx); err != nil {
		return "", b.wrap("could not record a change", err)
	}
	return lineage, nil
}
