package planner

import (
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/zclconf/go-cty/cty"
)

// values holds what expressions refer to: locals and whole resources. It
// implements schema.Data, safe for concurrent use. During apply, a local
// that was not wholly known at plan time is evaluated again with the
// values apply has produced (the executor runs an instance only after
// everything it depends on, locals' resources included, has finished).
type values struct {
	p         *planner
	mu        sync.RWMutex
	locals    map[string]cty.Value
	resources map[addrs.Resource]cty.Value
	applying  bool
	// dropped are the locals whose values apply let go of, as no
	// expression evaluated during apply reads them (dropLocals).
	dropped map[string]bool
	// version counts the changes of locals and resources (see
	// schema.VersionedData).
	version atomic.Uint64
}

var _ schema.VersionedData = (*values)(nil)

// Version implements schema.VersionedData.
func (v *values) Version() uint64 { return v.version.Load() }

func newValues(p *planner) *values {
	return &values{p: p, locals: map[string]cty.Value{}, resources: map[addrs.Resource]cty.Value{}}
}

// Local implements schema.Data. A local held as a CSV table is given as
// its value, built on first use.
func (v *values) Local(name string) (cty.Value, bool) {
	v.mu.RLock()
	val, ok := v.locals[name]
	applying, dropped := v.applying, v.dropped[name]
	v.mu.RUnlock()
	if t, isTable := schema.TableOf(val); isTable {
		return t.Value(), true
	}
	if dropped && !ok {
		val, ok = cty.DynamicVal, true // evaluated again below
	}
	if !ok || !applying || val.IsWhollyKnown() {
		return val, ok
	}
	l := v.p.cfg.Locals[name]
	fresh, diags := v.p.scope.EvalExpr(l.Expr, cty.DynamicPseudoType, schema.Repetition{})
	if diags.HasErrors() {
		return val, true
	}
	if fresh.IsWhollyKnown() {
		v.setLocal(name, fresh)
	}
	return fresh, true
}

// Resource implements schema.Data.
func (v *values) Resource(addr addrs.Resource) (cty.Value, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	val, ok := v.resources[addr]
	return val, ok
}

// table is the CSV table the local name is held as, nil when it is held
// as a value (see evalLocal).
func (v *values) table(name string) *schema.CSVTable {
	v.mu.RLock()
	val := v.locals[name]
	v.mu.RUnlock()
	t, _ := schema.TableOf(val)
	return t
}

func (v *values) setLocal(name string, val cty.Value) {
	v.mu.Lock()
	v.locals[name] = val
	v.version.Add(1)
	v.mu.Unlock()
}

func (v *values) setResource(addr addrs.Resource, val cty.Value) {
	v.mu.Lock()
	v.resources[addr] = val
	v.version.Add(1)
	v.mu.Unlock()
}

func (v *values) startApply() {
	v.mu.Lock()
	v.applying = true
	v.mu.Unlock()
}
