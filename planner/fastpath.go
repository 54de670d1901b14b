package planner

import (
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/zclconf/go-cty/cty"
)

// These are cty operations done once per instance of a batch, written for
// the values planning meets most: objects of primitives, without marks,
// wholly known. cty's own walks sort an object's attribute names and
// allocate an iterator at every level; these look attributes up by name
// and fall back to cty for anything else.

// unmarkDeepPaths is cty's UnmarkDeepWithPaths, without the walk's cost
// when nothing is marked (most configurations of a batch).
func unmarkDeepPaths(v cty.Value) (cty.Value, []cty.PathValueMarks) {
	if !marks.Contains(v) {
		return v, nil
	}
	return v.UnmarkDeepWithPaths()
}

// knownAndEqual reports whether a is wholly known and equal to b, both
// unmarked: an instance whose planned value is its prior one.
func knownAndEqual(a, b cty.Value) bool {
	if !a.Type().Equals(b.Type()) {
		return false
	}
	return sameValue(a, b)
}

// sameValue compares two unmarked values of the same type, a wholly known.
func sameValue(a, b cty.Value) bool {
	ty := a.Type()
	switch {
	case !a.IsKnown():
		return false
	case a.IsNull() || b.IsNull() || !b.IsKnown():
		return a.IsNull() && b.IsNull()
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if !sameValue(a.GetAttr(name), b.GetAttr(name)) {
				return false
			}
		}
		return true
	case ty.IsPrimitiveType():
		return a.RawEquals(b)
	}
	return a.IsWhollyKnown() && a.RawEquals(b)
}
