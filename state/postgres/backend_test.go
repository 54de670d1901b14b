package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
	"github.com/daftar-dev/daftar/state/postgres"
	"github.com/daftar-dev/daftar/state/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

func newBackend(t testing.TB, schema, workspace string) *postgres.Backend {
	t.Helper()
	b := postgres.New(postgres.Options{ConnStr: pgtest.ConnStr(t), Schema: schema, Workspace: workspace})
	t.Cleanup(func() { b.Close() })
	return b
}

func account(key, attrs string) *state.Resource {
	return (&state.Resource{Address: `usapi_account.hire["` + key + `"]`}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).WithIndexKey(json.RawMessage(`"` + key + `"`)).WithUpdatedAt(time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)).WithAttributes(json.RawMessage(attrs))
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestWorkspacesAreIsolated(t *testing.T) {
	schema := pgtest.Schema(t)
	a, b := newBackend(t, schema, "a"), newBackend(t, schema, "b")
	if _, err := a.Load(ctxT(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(context.Background(), state.Update{Set: []*state.Resource{account("ani", `{"username":"ani"}`)}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Resources) != 0 || got.Serial != 0 {
		t.Errorf("workspace b sees %d resources at serial %d of workspace a", len(got.Resources), got.Serial)
	}
	// Their locks are separate too.
	ua, err := a.Lock(ctxT(t, 5*time.Second), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Unlock()
	ub, err := b.Lock(ctxT(t, 5*time.Second), state.NewLockInfo("apply"))
	if err != nil {
		t.Fatalf("locking workspace b while a is locked: %v", err)
	}
	ub.Unlock()
}

// The values are stored as given, byte for byte: key order, spacing and
// nanoseconds survive, so that a migration loses nothing.
func TestValuesKeptVerbatim(t *testing.T) {
	b := newBackend(t, pgtest.Schema(t), "default")
	s, err := b.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := account("ani", `{"z": 1, "a": [1.50, "x"], "m": {"b": null}}`)
	r.SetDependencies([]string{"usapi_account.admin"})
	u := state.Update{Set: []*state.Resource{r, account("budi", `{}`)}, Outputs: map[string]*state.Output{"o": {Value: json.RawMessage(`{"b":1, "a":2}`), Type: json.RawMessage(`["object",{"a":"number","b":"number"}]`), Sensitive: true}}}
	if err := b.Apply(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	s.Apply(u)
	got, err := newBackend(t, b.Schema(), "default").Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Serial != 1 {
		t.Errorf("serial after an Apply on a new workspace: %d, want 1", got.Serial)
	}
	s.Serial = got.Serial
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(s)
	if !bytes.Equal(g, w) {
		t.Errorf("stored and loaded state differ\ngot:  %s\nwant: %s", g, w)
	}
	if a := string(backendtest.AttrsOf(got.Resources[r.Address])); a != string(backendtest.AttrsOf(r)) {
		t.Errorf("attributes came back as %s, want exactly %s", a, backendtest.AttrsOf(r))
	}
	// The rows of one resource share its Kind once loaded.
	ani, budi := got.Resources[r.Address], got.Resources[`usapi_account.hire["budi"]`]
	if ani.Kind() != r.Kind() || budi.Kind() != r.Kind() || unsafe.StringData(ani.Type()) != unsafe.StringData(budi.Type()) {
		t.Errorf("loaded with the Kinds %+v and %+v, held apart; want %+v, shared", ani.Kind(), budi.Kind(), r.Kind())
	}
	if !got.Resources[r.Address].UpdatedAt().Equal(r.UpdatedAt()) {
		t.Errorf("updated_at came back as %v, want %v", got.Resources[r.Address].UpdatedAt(), r.UpdatedAt())
	}
}

func TestSharedLock(t *testing.T) {
	schema := pgtest.Schema(t)
	w1, err := newBackend(t, schema, "default").LockShared(ctxT(t, 5*time.Second), state.NewLockInfo("apply -join"))
	if err != nil {
		t.Fatal(err)
	}
	w2, err := newBackend(t, schema, "default").LockShared(ctxT(t, 5*time.Second), state.NewLockInfo("apply -join"))
	if err != nil {
		t.Fatalf("a second worker could not share the lock: %v", err)
	}
	_, err = newBackend(t, schema, "default").Lock(ctxT(t, 50*time.Millisecond), state.NewLockInfo("plan"))
	var lerr *state.LockError
	if !errors.As(err, &lerr) || lerr.Info.ID != w1.Info().ID {
		t.Fatalf("plan's exclusive lock while workers hold it shared: %v; want a LockError naming the first worker %s", err, w1.Info().ID)
	}
	w1.Unlock()
	w2.Unlock()
	ex, err := newBackend(t, schema, "default").Lock(ctxT(t, 5*time.Second), state.NewLockInfo("plan"))
	if err != nil {
		t.Fatalf("exclusive lock once the workers left: %v", err)
	}
	defer ex.Unlock()
	if _, err := newBackend(t, schema, "default").LockShared(ctxT(t, 50*time.Millisecond), state.NewLockInfo("apply -join")); err == nil {
		t.Fatal("a worker joined while an exclusive lock was held")
	}
}

// A lock held by a process that dies is released by PostgreSQL when its
// session ends: the next Lock takes it without force-unlock.
func TestLockReleasedWhenHolderDies(t *testing.T) {
	if os.Getenv("DAFTAR_PG_LOCK_CHILD") != "" {
		lockAndSleep()
		return
	}
	schema := pgtest.Schema(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockReleasedWhenHolderDies$")
	cmd.Env = append(os.Environ(), "DAFTAR_PG_LOCK_CHILD=1", "DAFTAR_PG_LOCK_SCHEMA="+schema, pgtest.EnvConnStr+"="+pgtest.ConnStr(t))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 6)
	if _, err := out.Read(line); err != nil || string(line) != "locked" {
		cmd.Process.Kill()
		t.Fatalf("the child did not take the lock: %q %v", line, err)
	}
	b := newBackend(t, schema, "default")
	_, err = b.Lock(ctxT(t, 100*time.Millisecond), state.NewLockInfo("plan"))
	var lerr *state.LockError
	if !errors.As(err, &lerr) || lerr.Info.PID != cmd.Process.Pid {
		t.Fatalf("Lock while the child holds it: %v; want a LockError naming pid %d", err, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), "apply") {
		t.Errorf("the refusal does not say what holds the lock: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	u, err := b.Lock(ctxT(t, 10*time.Second), state.NewLockInfo("plan"))
	if err != nil {
		t.Fatalf("the lock of a killed holder was not released: %v", err)
	}
	u.Unlock()
}

func lockAndSleep() {
	b := postgres.New(postgres.Options{ConnStr: os.Getenv(pgtest.EnvConnStr), Schema: os.Getenv("DAFTAR_PG_LOCK_SCHEMA")})
	if _, err := b.Lock(context.Background(), state.NewLockInfo("apply")); err != nil {
		os.Stdout.WriteString("failed " + err.Error())
		os.Exit(1)
	}
	os.Stdout.WriteString("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

func TestForceUnlockEndsTheHolderSession(t *testing.T) {
	schema := pgtest.Schema(t)
	holder := newBackend(t, schema, "default")
	info := state.NewLockInfo("apply")
	u, err := holder.Lock(ctxT(t, 5*time.Second), info)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Unlock()
	other := newBackend(t, schema, "default")
	if err := other.ForceUnlock("not-the-id"); err == nil {
		t.Fatal("force-unlock with a wrong ID released something")
	}
	if err := other.ForceUnlock(info.ID); err != nil {
		t.Fatal(err)
	}
	again, err := other.Lock(ctxT(t, 10*time.Second), state.NewLockInfo("plan"))
	if err != nil {
		t.Fatalf("Lock after force-unlock: %v", err)
	}
	again.Unlock()
}

type rot13 struct{}

func (rot13) Encrypt(p []byte) ([]byte, error) { return append([]byte("SEALED:"), shift(p)...), nil }
func (rot13) Decrypt(c []byte) ([]byte, error) {
	if !bytes.HasPrefix(c, []byte("SEALED:")) {
		return nil, errors.New("not sealed")
	}
	return shift(c[len("SEALED:"):]), nil
}
func shift(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = c ^ 0x5a
	}
	return out
}

// With a Cipher, attributes and outputs are stored encrypted: the e-mail
// is nowhere in the tables, and a handle without the cipher cannot read it.
func TestCipherSealsPersonalFields(t *testing.T) {
	schema := pgtest.Schema(t)
	opts := postgres.Options{ConnStr: pgtest.ConnStr(t), Schema: schema, Cipher: rot13{}}
	b := postgres.New(opts)
	defer b.Close()
	u := state.Update{Set: []*state.Resource{account("ani", `{"email":"ani@example.id"}`)},
		Outputs: map[string]*state.Output{"mail": {Value: json.RawMessage(`"ani@example.id"`), Type: json.RawMessage(`"string"`)}}}
	if err := b.Apply(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), opts.ConnStr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	q := pgx.Identifier{schema}.Sanitize()
	var dump string
	err = conn.QueryRow(context.Background(), "SELECT (SELECT string_agg(r::text, ' ') FROM "+q+".resources r) || (SELECT string_agg(w::text, ' ') FROM "+q+".workspaces w)").Scan(&dump)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, "ani@example.id") {
		t.Errorf("the e-mail is stored in clear: %s", dump)
	}
	got, err := postgres.New(opts).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a := string(backendtest.AttrsOf(got.Resources[`usapi_account.hire["ani"]`])); a != `{"email":"ani@example.id"}` {
		t.Errorf("decrypted attributes: %s", a)
	}
	opts.Cipher = nil
	if _, err := postgres.New(opts).Load(context.Background()); err == nil || !strings.Contains(err.Error(), "DAFTAR_STATE_PASSPHRASE") {
		t.Errorf("Load without the cipher: %v; want an error asking for the passphrase", err)
	}
}

func TestMigrationsRecordedAndNewerRefused(t *testing.T) {
	schema := pgtest.Schema(t)
	b := newBackend(t, schema, "default")
	if _, err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), pgtest.ConnStr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	q := pgx.Identifier{schema}.Sanitize()
	var n, top int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), max(version) FROM "+q+".schema_migrations").Scan(&n, &top); err != nil {
		t.Fatal(err)
	}
	if n != postgres.SchemaVersion() || top != postgres.SchemaVersion() {
		t.Errorf("schema_migrations holds %d versions up to %d, want 1..%d", n, top, postgres.SchemaVersion())
	}
	// A second handle migrates nothing and works.
	if _, err := newBackend(t, schema, "default").Load(context.Background()); err != nil {
		t.Fatalf("second use of a migrated schema: %v", err)
	}
	if _, err := conn.Exec(context.Background(), "INSERT INTO "+q+".schema_migrations (version, description) VALUES ($1, 'from the future')", postgres.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	_, err = newBackend(t, schema, "default").Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), "newer daftar") {
		t.Errorf("Load of a schema migrated by a newer daftar: %v", err)
	}
}

// A row written before the module column existed (migration 6) has no
// module: the load reads it from the address, as a row written since holds
// it.
func TestModuleOfRowBeforeMigration6(t *testing.T) {
	schema := pgtest.Schema(t)
	b := newBackend(t, schema, "default")
	if _, err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := (&state.Resource{Address: `module.hire["ani"].module.kyc.usapi_account.this`}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "this", Provider: "usapi"}).WithUpdatedAt(time.Now()).WithAttributes(json.RawMessage(`{}`))
	root := account("budi", `{}`)
	if err := b.Apply(context.Background(), state.Update{Set: []*state.Resource{in, root}}); err != nil {
		t.Fatal(err)
	}
	execSQL(t, pgtest.ConnStr(t), "UPDATE "+pgx.Identifier{schema}.Sanitize()+".resources SET module = NULL")
	got, err := newBackend(t, schema, "default").Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Resources[in.Address].Module(); m != `module.hire["ani"].module.kyc` {
		t.Errorf("module of a row without one: %q, want %q", m, `module.hire["ani"].module.kyc`)
	}
	if m := got.Resources[root.Address].Module(); m != "" {
		t.Errorf("module of a root module row: %q, want none", m)
	}
}
