package postgres_test

import (
	"fmt"
	"testing"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
)

// TestBackfillDigestsInPostgres: rows without config_digest (as an older
// daftar wrote them) gain it at an apply with no changes, an upsert of
// each row that changes nothing else; the plan before and after says no
// changes.
//
// The rows are compared with copies taken before the digests were removed
// (old_rows, in the test's schema).
func TestBackfillDigestsInPostgres(t *testing.T) {
	const n = 3
	schema := pgtest.Schema(t)
	url := sandbox(t, "-tokens=1000", "-verify-delay=0s")
	dir := verificationsDir(t, url, schema, n, 0)
	must(t, 0, dir, "apply", "-auto-approve")
	// The second apply writes the outcomes refresh found (each with its
	// digest): from then on the rows are what an unchanged batch holds.
	must(t, 0, dir, "apply", "-auto-approve")

	digested := fmt.Sprintf("SELECT count(*) FROM %q.resources WHERE config_digest IS NOT NULL", schema)
	if got := count(t, digested); got != n {
		t.Fatalf("%d rows with config_digest after the first apply, want %d", got, n)
	}
	const unchanged = `SELECT count(*) FROM %[1]q.resources r JOIN %[1]q.old_rows o USING (address)
		WHERE r.attributes::text IS NOT DISTINCT FROM o.attributes::text
		AND r.attributes_sealed IS NOT DISTINCT FROM o.attributes_sealed
		AND r.updated_at = o.updated_at AND r.settled IS NOT DISTINCT FROM o.settled`
	admin(t, pgtest.ConnStr(t),
		fmt.Sprintf("UPDATE %q.resources SET config_digest = NULL", schema),
		fmt.Sprintf("CREATE TABLE %[1]q.old_rows AS SELECT * FROM %[1]q.resources", schema))

	must(t, 0, dir, "plan", "-detailed-exitcode") // bookkeeping, not a change
	if got := count(t, digested); got != 0 {
		t.Fatalf("plan wrote %d digests, want none", got)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	if got := count(t, digested); got != n {
		t.Fatalf("%d rows with config_digest after the apply with no changes, want %d", got, n)
	}
	if got := count(t, fmt.Sprintf(unchanged, schema)); got != n {
		t.Errorf("%d rows of %d unchanged but for their digest", got, n)
	}
	must(t, 0, dir, "plan", "-detailed-exitcode")
}
