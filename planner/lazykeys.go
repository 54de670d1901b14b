package planner

import (
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// lazyKeys is the value of a resource whose every instance is kept
// lazily (a create, or a refreshed no-op whose outcome apply records:
// lazyoutcomes.go), or, for refreshed no-ops, lazily or compactly (the
// settled ones), and whose dependents read only its keys (length(R)), as
// keysColumn is for one kept compactly: its count of instances, without
// the object of one empty object an instance that buildWithCompact
// builds (about 160 bytes a verification at a million, its type's
// attribute map and its values', and each key a slice of the batch's CSV
// text, which it keeps), which the plan would hold to the end of the
// apply for outputs that read its length. Its Value is that object,
// built on first use from the block's keys and the compact's (which apply
// keeps: compactKeys, leanKeys).
type lazyKeys struct {
	lz        *lazyCreates
	c         *compact // nil but beside a block of refreshed no-ops
	wholeOnce sync.Once
	whole     cty.Value
}

var _ schema.Columns = (*lazyKeys)(nil)

// lazyKeysOf is the value of r as lazyKeys, or nil unless r's instances
// are all kept lazily (or orphans forgotten; or, beside a block of
// refreshed no-ops, kept compactly), by string key, and its dependents
// read only its keys.
func lazyKeysOf(r *resource) *lazyKeys {
	lz, c := r.lazy, r.compact
	if lz == nil || lz.packs == nil && lz.outs == nil || !r.referenced || !r.keysOnly() || r.exp != keyed {
		return nil
	}
	if c != nil && (lz.outs == nil || len(c.keys) != len(lz.outs) || c.count()+lz.count() != len(c.keys)) {
		return nil
	}
	for _, st := range r.steps {
		if st.Change.Action != plans.Forget {
			return nil
		}
	}
	for _, k := range lz.order {
		if _, ok := lz.keys[k].key.(addrs.StringKey); !ok {
			return nil
		}
	}
	if c != nil {
		for i, is := range c.is {
			if _, ok := c.keys[i].key.(addrs.StringKey); is && !ok {
				return nil
			}
		}
	}
	return &lazyKeys{lz: lz, c: c}
}

// Attr implements schema.Columns: no attribute is read of r.
func (k *lazyKeys) Attr(key, name string) (cty.Value, bool) { return cty.NilVal, false }

// Len implements schema.Columns.
func (k *lazyKeys) Len() int { return k.lz.count() + k.c.count() }

// Value implements schema.Columns: the object buildWithCompact builds
// when the plan is made, of what dependents read of each create kept
// (lazyValue) and of each kept compactly (compact.value), by key.
func (k *lazyKeys) Value() cty.Value {
	k.wholeOnce.Do(func() {
		attrs := make(map[string]cty.Value, k.Len())
		k.lz.plannedValues(attrs)
		if c := k.c; c != nil {
			for i, is := range c.is {
				if is {
					attrs[string(c.key(i).(addrs.StringKey))] = c.value(k.lz.r, i)
				}
			}
		}
		k.whole = cty.ObjectVal(attrs)
	})
	return k.whole
}
