package planner

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// Holders tells which address of the state holds which remote record, by
// the record's id (its resource schema's RecordID attribute: an account's
// username, a verification's reference_code). Resolving an interrupted
// create asks it, so that a record another address holds is never adopted,
// and claims what it adopts, so that two resolutions never adopt one
// record. It is built from a state on first use, costing one pass over the
// state's records; it is safe for concurrent use.
type Holders struct {
	mu     sync.Mutex
	idAttr map[string]string // resource type → its RecordID attribute
	byID   map[recordKey]string
	byAddr map[string]recordKey
	err    error // a record's attributes could not be read back (Err)
}

type recordKey struct{ typ, id string }

// newHolders indexes st's records of the types whose schema, among provs,
// names a RecordID attribute.
func newHolders(provs map[string]providers.Provider, st *state.State) *Holders {
	h := &Holders{idAttr: map[string]string{}, byID: map[recordKey]string{}, byAddr: map[string]recordKey{}}
	for _, p := range provs {
		for typ, b := range p.Schema().Resources {
			if a := b.RecordIDAttribute(); a != "" {
				h.idAttr[typ] = a
			}
		}
	}
	if st != nil {
		for _, r := range st.Resources {
			h.set(r)
		}
	}
	return h
}

// Err says why a record's attributes could not be read back from the
// state file: the index then cannot tell which records are held, and
// whoever asks it must stop (HeldBy and Claim would answer as if the
// record were not there).
func (h *Holders) Err() error { return h.err }

// NewHolders indexes st for the executor's resolutions during apply,
// reading each type's RecordID attribute from the schemas of provs; the
// executor passes it every Update it records after (Holders.Update).
func NewHolders(provs map[string]providers.Provider, st *state.State) *Holders {
	return newHolders(provs, st)
}

// set records what r holds (nothing, while r only holds an intent).
func (h *Holders) set(r *state.Resource) {
	h.drop(r.Address)
	typ := r.Type()
	if typ == "" { // a record written before records carried their type
		typ, _, _ = strings.Cut(r.Address, ".")
	}
	attr := h.idAttr[typ]
	if attr == "" || !r.HasAttributes() {
		return
	}
	attrs, err := r.Attributes()
	if err != nil {
		if h.err == nil {
			h.err = err
		}
		return
	}
	var obj map[string]json.RawMessage
	var id string
	if json.Unmarshal(attrs, &obj) != nil || json.Unmarshal(obj[attr], &id) != nil || id == "" {
		return
	}
	k := recordKey{typ, id}
	if _, taken := h.byID[k]; !taken {
		h.byID[k] = r.Address
	}
	h.byAddr[r.Address] = k
}

func (h *Holders) drop(addr string) {
	if k, ok := h.byAddr[addr]; ok {
		delete(h.byAddr, addr)
		if h.byID[k] == addr {
			delete(h.byID, k)
		}
	}
}

// Update follows a state update recorded after the index was built.
func (h *Holders) Update(u state.Update) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, addr := range u.Remove {
		h.drop(addr)
	}
	for _, r := range u.Set {
		h.set(r)
	}
}

// HeldBy is ResolveRequest.HeldBy for the instance self of type typ: the
// other address holding a record of typ with the id, or "".
func (h *Holders) HeldBy(typ, self string) func(id string) string {
	return func(id string) string {
		h.mu.Lock()
		defer h.mu.Unlock()
		if addr := h.byID[recordKey{typ, id}]; addr != self {
			return addr
		}
		return ""
	}
}

// Claim records that addr now holds the record v of type typ, unless
// another address holds it already: it then returns that address and
// records nothing.
func (h *Holders) Claim(typ, addr string, v cty.Value) string {
	id := h.idOf(typ, v)
	if id == "" {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	k := recordKey{typ, id}
	if other, taken := h.byID[k]; taken && other != addr {
		return other
	}
	h.drop(addr)
	h.byID[k], h.byAddr[addr] = addr, k
	return ""
}

// idOf is the RecordID attribute of the state value v, "" when it has none.
func (h *Holders) idOf(typ string, v cty.Value) string {
	attr := h.idAttr[typ]
	if attr == "" || v == cty.NilVal {
		return ""
	}
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(attr) {
		return ""
	}
	id := v.GetAttr(attr)
	if id.IsNull() || !id.IsKnown() || id.Type() != cty.String {
		return ""
	}
	return id.AsString()
}
