package usapi

import "github.com/zclconf/go-cty/cty"

// getAttr answers obj's attribute name, or a null string when obj is null,
// unknown or has no such attribute.
func getAttr(obj cty.Value, name string) cty.Value {
	if obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NullVal(cty.String)
	}
	return obj.GetAttr(name)
}

// attrReader reads a configuration's attributes: its object's
// (objectAttrs), or those the engine gives before building it
// (providers.Attrs).
type attrReader interface {
	Attr(name string) cty.Value
}

// objectAttrs reads an object's attributes as getAttr does.
type objectAttrs struct{ v cty.Value }

func (o objectAttrs) Attr(name string) cty.Value { return getAttr(o.v, name) }

// attrOf is the attribute name of a, null when a has none (as getAttr).
func attrOf(a attrReader, name string) cty.Value {
	if v := a.Attr(name); v != cty.NilVal {
		return v
	}
	return cty.NullVal(cty.String)
}

// strAttr is str of a's attribute.
func strAttr(a attrReader, name string) (string, bool) {
	v := attrOf(a, name)
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// str answers a known, non-null string attribute; ok is false otherwise.
func str(obj cty.Value, name string) (string, bool) {
	v := getAttr(obj, name)
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// strOr answers the string attribute or def when it is null or unknown.
func strOr(obj cty.Value, name, def string) string {
	if s, ok := str(obj, name); ok {
		return s
	}
	return def
}

// isUnknown reports whether obj's attribute name is not yet known.
func isUnknown(obj cty.Value, name string) bool {
	return !getAttr(obj, name).IsKnown()
}

// present reports whether obj is a known, non-null value.
func present(v cty.Value) bool {
	return v.IsKnown() && !v.IsNull()
}

// withAttrs answers obj with the given attributes replaced.
// A plain object's attributes are read by name: AsValueMap's iterator
// makes a cty string of every name, and an account is built this way
// twice per create. An attribute set replaces is not read (GetAttr
// normalises its name each time: 6 of an account's 14 when a create's
// record is built).
func withAttrs(obj cty.Value, set map[string]cty.Value) cty.Value {
	var m map[string]cty.Value
	if ty := obj.Type(); ty.IsObjectType() && !obj.IsMarked() && obj.IsKnown() && !obj.IsNull() {
		atys := ty.AttributeTypes()
		m = make(map[string]cty.Value, len(atys)+len(set))
		for name := range atys {
			if _, replaced := set[name]; !replaced {
				m[name] = obj.GetAttr(name)
			}
		}
	} else if m = obj.AsValueMap(); m == nil {
		m = map[string]cty.Value{}
	}
	for k, v := range set {
		m[k] = v
	}
	return cty.ObjectVal(m)
}

// plain strips the marks of a value the engine passed. The engine strips
// marks itself before it calls a provider (it keeps their paths), so this
// walks a value only when it is marked at the top: planning a batch calls
// PlanResource, ValidateResource and the ConfigsCheck once per account, and
// UnmarkDeep walks every attribute even when there is no mark.
func plain(v cty.Value) cty.Value {
	if v.IsMarked() {
		v, _ = v.UnmarkDeep()
	}
	return v
}

// optString answers a cty string, null when s is empty.
func optString(s string) cty.Value {
	if s == "" {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(s)
}

func attrPath(names ...string) cty.Path {
	p := cty.Path{}
	for _, n := range names {
		p = p.GetAttr(n)
	}
	return p
}
