package planner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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
	byRes map[addrs.Resource]map[addrs.Key]*state.Resource
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
	idx := &stateIndex{byRes: map[addrs.Resource]map[addrs.Key]*state.Resource{}}
	var diags hcl.Diagnostics
	// Each resource's map is sized once: growing one to 100,000 instances
	// rehashes it many times.
	sizes := map[[2]string]int{}
	var last [2]string
	var run int // records of last counted since the last look-up
	for _, r := range s.Resources {
		if r.Type == last[0] && r.Name == last[1] {
			run++ // a batch's records: one resource, no hashing
			continue
		}
		sizes[last] += run
		last, run = [2]string{r.Type, r.Name}, 1
	}
	sizes[last] += run
	for addr, r := range s.Resources {
		inst, err := instanceOf(r)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid resource in the state",
				Detail:   fmt.Sprintf("The state holds %q, which daftar cannot read: %s. Remove it with daftar state rm.", addr, err),
			})
			continue
		}
		m := idx.byRes[inst.Resource]
		if m == nil {
			m = make(map[addrs.Key]*state.Resource, sizes[[2]string{r.Type, r.Name}])
			idx.byRes[inst.Resource] = m
		}
		m[inst.Key] = r
	}
	return idx, diags
}

// instanceOf reads a state record's address from its fields.
func instanceOf(r *state.Resource) (addrs.Instance, error) {
	if r.Type == "" || r.Name == "" || r.Module() != "" || strings.HasPrefix(r.Address, "module.") {
		return addrs.ParseInstance(r.Address) // a module's resource: the address holds the module path
	}
	res := addrs.Resource{Mode: addrs.Managed, Type: r.Type, Name: r.Name}
	if k, ok := keyInAddress(r.Address, r.IndexKey); ok {
		return addrs.Instance{Resource: res, Key: addrs.StringKey(k)}, nil
	}
	key, err := parseIndexKey(r.IndexKey)
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
