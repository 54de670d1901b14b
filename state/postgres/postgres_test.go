package postgres_test

import (
	"context"
	"os"
	"testing"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/daftar-dev/daftar/state/postgres"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newStore is a fresh schema for one test; every handle opens the same
// workspace in it.
func newStore(t *testing.T) backendtest.Store {
	connStr := pgtest.ConnStr(t)
	schema := pgtest.Schema(t)
	opts := postgres.Options{ConnStr: connStr, Schema: schema, Workspace: "default"}
	return backendtest.Store{
		Open: func() state.Backend { return postgres.New(opts) },
		SetVersion: func(t *testing.T, version int) {
			execSQL(t, connStr, "UPDATE "+pgx.Identifier{schema}.Sanitize()+".workspaces SET version = $1", version)
		},
	}
}

func TestBackendSuite(t *testing.T) {
	backendtest.Run(t, newStore)
}

func execSQL(t *testing.T, connStr, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, connStr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
