package state

import (
	"encoding/json"
	"time"
	"unsafe"
)

// A record's index key, time and intent are held in fewer bytes than the
// fields they were (a json.RawMessage, a time.Time and a pointer: 56
// bytes, 16 of them left in a million records): the key as a length, for
// the address spells it; the time as nanoseconds; the intent, seldom set,
// in the record's block (resourceMore).

// Where a record holds its UpdatedAt (timeForm).
const (
	timeZero uint8 = iota // the zero time
	timeUnix              // updated, nanoseconds since 1970 in UTC
	timeMore              // more.updatedAt: a time in another zone
)

// IndexKey is the count index (a JSON number) or for_each key (a JSON
// string); empty for a resource with neither. When the address spells it
// (usapi_account.person["p0"]), it is the address's bytes: the caller
// must not change it.
func (r *Resource) IndexKey() json.RawMessage {
	if n := int(r.keyLen); n > 0 {
		end := len(r.Address) - 1
		return unsafe.Slice(unsafe.StringData(r.Address), len(r.Address))[end-n : end : end]
	}
	if r.more == nil {
		return nil
	}
	return r.more.indexKey
}

// SetIndexKey sets IndexKey. The record keeps k when its address does not
// spell it.
func (r *Resource) SetIndexKey(k json.RawMessage) {
	n := tailKey(r.Address, k)
	r.keyLen = uint16(n)
	if n > 0 {
		k = nil
	}
	if k == nil && (r.more == nil || r.more.indexKey == nil) {
		return // nothing to set in the block: none made
	}
	r.setMore(func(m *resourceMore) { m.indexKey = k })
}

// tailKey is len(k) when the address ends with k between brackets, as an
// address spells its key (["p0"], [3]), and k is short enough for keyLen;
// 0 otherwise.
func tailKey(addr string, k []byte) int {
	n := len(k)
	if n == 0 || n > 1<<16-1 || len(addr) < n+2 || addr[len(addr)-1] != ']' || addr[len(addr)-n-2] != '[' ||
		addr[len(addr)-n-1:len(addr)-1] != string(k) {
		return 0
	}
	return n
}

// WithIndexKey sets IndexKey and returns r, as WithAttributes does.
func (r *Resource) WithIndexKey(k json.RawMessage) *Resource { r.SetIndexKey(k); return r }

// parseIndexKey sets IndexKey from its JSON as resourceCodec reads it
// (value lent, compacted): the address read before it spells it, or the
// record keeps a copy.
func (r *Resource) parseIndexKey(value []byte) bool {
	if tailKey(r.Address, value) > 0 {
		r.SetIndexKey(value)
	} else {
		r.SetIndexKey(append(make([]byte, 0, len(value)), value...))
	}
	return true
}

// indexKeyJSON is IndexKey as resourceCodec writes it.
func (r *Resource) indexKeyJSON() (json.RawMessage, error) { return r.IndexKey(), nil }

// UpdatedAt is when the resource was last written.
func (r *Resource) UpdatedAt() time.Time {
	switch r.timeForm {
	case timeUnix:
		return time.Unix(0, r.updated).UTC()
	case timeMore:
		return r.more.updatedAt
	}
	return time.Time{}
}

// SetUpdatedAt sets UpdatedAt. A time in UTC (what daftar records) takes
// 8 bytes; one in another zone is kept as it is, in the record's block,
// and written with its zone, as the file said it.
func (r *Resource) SetUpdatedAt(t time.Time) {
	if r.timeForm == timeMore {
		r.setMore(func(m *resourceMore) { m.updatedAt = time.Time{} })
	}
	r.updated, r.timeForm = 0, timeZero
	switch {
	case t.IsZero() && t.Location() == time.UTC:
	case t.Location() == time.UTC && t.Year() > 1677 && t.Year() < 2262:
		r.updated, r.timeForm = t.UnixNano(), timeUnix
	default:
		r.setMore(func(m *resourceMore) { m.updatedAt = t })
		r.timeForm = timeMore
	}
}

// WithUpdatedAt sets UpdatedAt and returns r, as WithAttributes does.
func (r *Resource) WithUpdatedAt(t time.Time) *Resource { r.SetUpdatedAt(t); return r }

// parseUpdatedAt sets UpdatedAt from its JSON as resourceCodec reads it
// (value lent, compacted), as time.Time's UnmarshalJSON reads it; false
// for what it refuses (encoding/json then reads the record, and fails as
// it would).
func (r *Resource) parseUpdatedAt(value []byte) bool {
	var t time.Time
	if t.UnmarshalJSON(value) != nil {
		return false
	}
	r.SetUpdatedAt(t)
	return true
}

// updatedAtJSON is UpdatedAt as resourceCodec writes it.
func (r *Resource) updatedAtJSON() (json.RawMessage, error) { return r.appendUpdatedAt(nil) }

// appendUpdatedAt appends updatedAtJSON's bytes to dst (resourceCodec's
// Emit): time.Time's MarshalJSON is its AppendText quoted.
func (r *Resource) appendUpdatedAt(dst []byte) ([]byte, error) {
	dst, err := r.UpdatedAt().AppendText(append(dst, '"'))
	if err != nil {
		return dst, err
	}
	return append(dst, '"'), nil
}

// Pending is an intent to create whose outcome is unknown: an apply wrote
// it before sending a non-idempotent request and stopped before recording
// the answer. It must be resolved against the remote before anything is
// created again for this address. Nil when there is none.
func (r *Resource) Pending() *Intent {
	if r.more == nil {
		return nil
	}
	return r.more.Pending
}

// SetPending sets Pending (nil: none).
func (r *Resource) SetPending(p *Intent) {
	if p == nil && r.Pending() == nil {
		return
	}
	r.setMore(func(m *resourceMore) { m.Pending = p })
}

// WithPending sets Pending and returns r, as WithAttributes does.
func (r *Resource) WithPending(p *Intent) *Resource { r.SetPending(p); return r }
