package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/state"
	"github.com/jackc/pgx/v5"
)

// resourceArgs are the values of upsertResource for r.
func (b *Backend) resourceArgs(r *state.Resource) ([]any, error) {
	plain, err := r.Attributes()
	if err != nil {
		return nil, err
	}
	attrs, sealed, err := b.seal(plain)
	if err != nil {
		return nil, fmt.Errorf("encrypting the attributes of %s: %w", r.Address, err)
	}
	var pending []byte
	if r.Pending() != nil {
		if pending, err = json.Marshal(r.Pending()); err != nil {
			return nil, err
		}
	}
	var paths []byte
	if len(r.SensitivePaths()) > 0 {
		if paths, err = json.Marshal(r.SensitivePaths()); err != nil {
			return nil, fmt.Errorf("encoding the sensitive paths of %s: %w", r.Address, err)
		}
	}
	at := r.UpdatedAt().UTC()
	micro := at.Truncate(time.Microsecond)
	return []any{b.opts.Workspace, r.Address, r.Mode(), r.Type(), r.Name(), nullJSON(r.IndexKey()), r.Provider(),
		attrs, sealed, r.Dependencies(), nullJSON(pending), micro, int32(at.Sub(micro)), paths, nullText(r.ConfigDigest()), r.Settled, nullText(r.Module())}, nil
}

// scanResource reads one row of resourceColumns.
func (b *Backend) scanResource(row pgx.Row) (*state.Resource, error) {
	var (
		r              state.Resource
		attrs, sealed  []byte
		index, pending []byte
		paths          []byte
		at             time.Time
		ns             int32
		digest, module *string
		deps           []string
		kind           state.Kind
	)
	if err := row.Scan(&r.Address, &kind.Mode, &kind.Type, &kind.Name, &index, &kind.Provider, &attrs, &sealed, &deps, &pending, &at, &ns, &paths, &digest, &r.Settled, &module); err != nil {
		return nil, err
	}
	r.SetKind(kind) // shared with the rows of the same resource
	r.SetDependencies(deps)
	if len(index) > 0 {
		r.SetIndexKey(json.RawMessage(index))
	}
	a, err := b.open(attrs, sealed)
	if err != nil {
		return nil, fmt.Errorf("decrypting the attributes of %s: %w", r.Address, err)
	}
	r.SetAttributes(a)
	if len(pending) > 0 {
		r.SetPending(&state.Intent{})
		if err := json.Unmarshal(pending, r.Pending()); err != nil {
			return nil, fmt.Errorf("the pending intent of %s is damaged: %w", r.Address, err)
		}
	}
	if len(paths) > 0 {
		var sp [][]any
		if err := json.Unmarshal(paths, &sp); err != nil {
			return nil, fmt.Errorf("the sensitive paths of %s are damaged: %w", r.Address, err)
		}
		r.SetSensitivePaths(sp)
	}
	if digest != nil {
		r.SetConfigDigest(*digest)
	}
	if module != nil {
		r.SetModule(*module)
	} else {
		r.SetModule(moduleOf(r.Address))
	}
	r.SetUpdatedAt(at.UTC().Add(time.Duration(ns)))
	return &r, nil
}

// moduleOf is the module instance in a resource address, for a row written
// before the module column existed (migration 6); empty in the root module.
func moduleOf(address string) string {
	if !strings.HasPrefix(address, "module.") {
		return ""
	}
	inst, err := addrs.ParseInstance(address)
	if err != nil {
		return ""
	}
	return inst.ModuleInstance()
}

// nullText is s, or NULL when s is empty.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// seal returns a JSON value as stored: in the json column, or encrypted in
// the bytea column when there is a Cipher. A nil value is NULL in both.
func (b *Backend) seal(v json.RawMessage) (plain []byte, sealed []byte, err error) {
	if len(v) == 0 {
		return nil, nil, nil
	}
	if b.opts.Cipher == nil {
		return v, nil, nil
	}
	sealed, err = b.opts.Cipher.Encrypt(v)
	return nil, sealed, err
}

// open is seal's inverse.
func (b *Backend) open(plain, sealed []byte) (json.RawMessage, error) {
	if len(sealed) == 0 {
		if len(plain) == 0 {
			return nil, nil
		}
		return json.RawMessage(plain), nil
	}
	if b.opts.Cipher == nil {
		return nil, fmt.Errorf("it is encrypted, and no state passphrase was given (set DAFTAR_STATE_PASSPHRASE)")
	}
	v, err := b.opts.Cipher.Decrypt(sealed)
	return json.RawMessage(v), err
}

// nullJSON is NULL for an empty value.
func nullJSON(v []byte) []byte {
	if len(v) == 0 {
		return nil
	}
	return v
}
