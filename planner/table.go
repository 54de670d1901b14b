package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
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
// built only if some other expression reads it (values.Local). Whatever
// the table does not take (another shape, a CSV error, a duplicate key) is
// evaluated as usual, with its diagnostics.
func (p *planner) evalLocal(l *schema.Local) (cty.Value, hcl.Diagnostics) {
	if t, ok := p.scope.CSVTableLocal(l.Expr); ok {
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
func tableKeys(t *schema.CSVTable) []instanceKey {
	keys := make([]instanceKey, t.Len())
	for i := range keys {
		k := t.Key(i)
		keys[i] = instanceKey{key: addrs.StringKey(k), rep: schema.Repetition{EachKey: cty.StringVal(k), EachRow: t.Row(i)}}
	}
	return keys
}
