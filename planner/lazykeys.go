package planner

import (
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// lazyKeys is the value of a resource whose every instance is a create
// kept lazily and whose dependents read only its keys (length(R)), as
// keysColumn is for one kept compactly: its count of instances, without
// the object of one empty object an instance that buildWithCompact
// builds (about 160 bytes a verification at a million, its type's
// attribute map and its values'), which the plan would hold to the end of
// the apply for outputs that read its length. Its Value is that object,
// built on first use from the block's keys (which apply keeps:
// compactKeys).
type lazyKeys struct {
	lz        *lazyCreates
	wholeOnce sync.Once
	whole     cty.Value
}

var _ schema.Columns = (*lazyKeys)(nil)

// lazyKeysOf is the value of r as lazyKeys, or nil unless r's instances
// are all creates kept lazily (or orphans forgotten), by string key, and
// its dependents read only its keys.
func lazyKeysOf(r *resource) *lazyKeys {
	lz := r.lazy
	if lz == nil || lz.packs == nil || r.compact != nil || !r.referenced || !r.keysOnly() || r.exp != keyed {
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
	return &lazyKeys{lz: lz}
}

// Attr implements schema.Columns: no attribute is read of r.
func (k *lazyKeys) Attr(key, name string) (cty.Value, bool) { return cty.NilVal, false }

// Len implements schema.Columns.
func (k *lazyKeys) Len() int { return k.lz.count() }

// Value implements schema.Columns: the object buildWithCompact builds
// when the plan is made, of what dependents read of each create kept
// (lazyValue), by key.
func (k *lazyKeys) Value() cty.Value {
	k.wholeOnce.Do(func() {
		attrs := make(map[string]cty.Value, k.lz.count())
		k.lz.plannedValues(attrs)
		k.whole = cty.ObjectVal(attrs)
	})
	return k.whole
}
