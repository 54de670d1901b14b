package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// Compact closes a run: the rows already hold every Apply, so it checks
// that s is the stored state's lineage and not older than it, and raises
// the serial when Applys changed the workspace since the last Compact (s
// must be the state Load returned with those Applys). When nothing
// changed, the serial stays.
//
// Into a workspace never written, Compact writes s whole, keeping its
// lineage: that is how a state is migrated here from another backend.
func (b *Backend) Compact(ctx context.Context, s *state.State) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stopped before writing the state: %w", err)
	}
	if s == nil || s.Lineage == "" {
		return errors.New("internal error: compacting a state without a lineage")
	}
	pool, err := b.db(ctx)
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return b.wrap("could not write the state", err)
	}
	defer tx.Rollback(ctx)
	var (
		lineage string
		serial  int64
		dirty   bool
	)
	err = tx.QueryRow(ctx, "SELECT lineage, serial, dirty FROM "+b.sql.t("workspaces")+" WHERE workspace = $1 FOR UPDATE", b.opts.Workspace).Scan(&lineage, &serial, &dirty)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = b.writeWhole(ctx, tx, s)
	case err != nil:
		return b.wrap("could not write the state", err)
	default:
		err = b.raiseSerial(ctx, tx, s, lineage, uint64(serial), dirty)
	}
	if err != nil {
		return err
	}
	if err := b.checkFenceIn(ctx, tx, nil); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return b.wrap("could not write the state", err)
	}
	b.lineage = s.Lineage
	return nil
}

func (b *Backend) raiseSerial(ctx context.Context, tx pgx.Tx, s *state.State, lineage string, serial uint64, dirty bool) error {
	if s.Lineage != lineage {
		return fmt.Errorf("refusing to write over the state in %s: it has lineage %s, and the state to write has lineage %s, so they are different states", b, lineage, s.Lineage)
	}
	if s.Serial < serial {
		return fmt.Errorf("refusing to write over the state in %s: it is at serial %d, and the state to write is at serial %d, older, so its changes would be lost", b, serial, s.Serial)
	}
	if !dirty {
		s.Serial = serial
		return nil
	}
	_, err := tx.Exec(ctx, "UPDATE "+b.sql.t("workspaces")+" SET serial = serial + 1, dirty = false, updated_at = now() WHERE workspace = $1", b.opts.Workspace)
	if err != nil {
		return b.wrap("could not write the state", err)
	}
	s.Serial = serial + 1
	return nil
}

// writeWhole writes s into a workspace never written, with serial
// s.Serial+1 (as the local backend's Compact does).
func (b *Backend) writeWhole(ctx context.Context, tx pgx.Tx, s *state.State) error {
	outs, err := json.Marshal(outputsOf(s))
	if err != nil {
		return err
	}
	plain, sealed, err := b.seal(outs)
	if err != nil {
		return fmt.Errorf("encrypting the outputs: %w", err)
	}
	_, err = tx.Exec(ctx, "INSERT INTO "+b.sql.t("workspaces")+" (workspace, version, lineage, serial, dirty, outputs, outputs_sealed, digest_key_id) VALUES ($1, $2, $3, $4, false, $5, $6, $7)",
		b.opts.Workspace, state.Version, s.Lineage, int64(s.Serial+1), plain, sealed, nullString(s.DigestKeyID))
	if err != nil {
		return b.wrap("could not write the state", err)
	}
	rows := make([][]any, 0, len(s.Resources))
	for _, a := range s.Addresses() {
		args, err := b.resourceArgs(s.Resources[a])
		if err != nil {
			return err
		}
		rows = append(rows, args)
	}
	cols := []string{"workspace", "address", "mode", "type", "name", "index_key", "provider", "attributes", "attributes_sealed", "dependencies", "pending", "updated_at", "updated_ns", "sensitive_paths", "config_digest", "settled", "module"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{b.opts.Schema, "resources"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return b.wrap("could not write the state", err)
	}
	s.Serial++
	return nil
}

func outputsOf(s *state.State) map[string]*state.Output {
	if s.Outputs == nil {
		return map[string]*state.Output{}
	}
	return s.Outputs
}
