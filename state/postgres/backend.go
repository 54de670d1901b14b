package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of Options.
const (
	DefaultSchema    = "daftar"
	DefaultWorkspace = "default"
)

// Options locate a state in PostgreSQL.
type Options struct {
	// ConnStr is a libpq connection string or URL
	// (postgres://user@host:5432/db?sslmode=verify-full). It holds a
	// password: it must never be printed or stored.
	ConnStr string
	// Schema holds daftar's tables; DefaultSchema when empty. It is
	// created when missing.
	Schema string
	// Workspace names one state among those the schema holds;
	// DefaultWorkspace when empty.
	Workspace string
	// Cipher, when set, encrypts attributes, outputs and the records a
	// batch keeps, so that personal fields are not stored in clear.
	Cipher Cipher
}

// Cipher encrypts values at rest: the local backend's cipher
// (*crypt.Cipher), applied here to each value rather than to a file. It
// must be safe for concurrent use.
type Cipher = state.Cipher

// Backend is a state stored in PostgreSQL. It connects on first use. Apply
// may be called from many goroutines and many processes at once; Load and
// Compact wait for this handle's Applys under way.
type Backend struct {
	opts Options
	sql  *queries
	// key is the workspace's advisory lock key.
	key int64

	openMu sync.Mutex
	pool   *pgxpool.Pool

	// mu is shared by Apply and held alone by Load and Compact.
	mu sync.RWMutex
	// lineage is the lineage this handle loaded or wrote; "" before.
	lineage string

	// fence, when set, is checked by every write: the lock this handle
	// holds (fence.go).
	fence atomic.Pointer[lockFence]
}

var _ state.Backend = (*Backend)(nil)

// New returns the backend of one workspace. It does not connect until a
// method needs to.
func New(opts Options) *Backend {
	if opts.Schema == "" {
		opts.Schema = DefaultSchema
	}
	if opts.Workspace == "" {
		opts.Workspace = DefaultWorkspace
	}
	return &Backend{opts: opts, sql: newQueries(opts.Schema), key: advisoryKey("state", opts.Schema, opts.Workspace)}
}

// Workspace is the workspace's name.
func (b *Backend) Workspace() string { return b.opts.Workspace }

// Schema is the schema holding the tables.
func (b *Backend) Schema() string { return b.opts.Schema }

// String describes where the state is, without the connection string's
// secrets, for messages.
func (b *Backend) String() string {
	return fmt.Sprintf("PostgreSQL workspace %q (schema %q on %s)", b.opts.Workspace, b.opts.Schema, hostOf(b.opts.ConnStr))
}

// Close closes the connections. Locks taken through this handle are held
// by their own connections and released by their Unlock.
func (b *Backend) Close() error {
	b.openMu.Lock()
	defer b.openMu.Unlock()
	if b.pool != nil {
		b.pool.Close()
		b.pool = nil
	}
	return nil
}

// db returns the connection pool, connecting and migrating the schema on
// first use. A failure is returned and tried again on the next call.
func (b *Backend) db(ctx context.Context) (*pgxpool.Pool, error) {
	b.openMu.Lock()
	defer b.openMu.Unlock()
	if b.pool != nil {
		return b.pool, nil
	}
	cfg, err := pgxpool.ParseConfig(b.opts.ConnStr)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL connection string is not valid: %s", redact(err, b.opts.ConnStr))
	}
	if !strings.Contains(b.opts.ConnStr, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, 16)
	}
	// daftar's transactions last milliseconds. One left open by a process
	// that was stopped (SIGSTOP, a paused VM) would hold its row locks,
	// and block every other daftar, for as long as the pause: the server
	// ends it instead, and the fence refuses what that process writes
	// afterwards.
	if _, set := cfg.ConnConfig.RuntimeParams[idleInTransaction]; !set {
		cfg.ConnConfig.RuntimeParams[idleInTransaction] = "10s"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectFailure(err, b.opts.ConnStr)
	}
	if err := migrate(ctx, pool, b.opts.Schema); err != nil {
		pool.Close()
		var cerr *pgconn.ConnectError
		if errors.As(err, &cerr) {
			return nil, connectFailure(err, b.opts.ConnStr)
		}
		return nil, err
	}
	b.pool = pool
	return pool, nil
}

// idleInTransaction is the server setting that ends a transaction left
// idle; see db.
const idleInTransaction = "idle_in_transaction_session_timeout"

// connect opens a connection of its own, outside the pool: the session
// that holds an advisory lock for as long as it lives.
func (b *Backend) connect(ctx context.Context) (*pgx.Conn, error) {
	if _, err := b.db(ctx); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, b.opts.ConnStr)
	if err != nil {
		return nil, connectFailure(err, b.opts.ConnStr)
	}
	return conn, nil
}

// advisoryKey hashes its parts into a 64-bit advisory lock key.
func advisoryKey(parts ...string) int64 {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return int64(binary.BigEndian.Uint64(h[:8]))
}

// hostOf names the server of a connection string for messages, never its
// password.
func hostOf(connStr string) string {
	cfg, err := pgx.ParseConfig(connStr)
	if err != nil {
		return "an unreadable address"
	}
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

// connectFailure says that the server could not be reached, with the
// cause in one phrase and not pgx's chain (which names the user, the
// address twice and the dial): "cannot connect to PostgreSQL at
// HOST:PORT/DB: connection refused". The password is never in it.
func connectFailure(err error, connStr string) error {
	return fmt.Errorf("cannot connect to PostgreSQL at %s: %s", hostOf(connStr), connectCause(err, connStr))
}

func connectCause(err error, connStr string) string {
	var pgErr *pgconn.PgError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Message // the server's own words: authentication failed, no such database
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (is PostgreSQL running, and listening on that address?)"
	case errors.Is(err, syscall.ECONNRESET):
		return "the server closed the connection"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to the host"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the host name %q is unknown", dnsErr.Name)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer before the connection timed out"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	// The innermost error is the cause; the chain above it only repeats
	// where daftar was connecting.
	inner := err
	for {
		next := errors.Unwrap(inner)
		if next == nil {
			break
		}
		inner = next
	}
	return redact(inner, connStr)
}

// redact removes the connection string's password from an error message.
func redact(err error, connStr string) string {
	msg := err.Error()
	if cfg, perr := pgx.ParseConfig(connStr); perr == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "********")
	}
	return msg
}

// wrap names the workspace in a database error.
func (b *Backend) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var verr *state.VersionError
	if errors.As(err, &verr) {
		return err
	}
	return fmt.Errorf("%s in %s: %w", what, b, err)
}
