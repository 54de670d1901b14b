package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

// queries are the statements of one schema, its name quoted in.
type queries struct {
	schema string // quoted

	insertWorkspace, markDirty, setOutputs, lockWorkspaceShare string
	setDigestKeyID                                             string
	upsertResource, deleteResource                             string
	readWorkspace, readResources, readResourcesByAddr          string
}

const resourceColumns = "address, mode, type, name, index_key, provider, attributes, attributes_sealed, dependencies, pending, updated_at, updated_ns, sensitive_paths, config_digest, settled, module"

func newQueries(schema string) *queries {
	s := pgx.Identifier{schema}.Sanitize()
	r := strings.NewReplacer("{s}", s, "{cols}", resourceColumns)
	return &queries{
		schema: s,
		insertWorkspace: r.Replace(`INSERT INTO {s}.workspaces (workspace, version, lineage, serial, dirty)
			VALUES ($1, $2, $3, 0, true) ON CONFLICT (workspace) DO NOTHING`),
		markDirty:          r.Replace(`UPDATE {s}.workspaces SET dirty = true, updated_at = now() WHERE workspace = $1 AND NOT dirty`),
		setOutputs:         r.Replace(`UPDATE {s}.workspaces SET dirty = true, outputs = $2, outputs_sealed = $3, updated_at = now() WHERE workspace = $1`),
		setDigestKeyID:     r.Replace(`UPDATE {s}.workspaces SET dirty = true, digest_key_id = $2, updated_at = now() WHERE workspace = $1`),
		lockWorkspaceShare: r.Replace(`SELECT lineage, version FROM {s}.workspaces WHERE workspace = $1 FOR SHARE`),
		upsertResource: r.Replace(`INSERT INTO {s}.resources (workspace, {cols})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
			ON CONFLICT (workspace, address) DO UPDATE SET
				mode = EXCLUDED.mode, type = EXCLUDED.type, name = EXCLUDED.name,
				index_key = EXCLUDED.index_key, provider = EXCLUDED.provider,
				attributes = EXCLUDED.attributes, attributes_sealed = EXCLUDED.attributes_sealed,
				dependencies = EXCLUDED.dependencies, pending = EXCLUDED.pending,
				updated_at = EXCLUDED.updated_at, updated_ns = EXCLUDED.updated_ns,
				sensitive_paths = EXCLUDED.sensitive_paths, config_digest = EXCLUDED.config_digest, settled = EXCLUDED.settled,
				module = EXCLUDED.module`),
		deleteResource:      r.Replace(`DELETE FROM {s}.resources WHERE workspace = $1 AND address = $2`),
		readWorkspace:       r.Replace(`SELECT version, lineage, serial, dirty, outputs, outputs_sealed, digest_key_id FROM {s}.workspaces WHERE workspace = $1`),
		readResources:       r.Replace(`SELECT {cols} FROM {s}.resources WHERE workspace = $1`),
		readResourcesByAddr: r.Replace(`SELECT {cols} FROM {s}.resources WHERE workspace = $1 AND address = ANY($2)`),
	}
}

// t returns a table name qualified with the schema.
func (q *queries) t(table string) string { return q.schema + "." + table }
