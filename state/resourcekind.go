package state

import (
	"encoding/json"
	"sync/atomic"
	"unique"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/codec"
)

// Kind is what every record of one resource repeats: its mode, type, name
// and provider. A record holds it interned (unique.Handle, 8 bytes, where
// the four strings took 64): the records of one resource share one copy,
// and a million verifications hold one Kind, not a million.
type Kind struct {
	Mode     string // "managed"
	Type     string
	Name     string
	Provider string
}

// kindHandle is a record's Kind, interned; the zero handle is the empty
// Kind.
type kindHandle = unique.Handle[Kind]

// kindValue is the Kind h holds.
func kindValue(h kindHandle) Kind {
	if h == (kindHandle{}) {
		return Kind{}
	}
	return h.Value()
}

// lastKind is the Kind last interned by internKind: records are set one
// resource after another (a file sorted by address, apply's records of one
// resource), and most find it there without hashing four strings.
var lastKind atomic.Pointer[kindEntry]

type kindEntry struct {
	k Kind
	h kindHandle
}

// internKind returns k interned: the handle every record of the same Kind
// shares. k's strings may be lent (unique.Make copies what it keeps).
func internKind(k Kind) kindHandle {
	if k == (Kind{}) {
		return kindHandle{}
	}
	if e := lastKind.Load(); e != nil && e.k == k {
		return e.h
	}
	h := unique.Make(k)
	lastKind.Store(&kindEntry{k: h.Value(), h: h})
	return h
}

// Kind is the record's mode, type, name and provider.
func (r *Resource) Kind() Kind { return kindValue(r.kind) }

// Mode is the resource's mode: "managed".
func (r *Resource) Mode() string { return r.Kind().Mode }

// Type is the resource's type (usapi_account).
func (r *Resource) Type() string { return r.Kind().Type }

// Name is the resource's name in its module (hire in usapi_account.hire).
func (r *Resource) Name() string { return r.Kind().Name }

// Provider is the provider that manages the resource.
func (r *Resource) Provider() string { return r.Kind().Provider }

// SetKind sets the record's mode, type, name and provider. The record
// holds k interned, shared with the records of the same Kind; an interned
// Kind is never changed (a record moved to another name is given another).
func (r *Resource) SetKind(k Kind) { r.kind = internKind(k) }

// WithKind sets the record's Kind and returns r, as WithAttributes does:
// (&state.Resource{Address: a}).WithKind(state.Kind{...}).
func (r *Resource) WithKind(k Kind) *Resource { r.SetKind(k); return r }

// The fields of a Kind, as resourceCodec reads them one at a time.
const (
	kindMode = iota
	kindType
	kindName
	kindProvider
)

// field returns a pointer to k's field f.
func (k *Kind) field(f int) *string {
	switch f {
	case kindMode:
		return &k.Mode
	case kindType:
		return &k.Type
	case kindName:
		return &k.Name
	}
	return &k.Provider
}

// kindStep is a Kind reached from another by setting one field: resourceCodec
// reads a record's mode, type, name and provider one after the other, and
// each record of a resource takes the same four steps, from the empty Kind
// to its own. lastStep[f] is the last step that set the field f.
type kindStep struct {
	from kindHandle
	val  string
	to   kindHandle
}

var lastStep [4]atomic.Pointer[kindStep]

// setKindField sets the field f of the record's Kind to s (which may be
// lent), interning the Kind it makes.
func (r *Resource) setKindField(f int, s string) {
	if e := lastStep[f].Load(); e != nil && e.from == r.kind && e.val == s {
		r.kind = e.to
		return
	}
	from := r.kind
	k := kindValue(from)
	*k.field(f) = s
	r.kind = internKind(k)
	to := kindValue(r.kind)
	lastStep[f].Store(&kindStep{from: from, val: *to.field(f), to: r.kind})
}

// parseKindField sets the field f from its JSON as resourceCodec reads it
// (value lent, compacted): a string as encoding/json reads it (a null
// leaves the field as it is); false for anything else (encoding/json then
// reads the record, and fails as it would).
func (r *Resource) parseKindField(f int, value []byte) bool {
	if s, ok := plainJSONString(value); ok {
		r.setKindField(f, s)
		return true
	}
	k := r.Kind()
	s := *k.field(f) // a null leaves it so
	if json.Unmarshal(value, &s) != nil {
		return false
	}
	r.setKindField(f, s)
	return true
}

// plainJSONString is the string the JSON string value spells when it holds
// nothing but printable ASCII and no escape (a type, a name): its bytes
// between the quotes, lent as value is.
func plainJSONString(value []byte) (string, bool) {
	n := len(value)
	if n < 2 || value[0] != '"' || value[n-1] != '"' {
		return "", false
	}
	for _, c := range value[1 : n-1] {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return unsafe.String(unsafe.SliceData(value[1:]), n-2), true
}

func (r *Resource) parseMode(v []byte) bool     { return r.parseKindField(kindMode, v) }
func (r *Resource) parseType(v []byte) bool     { return r.parseKindField(kindType, v) }
func (r *Resource) parseName(v []byte) bool     { return r.parseKindField(kindName, v) }
func (r *Resource) parseProvider(v []byte) bool { return r.parseKindField(kindProvider, v) }

// appendKindField appends the field f as resourceCodec writes it (Emit): a
// JSON string as json.Encoder writes it without HTML escaping; an error for
// one the fast encoder leaves to it (json.Encoder then writes the record).
func (r *Resource) appendKindField(f int, dst []byte) ([]byte, error) {
	k := r.Kind()
	if b, ok := codec.AppendString(dst, *k.field(f)); ok {
		return b, nil
	}
	return dst, errNotCompact
}

// kindFieldJSON is the field f as resourceCodec reads it (Load).
func (r *Resource) kindFieldJSON(f int) (json.RawMessage, error) {
	b, err := r.appendKindField(f, nil)
	if err == errNotCompact {
		k := r.Kind()
		return codec.NewJSON("", "").Append(nil, *k.field(f))
	}
	return b, err
}

func (r *Resource) modeJSON() (json.RawMessage, error)     { return r.kindFieldJSON(kindMode) }
func (r *Resource) typeJSON() (json.RawMessage, error)     { return r.kindFieldJSON(kindType) }
func (r *Resource) nameJSON() (json.RawMessage, error)     { return r.kindFieldJSON(kindName) }
func (r *Resource) providerJSON() (json.RawMessage, error) { return r.kindFieldJSON(kindProvider) }

func (r *Resource) appendMode(dst []byte) ([]byte, error) { return r.appendKindField(kindMode, dst) }
func (r *Resource) appendType(dst []byte) ([]byte, error) { return r.appendKindField(kindType, dst) }
func (r *Resource) appendName(dst []byte) ([]byte, error) { return r.appendKindField(kindName, dst) }
func (r *Resource) appendProvider(dst []byte) ([]byte, error) {
	return r.appendKindField(kindProvider, dst)
}
