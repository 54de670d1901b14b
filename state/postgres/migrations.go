package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migration is one numbered step of the schema. Steps are never edited
// once released: a change of schema is a new step.
type migration struct {
	version     int
	description string
	sql         string // {s} stands for the quoted schema name
}

// migrations are applied in order, each in its own transaction, recorded
// in schema_migrations.
var migrations = []migration{
	{1, "workspaces, resources, locks and rate limits", `
CREATE TABLE {s}.workspaces (
	workspace      text PRIMARY KEY,
	version        integer NOT NULL,
	lineage        text NOT NULL,
	serial         bigint NOT NULL,
	dirty          boolean NOT NULL DEFAULT false,
	outputs        json,
	outputs_sealed bytea,
	updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {s}.resources (
	workspace         text NOT NULL REFERENCES {s}.workspaces ON DELETE CASCADE,
	address           text NOT NULL,
	mode              text NOT NULL,
	type              text NOT NULL,
	name              text NOT NULL,
	index_key         json,
	provider          text NOT NULL,
	attributes        json,
	attributes_sealed bytea,
	dependencies      text[],
	pending           json,
	updated_at        timestamptz NOT NULL,
	updated_ns        integer NOT NULL DEFAULT 0,
	PRIMARY KEY (workspace, address)
);
CREATE TABLE {s}.locks (
	workspace   text NOT NULL,
	id          text NOT NULL,
	mode        text NOT NULL,
	operation   text NOT NULL,
	who         text NOT NULL,
	pid         integer NOT NULL,
	created     timestamptz NOT NULL,
	backend_pid integer NOT NULL,
	PRIMARY KEY (workspace, id)
);
CREATE UNLOGGED TABLE {s}.rate_limits (
	workspace text NOT NULL,
	provider  text NOT NULL,
	next_at   timestamptz NOT NULL,
	PRIMARY KEY (workspace, provider)
);`},
	{2, "batches applied by many workers", `
CREATE TABLE {s}.batches (
	id          bigserial PRIMARY KEY,
	workspace   text NOT NULL,
	plan_digest text NOT NULL,
	status      text NOT NULL,
	lineage     text NOT NULL,
	serial      bigint NOT NULL,
	publisher   text NOT NULL,
	steps       integer NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz
);
CREATE UNIQUE INDEX batches_one_running ON {s}.batches (workspace) WHERE status = 'running';
CREATE INDEX batches_by_plan ON {s}.batches (workspace, plan_digest);
CREATE TABLE {s}.batch_steps (
	batch_id    bigint NOT NULL REFERENCES {s}.batches ON DELETE CASCADE,
	address     text NOT NULL,
	seq         integer NOT NULL,
	resource    text NOT NULL,
	action      text NOT NULL,
	status      text NOT NULL,
	worker      text,
	attempts    integer NOT NULL DEFAULT 0,
	error       text,
	claimed_at  timestamptz,
	finished_at timestamptz,
	PRIMARY KEY (batch_id, address)
);
CREATE INDEX batch_steps_ready ON {s}.batch_steps (batch_id, seq) WHERE status = 'ready';
CREATE INDEX batch_steps_claimed ON {s}.batch_steps (batch_id, worker) WHERE status = 'claimed';
CREATE INDEX batch_steps_by_resource ON {s}.batch_steps (batch_id, resource);
CREATE TABLE {s}.batch_resources (
	batch_id   bigint NOT NULL REFERENCES {s}.batches ON DELETE CASCADE,
	resource   text NOT NULL,
	steps_left integer NOT NULL,
	waiting    integer NOT NULL,
	failed     text,
	PRIMARY KEY (batch_id, resource)
);
CREATE TABLE {s}.batch_edges (
	batch_id bigint NOT NULL REFERENCES {s}.batches ON DELETE CASCADE,
	up       text NOT NULL,
	down     text NOT NULL,
	PRIMARY KEY (batch_id, up, down)
);
CREATE TABLE {s}.batch_records (
	batch_id bigint NOT NULL REFERENCES {s}.batches ON DELETE CASCADE,
	address  text NOT NULL,
	planned  bytea,
	stored   bytea,
	PRIMARY KEY (batch_id, address)
);
CREATE TABLE {s}.batch_workers (
	batch_id  bigint NOT NULL REFERENCES {s}.batches ON DELETE CASCADE,
	worker    text NOT NULL,
	who       text NOT NULL,
	pid       integer NOT NULL,
	lock_hi   bigint NOT NULL,
	lock_lo   bigint NOT NULL,
	joined_at timestamptz NOT NULL DEFAULT now(),
	dead_at   timestamptz,
	PRIMARY KEY (batch_id, worker)
);`},
	{3, "the digest key's fingerprint and sensitive attribute paths", `
ALTER TABLE {s}.workspaces ADD COLUMN digest_key_id text;
ALTER TABLE {s}.resources ADD COLUMN sensitive_paths json;`},
	{4, "each instance's configuration digest", `
ALTER TABLE {s}.resources ADD COLUMN config_digest text;`},
	{5, "whether a refresh reads the record again", `
ALTER TABLE {s}.resources ADD COLUMN settled boolean NOT NULL DEFAULT false;`},
	{6, "the module instance that holds a resource", `
ALTER TABLE {s}.resources ADD COLUMN module text;`},
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

// migrate brings the schema up to date. Concurrent first uses wait for
// each other on a transaction-level advisory lock; a schema migrated by a
// newer daftar is refused.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("could not prepare the schema %q: %w", schema, err)
	}
	defer tx.Rollback(ctx)
	q := pgx.Identifier{schema}.Sanitize()
	steps := []string{
		"SELECT pg_advisory_xact_lock($1)",
		"CREATE SCHEMA IF NOT EXISTS " + q,
		"CREATE TABLE IF NOT EXISTS " + q + ".schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
	}
	for i, s := range steps {
		var args []any
		if i == 0 {
			args = append(args, advisoryKey("migrate", schema))
		}
		if _, err := tx.Exec(ctx, s, args...); err != nil {
			return fmt.Errorf("could not prepare the schema %q: %w", schema, err)
		}
	}
	var current int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+q+".schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("could not read the schema version of %q: %w", schema, err)
	}
	if current > SchemaVersion() {
		return fmt.Errorf("the schema %q was migrated by a newer daftar (schema version %d); this daftar knows version %d: upgrade daftar", schema, current, SchemaVersion())
	}
	for _, m := range migrations {
		if m.version <= current {
			continue
		}
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.sql, "{s}", q)); err != nil {
			return fmt.Errorf("could not migrate the schema %q to version %d (%s): %w", schema, m.version, m.description, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+q+".schema_migrations (version, description) VALUES ($1, $2)", m.version, m.description); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("could not prepare the schema %q: %w", schema, err)
	}
	return nil
}
