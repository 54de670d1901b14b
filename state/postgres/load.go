package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// Load reads the workspace in one read-only REPEATABLE READ transaction,
// so that it sees every resource as of one moment while Applys go on. An
// absent workspace loads as state.New(). The serial is the workspace's,
// plus one when Applys changed it since the last Compact.
func (b *Backend) Load(ctx context.Context) (*state.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped before reading the state: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s, err := b.load(ctx)
	if err != nil {
		return nil, err
	}
	b.lineage = s.Lineage
	return s, nil
}

func (b *Backend) load(ctx context.Context) (*state.State, error) {
	tx, err := b.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	s, exists, err := b.readWorkspace(ctx, tx)
	if err != nil || !exists {
		return s, err
	}
	rows, err := tx.Query(ctx, b.sql.readResources, b.opts.Workspace)
	if err != nil {
		return nil, b.wrap("could not read the state", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := b.scanResource(rows)
		if err != nil {
			return nil, b.wrap("could not read the state", err)
		}
		s.Resources[r.Address] = r
	}
	if err := rows.Err(); err != nil {
		return nil, b.wrap("could not read the state", err)
	}
	return s, nil
}

// readWorkspace reads the workspace row: version, lineage, serial,
// outputs and the digest key's fingerprint. An absent row is a new state.
func (b *Backend) readWorkspace(ctx context.Context, tx pgx.Tx) (*state.State, bool, error) {
	var (
		version             int
		serial              int64
		dirty               bool
		outputs, sealedOuts []byte
		keyID               *string
	)
	s := state.New()
	err := tx.QueryRow(ctx, b.sql.readWorkspace, b.opts.Workspace).Scan(&version, &s.Lineage, &serial, &dirty, &outputs, &sealedOuts, &keyID)
	if errors.Is(err, pgx.ErrNoRows) {
		return state.New(), false, nil
	}
	if err != nil {
		return nil, false, b.wrap("could not read the state", err)
	}
	if version > state.Version {
		return nil, false, &state.VersionError{Path: b.String(), Version: version}
	}
	s.Serial = uint64(serial)
	if keyID != nil {
		s.DigestKeyID = *keyID
	}
	if dirty {
		s.Serial++
	}
	raw, err := b.open(outputs, sealedOuts)
	if err != nil {
		return nil, false, fmt.Errorf("could not read the outputs of %s: %w", b, err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &s.Outputs); err != nil {
			return nil, false, fmt.Errorf("the outputs stored in %s are damaged: %w", b, err)
		}
		if s.Outputs == nil {
			s.Outputs = map[string]*state.Output{}
		}
	}
	return s, true, nil
}

// Resources reads the current records of the given addresses (absent
// ones are left out), in one query whatever the size of the state.
func (b *Backend) Resources(ctx context.Context, addrs []string) (map[string]*state.Resource, error) {
	pool, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	return b.resourcesIn(ctx, pool, addrs)
}

// querier is a pool, a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (b *Backend) resourcesIn(ctx context.Context, q querier, addrs []string) (map[string]*state.Resource, error) {
	out := make(map[string]*state.Resource, len(addrs))
	if len(addrs) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, b.sql.readResourcesByAddr, b.opts.Workspace, addrs)
	if err != nil {
		return nil, b.wrap("could not read resources", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := b.scanResource(rows)
		if err != nil {
			return nil, b.wrap("could not read resources", err)
		}
		out[r.Address] = r
	}
	return out, b.wrap("could not read resources", rows.Err())
}

// beginRead begins the read-only REPEATABLE READ transaction a whole read
// of the workspace runs in: one snapshot, whatever Applys commit meanwhile.
func (b *Backend) beginRead(ctx context.Context) (pgx.Tx, error) {
	pool, err := b.db(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, b.wrap("could not read the state", err)
	}
	return tx, nil
}
