package postgres

import (
	"context"
	"fmt"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

var _ state.Viewer = (*Backend)(nil)

// View reads the workspace as Load does, in one read-only REPEATABLE READ
// transaction kept open until Close, so that every Each sees the same
// resources while Applys go on. Each runs one query ordered by address,
// whose rows pgx reads from the connection as they come: the client holds
// one row at a time, whatever the size of the workspace.
func (b *Backend) View(ctx context.Context) (state.View, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped before reading the state: %w", err)
	}
	tx, err := b.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	s, exists, err := b.readWorkspace(ctx, tx)
	if err != nil {
		tx.Rollback(context.Background())
		return nil, err
	}
	return &view{b: b, tx: tx, head: s, exists: exists}, nil
}

// view is a workspace read in one transaction.
type view struct {
	b      *Backend
	tx     pgx.Tx
	head   *state.State
	exists bool
}

func (v *view) Head() *state.State { return v.head }

func (v *view) Each(ctx context.Context, fn func(*state.Resource) error) error {
	if !v.exists {
		return nil
	}
	rows, err := v.tx.Query(ctx, v.b.sql.readResourcesInOrder, v.b.opts.Workspace)
	if err != nil {
		return v.b.wrap("could not read the state", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := v.b.scanResource(rows)
		if err != nil {
			return v.b.wrap("could not read the state", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return v.b.wrap("could not read the state", rows.Err())
}

func (v *view) Close() error {
	return v.tx.Rollback(context.Background())
}
