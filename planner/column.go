package planner

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
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
	// names are the attributes, sorted; vals[j].at(i) is the attribute
	// names[j] of the instance keys[i], as its object holds it.
	names []string
	vals  []cells
	// proj decodes the attributes from a record's (decode), made on
	// first use.
	projOnce sync.Once
	proj     *codec.Projection
	// holes counts the instances whose attributes are unknown, as the
	// pre-pass predicted them: those it did not keep compactly (c.is
	// false), which the walk plans (filledColumn).
	holes int
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

// emptyColumn is the column of c's instances' attributes names, of the
// object type ty (the resource's), to be set.
func emptyColumn(c *compact, names []string, ty cty.Type) *column {
	col := &column{c: c, names: slices.Sorted(slices.Values(names))}
	col.vals = make([]cells, len(names))
	for j, name := range col.names {
		col.vals[j] = makeCells(len(c.keys), ty.AttributeType(name))
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
		col.vals[j].set(i, v.GetAttr(name))
	}
	return true
}

// setHole makes the instance i a hole: each of its attributes unknown, of
// its type in ty, the resource's. A dependent that reads one evaluates to
// something unknown, and the walk evaluates it again; one whose value is
// known with the hole holds for whatever value the walk gives it (cty's
// contract for unknown values), provided that value is a known, unmarked
// object of these attributes (filledColumn checks it).
func (col *column) setHole(i int, ty cty.Type) {
	for j, name := range col.names {
		col.vals[j].set(i, cty.UnknownVal(ty.AttributeType(name)))
	}
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
	col.projOnce.Do(func() { col.proj, _ = codec.NewProjection(ty, col.names) })
	if col.proj == nil {
		failed.Store(true) // not an object type: the walk reports it
		return
	}
	object, err := col.proj.Each(raw, func(j int, v cty.Value) { col.vals[j].set(i, v) })
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
		attrs[name] = col.vals[j].at(i)
	}
	return cty.ObjectVal(attrs)
}

// AttrAt implements schema.ColumnsAt.
func (col *column) AttrAt(i int, key, name string) (cty.Value, bool) {
	if c := col.c; i >= 0 && i < c.len() && keyString(c.key(i)) == key {
		return col.attrOf(i, name)
	}
	return col.Attr(key, name)
}

// Attr implements schema.Columns.
func (col *column) Attr(key, name string) (cty.Value, bool) {
	c := col.c
	col.indexOnce.Do(col.makeIndex)
	var i int
	if col.sorted {
		n := sort.Search(c.len(), func(i int) bool { return keyString(c.key(i)) >= key })
		if n == c.len() || keyString(c.key(n)) != key {
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

// makeIndex sets sorted, or makes index when the keys are not sorted.
func (col *column) makeIndex() {
	c := col.c
	col.sorted = true
	for i := 1; i < c.len() && col.sorted; i++ {
		col.sorted = keyString(c.key(i)) >= keyString(c.key(i-1))
	}
	if col.sorted {
		return
	}
	col.index = make(map[string]int32, c.len())
	for i := range c.len() {
		col.index[keyString(c.key(i))] = int32(i)
	}
}

// attrOf is the attribute name of the instance keys[i].
func (col *column) attrOf(i int, name string) (cty.Value, bool) {
	for j, n := range col.names {
		if n == name {
			return col.vals[j].at(i), true
		}
	}
	return cty.NilVal, false
}

// Len implements schema.Columns.
func (col *column) Len() int { return col.c.len() }

// Value implements schema.Columns: the object buildWithCompact builds.
func (col *column) Value() cty.Value {
	col.wholeOnce.Do(func() {
		c := col.c
		attrs := make(map[string]cty.Value, c.len())
		for i := range c.len() {
			attrs[keyString(c.key(i))] = col.row(i)
		}
		col.whole = cty.ObjectVal(attrs)
	})
	return col.whole
}

// filledColumn is the walk's value of r, which the pre-pass predicted
// with holes (predictColumn): the same column with each hole filled with
// the value the walk planned for its instance. steps are the walk's steps
// by index in its keys (the pre-pass's, taken over: pre), compacted marks
// those it kept compactly. Nil, the walk then building r's value as
// before, unless every instance the pre-pass predicted is kept compactly
// or planned with its predicted value (keepPredicted), and every hole's
// value is a wholly known, unmarked object of the column's attributes, of
// their types: a dependent whose evaluation with the hole was known (and
// taken over) evaluates to the same with any such value (cty's contract
// for unknown values), while one that read the hole was evaluated again
// (unexact). The values of a dependent's predicted instances are then the
// walk's, and so is the set of keys (the pre-pass's): confirmed takes the
// prediction over (valuePredicted).
func (p *planner) filledColumn(r *resource, pre *resource, steps []*Step, compacted []bool) *column {
	if pre == nil || pre.compact == nil || pre.compact.col == nil || pre.compact.col.holes == 0 || compacted == nil || r.lazy != nil || len(steps) != len(compacted) {
		return nil
	}
	col := pre.compact.col
	if len(col.c.is) != len(steps) {
		return nil
	}
	var holes []int
	for i, st := range steps {
		hole := !col.c.is[i]
		switch {
		case compacted[i]:
			if hole {
				return nil
			}
		case st == nil:
			return nil
		case hole:
			if st.Change.Action == plans.Forget || !col.fits(st.value, r.ty) {
				return nil
			}
			holes = append(holes, i)
		case !st.keptPredicted:
			return nil
		}
	}
	if len(holes) != col.holes {
		return nil
	}
	for _, i := range holes {
		col.set(i, steps[i].value)
	}
	// The pre-pass's column is its prediction, which nothing reads once the
	// walk confirms it: its values are the walk's now, and the column made
	// of them builds its whole value afresh.
	return &column{c: col.c, names: col.names, vals: col.vals}
}

// fits reports whether set would take v, of the resource type ty, as a
// hole's value: a wholly known, unmarked, non-null object of exactly the
// column's attributes, each of its type in ty.
func (col *column) fits(v cty.Value, ty cty.Type) bool {
	if v == cty.NilVal || v.IsMarked() || !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() || len(v.Type().AttributeTypes()) != len(col.names) {
		return false
	}
	for _, name := range col.names {
		if !v.Type().HasAttribute(name) || !v.Type().AttributeType(name).Equals(ty.AttributeType(name)) {
			return false
		}
		if a := v.GetAttr(name); a.ContainsMarked() || !a.IsWhollyKnown() {
			return false
		}
	}
	return true
}
