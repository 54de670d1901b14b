package planner

import (
	"fmt"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// instanceKey is one instance of a resource with its repetition values.
type instanceKey struct {
	key addrs.Key
	rep schema.Repetition
}

// expand evaluates count or for_each; both must be known at plan time.
func (p *planner) expand(r *resource) ([]instanceKey, hcl.Diagnostics) {
	if r.cfg.Module != nil {
		return p.expandInModule(r)
	}
	if r.exp == single {
		return []instanceKey{{key: addrs.NoKey}}, nil
	}
	if t := p.forEachTable(r); t != nil {
		return tableKeys(t), nil
	}
	v, diags := p.expansionValue(r)
	if diags.HasErrors() {
		return nil, diags
	}
	keys, more := p.expandValue(r, v)
	return keys, append(diags, more...)
}

// expansionValue evaluates the count or for_each expression of r.
func (p *planner) expansionValue(r *resource) (cty.Value, hcl.Diagnostics) {
	if r.exp == counted {
		return p.scope.EvalExpr(r.cfg.Count, cty.Number, schema.Repetition{})
	}
	return p.scope.EvalExpr(r.cfg.ForEach, cty.DynamicPseudoType, schema.Repetition{})
}

// expandValue lists the instances of r from the value of its count or
// for_each expression.
func (p *planner) expandValue(r *resource, v cty.Value) ([]instanceKey, hcl.Diagnostics) {
	switch r.ownExp {
	case counted:
		return p.expandCount(r, v)
	case keyed:
		return p.expandForEach(r, v)
	}
	return []instanceKey{{key: addrs.NoKey}}, nil
}

func (p *planner) expandCount(r *resource, v cty.Value) ([]instanceKey, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	v, _ = v.UnmarkDeep() // the number of instances is shown: see docs/language.md
	rng := r.cfg.Count.Range().Ptr()
	if !v.IsKnown() {
		return nil, append(diags, p.notKnownYet("count", r, rng))
	}
	if v.IsNull() {
		return nil, append(diags, invalidMeta("count", r, rng, "count must be a whole number, not null."))
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != 0 || n < 0 {
		return nil, append(diags, invalidMeta("count", r, rng, fmt.Sprintf("count must be a whole number of 0 or more, not %s.", v.AsBigFloat().String())))
	}
	keys := make([]instanceKey, n)
	for i := range keys {
		keys[i] = instanceKey{key: addrs.IntKey(i), rep: schema.CountRepetition(cty.NumberIntVal(int64(i)), nil)}
	}
	return keys, diags
}

func (p *planner) expandForEach(r *resource, v cty.Value) ([]instanceKey, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	rng := r.cfg.ForEach.Range().Ptr()
	if d := sensitiveKeys(r, v, rng); d != nil {
		return nil, append(diags, d)
	}
	v, _ = v.Unmark() // the keys become addresses; sensitive values keep their marks
	ty := v.Type()
	switch {
	case !v.IsKnown():
		return nil, append(diags, p.notKnownYet("for_each", r, rng))
	case v.IsNull():
		return nil, append(diags, invalidMeta("for_each", r, rng, "for_each must be a map or a set of strings, not null."))
	case ty.IsSetType() && ty.ElementType() != cty.String && ty.ElementType() != cty.DynamicPseudoType:
		return nil, append(diags, invalidMeta("for_each", r, rng, "for_each must be a map or a set of strings; this set holds "+ty.ElementType().FriendlyName()+". Convert it with toset([...]) of strings, or build a map."))
	case !ty.IsMapType() && !ty.IsObjectType() && !ty.IsSetType():
		return nil, append(diags, invalidMeta("for_each", r, rng, "for_each must be a map or a set of strings, not "+ty.FriendlyName()+". A list can be turned into a set with toset(...), or into a map with a for expression: { for row in LIST : row.id => row }."))
	}
	if !v.IsWhollyKnown() && ty.IsSetType() {
		return nil, append(diags, p.notKnownYet("for_each", r, rng))
	}
	if ty.IsObjectType() {
		keys, _ := p.objectKeys(v)
		return keys, diags
	}
	keys := make([]instanceKey, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, val := it.Element()
		if ty.IsSetType() {
			k = val
		}
		k, _ = k.Unmark()
		if k.IsNull() || !k.IsKnown() {
			return nil, append(diags, invalidMeta("for_each", r, rng, "for_each keys must be known strings, not null."))
		}
		keys = append(keys, instanceKey{key: addrs.StringKey(k.AsString()), rep: schema.EachRepetition(k, val, nil)})
	}
	return keys, diags
}

// sensitiveKeys refuses a for_each whose keys would reveal a sensitive
// value: a sensitive map or set, or a set with a sensitive element (the
// keys become instance addresses, printed in every plan). A map's values
// may be sensitive: they stay marked in each.value.
func sensitiveKeys(r *resource, v cty.Value, rng *hcl.Range) *hcl.Diagnostic {
	sensitive := v.HasMark(schema.Sensitive)
	if plain, _ := v.Unmark(); !sensitive && plain.Type().IsSetType() && plain.IsKnown() && !plain.IsNull() {
		sensitive = plain.ContainsMarked()
	}
	if !sensitive {
		return nil
	}
	return invalidMeta("for_each", r, rng, "for_each cannot be a sensitive value, or hold sensitive keys: its keys become instance addresses, shown in every plan and kept in clear in the state. Build the keys from values that are not sensitive (a username, a row number), and keep the sensitive values in a map's values, which stay hidden; or use nonsensitive(...) if the keys may be shown.")
}

func (p *planner) notKnownYet(meta string, r *resource, rng *hcl.Range) *hcl.Diagnostic {
	if p.hasErrors() {
		return errorsAbove // an earlier error (a failed read) left it unknown: advice would mislead
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + meta + " argument",
		Detail: fmt.Sprintf("The %s of %s is known only after apply: use -target to apply the resources it depends on first, then plan again.",
			meta, r.addr),
		Subject: rng,
	}
}

func invalidMeta(meta string, r *resource, rng *hcl.Range, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + meta + " argument",
		Detail:   detail + " (in " + r.addr.String() + ")",
		Subject:  rng,
	}
}

// objectKeys lists the instances of a for_each object (what a for
// expression builds from a CSV: 100,000 attributes), sorted by key, and
// reports whether every value is wholly known. Its attributes are read in
// parallel: cty's own iteration sorts the names and reads them one by one.
func (p *planner) objectKeys(v cty.Value) ([]instanceKey, bool) {
	names := slices.Sorted(maps.Keys(v.Type().AttributeTypes()))
	keys := make([]instanceKey, len(names))
	var unknown atomic.Bool
	const chunk = 1024
	p.parallel((len(names)+chunk-1)/chunk, func(c int) {
		for i := c * chunk; i < min(len(names), (c+1)*chunk); i++ {
			val := v.GetAttr(names[i])
			if !unknown.Load() && !whollyKnown(val) {
				unknown.Store(true)
			}
			keys[i] = instanceKey{key: addrs.StringKey(names[i]), rep: schema.EachRepetition(cty.StringVal(names[i]), val, nil)}
		}
	})
	return keys, !unknown.Load()
}

// errorsAbove stands for an error already reported: a count or for_each
// left unknown by an earlier failure (a data source that could not be
// read) stops its resource without an advice of its own. report drops it.
var errorsAbove = &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "(reported above)"}
