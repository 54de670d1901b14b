package planner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// stateIndex groups the state's managed instances by resource and key, so
// that planning an instance is one map lookup and finding what left the
// configuration is one pass.
type stateIndex struct {
	byRes map[addrs.Resource]*instRecords
	// ready, when not nil, is closed once indexStateAsync has filled
	// byRes and diags: read neither before wait.
	ready chan struct{}
	diags hcl.Diagnostics
	crash panics.First
}

// indexStateAsync is indexState of s, made in the background: Plan's
// pre-pass makes a batch's keys (tableKeys) while the state's records are
// indexed, instead of leaving a core idle for the index's 0.1 s at 100,000
// records. Call wait before reading the index.
func indexStateAsync(s *state.State) *stateIndex {
	idx := &stateIndex{ready: make(chan struct{})}
	go func() {
		defer close(idx.ready)
		defer idx.crash.Recover(nil)
		built, diags := indexState(s)
		idx.byRes, idx.diags = built.byRes, diags
	}()
	return idx
}

// wait waits until the index is made (indexStateAsync), and raises again,
// in the caller's goroutine, a panic (a bug) of the goroutine that made it.
func (idx *stateIndex) wait() {
	if idx.ready != nil {
		<-idx.ready
		idx.crash.Repanic()
	}
}

func indexState(s *state.State) (*stateIndex, hcl.Diagnostics) {
	idx := &stateIndex{byRes: map[addrs.Resource]*instRecords{}}
	var diags hcl.Diagnostics
	// The records are read on every core, in the order of their places
	// in memory (byLocation): at a million, reading each record and its
	// address in the map's order was a cache miss or two, about 1 s of
	// CPU, and the index was the last thing the pre-pass waited for. A batch's
	// records are gathered with their keys per resource, range by range;
	// each resource's map is then made at its size (growing one to
	// 100,000 instances rehashes it many times) and filled.
	recs := make([]*state.Resource, 0, len(s.Resources))
	for _, r := range s.Resources {
		recs = append(recs, r)
	}
	recs = byLocation(recs, make([]*state.Resource, len(recs)))
	type gathered struct {
		plain map[addrs.Resource][]plainRec
		other []*state.Resource // read by instanceOf, in order
	}
	parts := make([]gathered, max(1, (len(recs)+rangeMin-1)/rangeMin)) // inRanges calls fn(0, 0) for none
	inRanges(len(recs), func(lo, hi int) {
		g := gathered{plain: map[addrs.Resource][]plainRec{}}
		var last addrs.Resource
		var lastRecs []plainRec
		for _, r := range recs[lo:hi] {
			res, k, ok := plainInstanceOf(r)
			if !ok {
				g.other = append(g.other, r)
				continue
			}
			if res != last || lastRecs == nil {
				if lastRecs != nil {
					g.plain[last] = lastRecs
				}
				last, lastRecs = res, g.plain[res]
				if lastRecs == nil && len(g.plain) == 0 {
					lastRecs = make([]plainRec, 0, hi-lo) // most often the only one
				}
			}
			lastRecs = append(lastRecs, plainRec{k, r})
		}
		if lastRecs != nil {
			g.plain[last] = lastRecs
		}
		parts[lo/rangeMin] = g
	})
	for _, g := range parts {
		for _, r := range g.other {
			inst, err := instanceOf(r)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid resource in the state",
					Detail:   fmt.Sprintf("The state holds %q, which daftar cannot read: %s. Remove it with daftar state rm.", r.Address, err),
				})
				continue
			}
			m := idx.byRes[inst.Resource]
			if m == nil {
				m = &instRecords{}
				idx.byRes[inst.Resource] = m
			}
			m.set(inst.Key, r)
		}
	}
	sizes := map[addrs.Resource]int{}
	for _, g := range parts {
		for res, rs := range g.plain {
			sizes[res] += len(rs)
		}
	}
	// Each resource's map is filled on a goroutine of its own when it is
	// large: a batch with dependents has two resources of as many records,
	// whose maps were filled one after the other on one core, the last
	// thing the pre-pass waited for.
	var wg sync.WaitGroup
	var crash panics.First
	for res, n := range sizes {
		m := idx.byRes[res]
		if m == nil {
			m = &instRecords{}
			idx.byRes[res] = m
		}
		m.table = newRecordTable(n)
		fill := func() {
			lists := make([][]plainRec, 0, len(parts))
			for _, g := range parts {
				for _, pr := range g.plain[res] {
					m.table.insert(pr.key, pr.r)
				}
				lists = append(lists, g.plain[res])
			}
			for k := range m.str { // the record its address spells wins, as it did in one map
				if m.table.find(k) >= 0 {
					delete(m.str, k)
				}
			}
			m.seq = recordSeq(lists)
		}
		if n < rangeMin || len(sizes) == 1 {
			fill()
			continue
		}
		wg.Go(func() {
			defer crash.Recover(nil)
			fill()
		})
	}
	wg.Wait()
	crash.Repanic()
	return idx, diags
}

// instRecords are one resource's stored records by instance key. The
// string keys (for_each's) that the records' addresses spell plainly, a
// batch's, are kept in a table that reads each key from its record's
// address (recordTable); the other string keys in a map of strings, the
// other keys (count indexes, NoKey) in a map of keys: at a million
// records, a map of addrs.Key took each key boxed, and hashed and
// compared each through its type, about twice the CPU to build and look up
// (1.3 s and 1.2 s of a plan's 13 s). A key is in one of the three at
// most. A nil *instRecords holds nothing.
type instRecords struct {
	table *recordTable // filled by indexState, then only read or emptied
	// seq are the table's records in their file's order (recordSeq), for
	// look-ups in key order (lookup); nil once a record is set or
	// deleted.
	seq   []*state.Resource
	str   map[string]*state.Resource
	other map[addrs.Key]*state.Resource
}

// get is the record of key k, nil when there is none.
func (m *instRecords) get(k addrs.Key) *state.Resource {
	if m == nil {
		return nil
	}
	if s, ok := k.(addrs.StringKey); ok {
		if r := m.table.get(string(s)); r != nil {
			return r
		}
		return m.str[string(s)]
	}
	return m.other[k]
}

// len is how many records m holds.
func (m *instRecords) len() int {
	if m == nil {
		return 0
	}
	return m.table.len() + len(m.str) + len(m.other)
}

func (m *instRecords) set(k addrs.Key, r *state.Resource) {
	m.seq = nil
	if s, ok := k.(addrs.StringKey); ok {
		if m.str == nil {
			m.str = map[string]*state.Resource{}
		}
		m.table.remove(string(s)) // r's address may not spell k: the map holds it
		m.str[string(s)] = r
		return
	}
	if m.other == nil {
		m.other = map[addrs.Key]*state.Resource{}
	}
	m.other[k] = r
}

func (m *instRecords) del(k addrs.Key) {
	if m == nil {
		return
	}
	m.seq = nil
	if s, ok := k.(addrs.StringKey); ok {
		m.table.remove(string(s))
		delete(m.str, string(s))
		return
	}
	delete(m.other, k)
}

// all yields every key and record of m, in no particular order (as a
// map's range).
func (m *instRecords) all() iter.Seq2[addrs.Key, *state.Resource] {
	return func(yield func(addrs.Key, *state.Resource) bool) {
		if m == nil {
			return
		}
		if !m.table.all(func(k string, r *state.Resource) bool { return yield(addrs.StringKey(k), r) }) {
			return
		}
		for k, r := range m.str {
			if !yield(addrs.StringKey(k), r) {
				return
			}
		}
		for k, r := range m.other {
			if !yield(k, r) {
				return
			}
		}
	}
}

// plainRec is a record whose address spells its key plainly, with the key.
type plainRec struct {
	key string
	r   *state.Resource
}

// plainInstanceOf is instanceOf's answer for a record of a resource of the
// root module whose string key its address spells plainly (keyInAddress):
// the resource and the key as a string, ok false for any other record.
func plainInstanceOf(r *state.Resource) (addrs.Resource, string, bool) {
	if r.Type() == "" || r.Name() == "" || r.Module() != "" || strings.HasPrefix(r.Address, "module.") {
		return addrs.Resource{}, "", false
	}
	k, ok := keyInAddress(r.Address, r.IndexKey())
	if !ok {
		return addrs.Resource{}, "", false
	}
	return addrs.Resource{Mode: addrs.Managed, Type: r.Type(), Name: r.Name()}, k, true
}

// instanceOf reads a state record's address from its fields.
func instanceOf(r *state.Resource) (addrs.Instance, error) {
	if r.Type() == "" || r.Name() == "" || r.Module() != "" || strings.HasPrefix(r.Address, "module.") {
		return addrs.ParseInstance(r.Address) // a module's resource: the address holds the module path
	}
	res := addrs.Resource{Mode: addrs.Managed, Type: r.Type(), Name: r.Name()}
	if k, ok := keyInAddress(r.Address, r.IndexKey()); ok {
		return addrs.Instance{Resource: res, Key: addrs.StringKey(k)}, nil
	}
	key, err := parseIndexKey(r.IndexKey())
	return addrs.Instance{Resource: res, Key: key}, err
}

// keyInAddress is the string key raw holds, a plain JSON string (no
// escape), spelled within address when address ends with it as a quoted
// index: the state's index then holds no copy of the keys its records'
// addresses hold. ok is false otherwise (parseIndexKey reads it).
func keyInAddress(address string, raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	m := len(raw)
	if m < 2 || raw[0] != '"' || raw[m-1] != '"' || !plainJSONString(raw[1:m-1]) {
		return "", false
	}
	inner := raw[1 : m-1]
	n := len(address) - len(inner) - 2
	if n < 1 || address[n-1] != '"' || !strings.HasSuffix(address, `"]`) || address[n:len(address)-2] != string(inner) {
		return "", false
	}
	return address[n : len(address)-2], true
}

func parseIndexKey(raw json.RawMessage) (addrs.Key, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return addrs.NoKey, nil
	}
	if n := len(raw); raw[0] == '"' && n >= 2 && raw[n-1] == '"' && plainJSONString(raw[1:n-1]) {
		return addrs.StringKey(raw[1 : n-1]), nil // the common key: no escape to undo
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return addrs.StringKey(s), nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < 0 {
		return nil, fmt.Errorf("index key %s is neither a whole number nor a string", raw)
	}
	return addrs.IntKey(n), nil
}

// plainJSONString reports whether the inside of a JSON string literal is
// its value: printable ASCII with no escape.
func plainJSONString(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

// indexKeyJSON spells a key as the state stores it.
func indexKeyJSON(k addrs.Key) json.RawMessage {
	switch k := k.(type) {
	case addrs.IntKey:
		return json.RawMessage(strconv.Itoa(int(k)))
	case addrs.StringKey:
		b, _ := json.Marshal(string(k))
		return b
	}
	return nil
}

// decodeAttrs reads a state record's attributes; null when there are none
// (only a pending intent).
func decodeAttrs(raw json.RawMessage, ty cty.Type) (cty.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return cty.NullVal(ty), nil
	}
	return codec.DecodeJSON(raw, ty)
}

// encodeAttrs writes a value as the state stores it: marks stripped,
// encoded with the schema's type, as decodeAttrs reads it.
func encodeAttrs(v cty.Value, ty cty.Type) (json.RawMessage, error) {
	if v.IsNull() {
		return nil, nil
	}
	data, err := codec.MarshalJSON(v, ty) // ctyjson's bytes, unmarked
	// Marshal returns its buffer, up to twice the size of what it holds;
	// the state keeps the record for the rest of the run.
	return bytes.Clone(data), err
}
