package planner

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// column holds what the dependents of a batch kept compactly read of it
// (projected: usapi_account.person[each.key].email), when every instance
// is kept so: the values of those attributes, an array per attribute by
// index in the keys (schema.Columns). The resource's value, an object of
// one object per instance (about 500 bytes an account), is built only if
// something other than R[each.key].NAME and length(R) reads it: the
// planner's values hold it as schema.ColumnsVal.
type column struct {
	c *compact
	// names are the attributes, sorted; vals[j][i] is the attribute
	// names[j] of the instance keys[i], as its object holds it.
	names []string
	vals  [][]cty.Value
	// sorted is set when the keys are sorted (a table's are), found by
	// binary search; index finds them otherwise, made on first use.
	indexOnce sync.Once
	sorted    bool
	index     map[string]int32
	wholeOnce sync.Once
	whole     cty.Value
}

var (
	_ schema.Columns   = (*column)(nil)
	_ schema.ColumnsAt = (*column)(nil)
)

// emptyColumn is the column of c's instances' attributes names, to be
// set.
func emptyColumn(c *compact, names []string) *column {
	col := &column{c: c, names: slices.Sorted(slices.Values(names))}
	col.vals = make([][]cty.Value, len(names))
	for j := range col.vals {
		col.vals[j] = make([]cty.Value, len(c.keys))
	}
	return col
}

// set sets the instance i's attributes from v, its value as its
// dependents see it; false when v is not a known, unmarked, non-null
// object of exactly the column's attributes.
func (col *column) set(i int, v cty.Value) bool {
	ty := v.Type()
	if v.IsMarked() || !v.IsKnown() || v.IsNull() || !ty.IsObjectType() || len(ty.AttributeTypes()) != len(col.names) {
		return false
	}
	for j, name := range col.names {
		if !ty.HasAttribute(name) {
			return false
		}
		col.vals[j][i] = v.GetAttr(name)
	}
	return true
}

// decode sets the instance i's attributes from its record's attributes
// (raw), as set of the value decodeProjected gives does when no mark is
// to be applied to it (refProjected of no marks), without the object:
// failed is set where decodeProjected fails, irregular where its value is
// not an object (a null record).
func (col *column) decode(i int, raw json.RawMessage, ty cty.Type, failed, irregular *atomic.Bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		irregular.Store(true) // null (decodeProjected)
		return
	}
	object, err := codec.DecodeJSONProjectedEach(raw, ty, col.names, func(j int, v cty.Value) { col.vals[j][i] = v })
	switch {
	case err != nil:
		failed.Store(true) // the walk reports it
	case !object:
		irregular.Store(true)
	}
}

// row is the object of the instance i: the value it had.
func (col *column) row(i int) cty.Value {
	attrs := make(map[string]cty.Value, len(col.names))
	for j, name := range col.names {
		attrs[name] = col.vals[j][i]
	}
	return cty.ObjectVal(attrs)
}

// AttrAt implements schema.ColumnsAt.
func (col *column) AttrAt(i int, key, name string) (cty.Value, bool) {
	if keys := col.c.keys; i >= 0 && i < len(keys) && keyOf(keys[i]) == key {
		return col.attrOf(i, name)
	}
	return col.Attr(key, name)
}

// Attr implements schema.Columns.
func (col *column) Attr(key, name string) (cty.Value, bool) {
	keys := col.c.keys
	col.indexOnce.Do(func() {
		col.sorted = sort.SliceIsSorted(keys, func(i, j int) bool { return keyOf(keys[i]) < keyOf(keys[j]) })
		if col.sorted {
			return
		}
		col.index = make(map[string]int32, len(keys))
		for i := range keys {
			col.index[keyOf(keys[i])] = int32(i)
		}
	})
	var i int
	if col.sorted {
		n := sort.Search(len(keys), func(i int) bool { return keyOf(keys[i]) >= key })
		if n == len(keys) || keyOf(keys[n]) != key {
			return cty.NilVal, false
		}
		i = n
	} else {
		n, ok := col.index[key]
		if !ok {
			return cty.NilVal, false
		}
		i = int(n)
	}
	return col.attrOf(i, name)
}

// attrOf is the attribute name of the instance keys[i].
func (col *column) attrOf(i int, name string) (cty.Value, bool) {
	for j, n := range col.names {
		if n == name {
			return col.vals[j][i], true
		}
	}
	return cty.NilVal, false
}

// Len implements schema.Columns.
func (col *column) Len() int { return len(col.c.keys) }

// Value implements schema.Columns: the object buildWithCompact builds.
func (col *column) Value() cty.Value {
	col.wholeOnce.Do(func() {
		attrs := make(map[string]cty.Value, len(col.c.keys))
		for i := range col.c.keys {
			attrs[keyOf(col.c.keys[i])] = col.row(i)
		}
		col.whole = cty.ObjectVal(attrs)
	})
	return col.whole
}

// keyOf is the for_each key of k, an instance of a resource kept
// compactly (keyed: compactResource).
func keyOf(k instanceKey) string { return string(k.key.(addrs.StringKey)) }
