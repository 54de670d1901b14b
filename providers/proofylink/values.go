package proofylink

import (
	"math/big"

	"github.com/zclconf/go-cty/cty"
)

// attr returns obj's attribute name, or a null string when obj is null,
// unknown or lacks it.
func attr(obj cty.Value, name string) cty.Value {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return obj.GetAttr(name)
}

// known reports whether v is known and not null.
func known(v cty.Value) bool { return v.IsKnown() && !v.IsNull() }

// stringAttr is obj's string attribute name, "" when null or unknown.
func stringAttr(obj cty.Value, name string) string {
	v := attr(obj, name)
	if !known(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// intAttr is obj's number attribute name as an int64, ok false when null,
// unknown or not a whole number.
func intAttr(obj cty.Value, name string) (int64, bool) {
	v := attr(obj, name)
	if !known(v) || v.Type() != cty.Number {
		return 0, false
	}
	n, acc := v.AsBigFloat().Int64()
	return n, acc == big.Exact
}

// boolAttr is obj's bool attribute name, false when null or unknown.
func boolAttr(obj cty.Value, name string) bool {
	v := attr(obj, name)
	return known(v) && v.Type() == cty.Bool && v.True()
}

// strVal is a cty string, null when s is nil.
func strVal(s *string) cty.Value {
	if s == nil {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(*s)
}

// numVal is a cty number, null when f is nil.
func numVal(f *float64) cty.Value {
	if f == nil {
		return cty.NullVal(cty.Number)
	}
	return cty.NumberFloatVal(*f)
}

// sameValue reports whether two values are both known and equal (nulls
// included).
func sameValue(a, b cty.Value) bool {
	a, _ = a.UnmarkDeep()
	b, _ = b.UnmarkDeep()
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	return a.RawEquals(b)
}

// stringValue is v's string, "" when null, unknown or not a string.
func stringValue(v cty.Value) string {
	if !known(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}
