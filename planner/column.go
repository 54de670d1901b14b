package planner

import (
	"slices"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
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

var _ schema.Columns = (*column)(nil)

// newColumn is the column of the objects rows (the instances' values as
// their dependents see them, by index in c.keys), or nil when one is not
// a known, unmarked, non-null object of the same attributes as the others.
func newColumn(c *compact, rows []cty.Value) *column {
	if len(rows) == 0 || len(rows) != len(c.keys) {
		return nil
	}
	ty := rows[0].Type()
	if !ty.IsObjectType() {
		return nil
	}
	col := &column{c: c}
	for name := range ty.AttributeTypes() {
		col.names = append(col.names, name)
	}
	slices.Sort(col.names)
	col.vals = make([][]cty.Value, len(col.names))
	for j := range col.vals {
		col.vals[j] = make([]cty.Value, len(rows))
	}
	for i, v := range rows {
		if v.IsMarked() || !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() || len(v.Type().AttributeTypes()) != len(col.names) {
			return nil
		}
		for j, name := range col.names {
			if !v.Type().HasAttribute(name) {
				return nil
			}
			col.vals[j][i] = v.GetAttr(name)
		}
	}
	return col
}

// row is the object of the instance i: the value it had.
func (col *column) row(i int) cty.Value {
	attrs := make(map[string]cty.Value, len(col.names))
	for j, name := range col.names {
		attrs[name] = col.vals[j][i]
	}
	return cty.ObjectVal(attrs)
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
