package planner

import (
	"sync"

	"github.com/zclconf/go-cty/cty"
)

// cells are a column's values of one attribute, by index in its keys. An
// attribute of type string (an account's e-mail, what a batch's
// dependents read) keeps its strings and a byte saying what each cell
// is: 17 bytes a cell, where a cty.Value and its boxed string took 48 (a
// million accounts' e-mails held 31 MB more through the plan's walk, and
// a million small objects more for each collection to mark). Its values
// are made again as they are read, the same values: cty.StringVal of a
// string cty normalised gives it back unchanged. A cell that is none of
// a known string, a null or a plain unknown one (a marked value, an
// unknown refined) is held as it is, aside. Other attributes keep their
// values. Cells are set by index from several goroutines at once, each
// index by one.
type cells struct {
	vals []cty.Value // an attribute not of type string; nil otherwise

	strs []string
	kind []cellKind
	mu   sync.Mutex
	odd  map[int]cty.Value // cellOdd's values
}

type cellKind uint8

const (
	cellUnset cellKind = iota // cty.NilVal
	cellString
	cellNull
	cellUnknown
	cellOdd
)

// makeCells makes the n cells of an attribute of type ty.
func makeCells(n int, ty cty.Type) cells {
	if !ty.Equals(cty.String) {
		return cells{vals: make([]cty.Value, n)}
	}
	return cells{strs: make([]string, n), kind: make([]cellKind, n)}
}

func (c *cells) set(i int, v cty.Value) {
	if c.vals != nil {
		c.vals[i] = v
		return
	}
	switch {
	case v == cty.NilVal:
		c.kind[i] = cellUnset
	case !v.Type().Equals(cty.String) || v.IsMarked():
		c.setOdd(i, v)
	case v.IsNull():
		c.kind[i] = cellNull
	case !v.IsKnown():
		if !v.RawEquals(cty.UnknownVal(cty.String)) {
			c.setOdd(i, v) // refined: kept as it is
			return
		}
		c.kind[i] = cellUnknown
	default:
		c.strs[i], c.kind[i] = v.AsString(), cellString
	}
}

func (c *cells) setOdd(i int, v cty.Value) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.odd == nil {
		c.odd = map[int]cty.Value{}
	}
	c.odd[i] = v
	c.kind[i] = cellOdd
}

func (c *cells) at(i int) cty.Value {
	if c.vals != nil {
		return c.vals[i]
	}
	switch c.kind[i] {
	case cellString:
		return cty.StringVal(c.strs[i])
	case cellNull:
		return cty.NullVal(cty.String)
	case cellUnknown:
		return cty.UnknownVal(cty.String)
	case cellOdd:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.odd[i]
	}
	return cty.NilVal
}
