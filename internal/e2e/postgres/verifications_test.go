package postgres_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

// The configuration of a batch of verifications on PostgreSQL, shared by
// the fencing tests (unix: they stop processes) and the others.

// verificationsConfig is n Proofylink verifications and nothing else, at
// rate requests a second, the state in PostgreSQL schema.
func verificationsConfig(url, schema string, n, rate int) map[string]string {
	return map[string]string{
		"backend.hcl": fmt.Sprintf("daftar {\n  backend \"postgres\" {\n    schema_name = %q\n  }\n}\n", schema),
		"main.hcl": fmt.Sprintf(`
provider "proofylink" {
  endpoint   = "%[1]s/proofylink"
  token      = "sandbox-proofylink-token"
  rate_limit = %[3]d
}
locals {
  people = { for i in range(%[2]d) : format("p%%03d", i) => i }
}
resource "proofylink_verification" "p" {
  for_each             = local.people
  consent              = "email"
  verification_type_id = 1
  id_number            = format("32730110079%%05d", each.value + 1)
  full_name            = "Person ${each.key}"
  email                = "${each.key}@example.id"
  phone_number         = format("62813%%08d", each.value)
  ktp_image            = "ktp.jpg"
}
`, url, n, rate),
	}
}

// verificationsDir writes the configuration and the KTP image into a new
// directory.
func verificationsDir(t *testing.T, url, schema string, n, rate int) string {
	t.Helper()
	ktp, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "quickstart", "ktp", "ani.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, verificationsConfig(url, schema, n, rate))
	writeFiles(t, dir, map[string]string{"ktp.jpg": string(ktp)})
	return dir
}

// count runs a counting query as the test server's user.
func count(t *testing.T, query string, args ...any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.ConnStr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// admin runs statements as the test server's user.
func admin(t *testing.T, connStr string, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, connStr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
