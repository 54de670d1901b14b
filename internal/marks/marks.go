// Package marks reads the engine's marks (sensitive) on the values it
// passes the providers, without cty's costs where the values are plain
// objects of primitives, as a batch's configurations are.
package marks

import "github.com/zclconf/go-cty/cty"

// Unmarked is v.UnmarkDeep() without its copy of every attribute when
// nothing in v is marked (the engine passes unmarked values): a provider
// never returns a value it unmarked to an output.
func Unmarked(v cty.Value) cty.Value {
	if Contains(v) {
		v, _ = v.UnmarkDeep()
	}
	return v
}

// Contains is cty's ContainsMarked without its walk's cost on objects:
// cty's walk sorts every object's attribute names, for every instance of
// a batch.
func Contains(v cty.Value) bool {
	switch ty := v.Type(); {
	case v.IsMarked():
		return true
	case !v.IsKnown() || v.IsNull() || ty.IsPrimitiveType():
		return false
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if Contains(v.GetAttr(name)) {
				return true
			}
		}
		return false
	}
	return v.ContainsMarked()
}
