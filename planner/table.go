package planner

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evalLocal evaluates a local of the root module. A batch's local
// { for row in csvdecode(file(...)) : row.username => row } is read as a
// schema.CSVTable (held as schema.TableVal among the locals): a resource
// whose for_each is exactly that local expands from it, each instance
// reading its row's fields, and the local's value (100,000 row objects) is
// built only if some other expression reads it (values.Local). A key
// that rows repeat is the table's diagnostics, HCL's own; whatever else
// the table does not take (another shape, a CSV error) is evaluated as
// usual, with its diagnostics.
func (p *planner) evalLocal(l *schema.Local) (cty.Value, hcl.Diagnostics) {
	if t, diags, ok := p.scope.EvalCSVTableLocal(l.Expr); ok {
		if len(diags) > 0 {
			return cty.DynamicVal, diags
		}
		return schema.TableVal(t), nil
	}
	return p.scope.EvalExpr(l.Expr, cty.DynamicPseudoType, schema.Repetition{})
}

// forEachTable is the table a resource's for_each reads when it is
// exactly local.NAME of a local held as a table, else nil.
func (p *planner) forEachTable(r *resource) *schema.CSVTable {
	if r.cfg == nil || r.cfg.Module != nil || r.ownExp != keyed || r.cfg.ForEach == nil {
		return nil
	}
	st, ok := r.cfg.ForEach.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) != 2 || st.Traversal.RootName() != "local" {
		return nil
	}
	a, ok := st.Traversal[1].(hcl.TraverseAttr)
	if !ok {
		return nil
	}
	return p.vals.table(a.Name)
}

// tableKeys lists the instances of a for_each over a table, in key order
// (the order objectKeys gives the table's value), each with its row.
//
// The keys are made on every core: the pre-pass (and the walk, when it
// does not take the pre-pass's keys over) waits for them, and a key costs
// two allocations and cty's normalisation of its string, 0.07 s at
// 100,000 rows on one core while the other one idled.
//
// Each range's keys are copied into one string of their own, each key a
// slice of it: a key held as a slice of the CSV's text would hold the
// whole text, which the walk lets go of (packTable) while the keys stay.
func tableKeys(t *schema.CSVTable) []instanceKey {
	keys := make([]instanceKey, t.Len())
	inRanges(len(keys), func(lo, hi int) {
		n := 0
		for i := lo; i < hi; i++ {
			n += len(t.Key(i))
		}
		var b strings.Builder
		b.Grow(n)
		for i := lo; i < hi; i++ {
			b.WriteString(t.Key(i))
		}
		buf, at := b.String(), 0
		for i := lo; i < hi; i++ {
			k := buf[at : at+len(t.Key(i))]
			at += len(k)
			keys[i] = instanceKey{key: addrs.StringKey(k), rep: schema.RowRepetition(t.Row(i))}
		}
	})
	return keys
}

// tableKeysOf is tableKeys of t, made once while validateAll runs: the
// resources of a batch name the same table (a verification per row beside
// each account), and their keys are the same values, 0.07 s of CPU and
// 13.6 MB at 100,000 rows made again for each. They are shared read only:
// a step points at its key's repetition (newStep) and never writes it, and
// withoutExcluded leaves out keys into a new slice.
func (p *planner) tableKeysOf(t *schema.CSVTable) []instanceKey {
	if p.tableKeys == nil {
		return tableKeys(t)
	}
	keys, ok := p.tableKeys[t]
	if !ok {
		keys = tableKeys(t)
		p.tableKeys[t] = keys
	}
	return keys
}

// inRanges calls fn on contiguous ranges that cover [0, n), one range per
// core at once, or on the whole when n is small. The ranges, of rangeMin
// items, are taken in turn by whichever goroutine is free: on a machine
// busy with other work, halves given to two goroutines left one core idle
// while the other, descheduled, finished its half.
func inRanges(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/rangeMin)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var crash panics.First
	for range workers {
		wg.Go(func() {
			defer crash.Recover(nil)
			for {
				lo := int(next.Add(rangeMin) - rangeMin)
				if lo >= n {
					return
				}
				fn(lo, min(lo+rangeMin, n))
			}
		})
	}
	wg.Wait()
	crash.Repanic() // in the caller's goroutine, as parallel does
}

// rangeMin is the fewest items inRanges gives a goroutine.
const rangeMin = 4096

// packTable lets go of the CSV's text of the table r's for_each reads,
// keeping it compressed in blocks (schema.CSVTable.Pack), as the walk
// starts to refresh r's instances and keep their outcomes lazily (an
// apply that records a batch's verifications' outcomes). The walk reads
// each verification's row once, in key order, to evaluate its
// configuration again (configAgain: its refresh found its outcome,
// Persist), from the block that holds it, decompressed with its
// neighbours' rows; so does whatever reads a row after it (the walk's
// check of every configuration after an error, feedWalkCheck; a
// diagnostic's row origin): the very text the plan read, whatever the
// file holds now. At a million rows, about 86 MB of text held through the
// refresh and to apply's start become about 17. A walk that plans none of
// r's instances (the pre-pass kept every one: no change) reads no row, and
// leaves the text as it is.
func (p *planner) packTable(r *resource) {
	t := p.forEachTable(r)
	if t == nil {
		return
	}
	if packingTable != nil {
		packingTable(r.addr.String(), t)
	}
	p.scope.PackCSVTable(t)
}

// packingTable, set by tests, is told the table packTable is about to
// pack, and the resource whose walk packs it.
var packingTable func(addr string, t *schema.CSVTable)
