package schema

import (
	"reflect"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Columns is a resource's value held as the values of the attributes its
// dependents read, by instance key (planner's prediction of a batch
// whose verifications read usapi_account.person[each.key].email): an
// object of 100,000 one-attribute objects costs about 500 bytes an
// account, the column of e-mails what the e-mails do. A Data gives it as
// ColumnsVal among resources' values; a Scope reads an attribute of one
// instance (R[each.key].email) and the count of instances (length(R))
// from it, and hands every other reader the whole value (Value), built
// once.
type Columns interface {
	// Attr is the attribute name of the instance key as the whole value
	// holds it (value[key].name); ok false when that is not a known,
	// unmarked, non-null object's attribute, where HCL's evaluation of
	// the whole value decides (and explains).
	Attr(key, name string) (cty.Value, bool)
	// Len is the number of instances: the attributes of the whole value,
	// a known, unmarked object.
	Len() int
	// Value is the whole value, built on first use; safe for concurrent
	// use.
	Value() cty.Value
}

// ColumnsAt is implemented by Columns that can look at an index first:
// a dependent of a batch read per row (a verification beside each
// account) is often at the index of its upstream instance, their keys
// being the same table's. AttrAt is Attr, for the instance at index i when
// its key is key.
type ColumnsAt interface {
	AttrAt(i int, key, name string) (cty.Value, bool)
}

type columnsBox struct{ c Columns }

// columnsType is the type of the values that stand for a resource's
// columns (ColumnsVal): an opaque capsule no expression sees, a Scope
// handing out the columns' Value instead.
var columnsType = cty.Capsule("resource columns", reflect.TypeOf(columnsBox{}))

// ColumnsVal is a value standing for c among the values of resources;
// only ColumnsOf and Whole read it: it must never reach an expression.
func ColumnsVal(c Columns) cty.Value { return cty.CapsuleVal(columnsType, &columnsBox{c}) }

// ColumnsOf is the columns v stands for, if it does.
func ColumnsOf(v cty.Value) (Columns, bool) {
	if v == cty.NilVal || !v.Type().Equals(columnsType) || v.IsMarked() || !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	return v.EncapsulatedValue().(*columnsBox).c, true
}

// Whole is v, or the whole value of the columns v stands for.
func Whole(v cty.Value) cty.Value {
	if c, ok := ColumnsOf(v); ok {
		return c.Value()
	}
	return v
}

// fastColumns are the resources of a BodyEvaluator's context held as
// columns, and the one each fastIndex's collection reads (if any), found
// once.
type fastColumns struct {
	byRes map[addrs.Resource]Columns // set by ready, read-only after
	of    sync.Map                   // *fastIndex → Columns (nil: none)
}

// columnsOf is the columns f's collection is, when it is exactly a
// resource held as columns.
func (c *fastColumns) columnsOf(f *fastIndex) (Columns, bool) {
	if len(c.byRes) == 0 {
		return nil, false
	}
	if v, ok := c.of.Load(f); ok {
		cols, _ := v.(Columns)
		return cols, cols != nil
	}
	var cols Columns
	if ref, ok := wholeResource(f.coll.Traversal); ok {
		cols = c.byRes[ref.Resource]
	}
	c.of.Store(f, cols)
	return cols, cols != nil
}

// columnsLength answers length(R) of a resource of the root module held
// as columns, without building its value: what fastLength answers of the
// whole value (a known, unmarked object of Len attributes).
func (s *Scope) columnsLength(expr hcl.Expression, rep Repetition) (cty.Value, bool) {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || rep.Module != nil || call.Name != "length" || len(call.Args) != 1 || call.ExpandFinal {
		return cty.NilVal, false
	}
	arg, ok := call.Args[0].(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return cty.NilVal, false
	}
	ref, ok := wholeResource(arg.Traversal)
	if !ok || s.Config.checkReference(ref) != nil {
		return cty.NilVal, false
	}
	v, ok := s.Data.Resource(ref.Resource)
	if !ok {
		return cty.NilVal, false
	}
	c, ok := ColumnsOf(v)
	if !ok {
		return cty.NilVal, false
	}
	return cty.NumberIntVal(int64(c.Len())), true
}

// wholeResource is the reference t is when it is a resource's address and
// nothing more (usapi_account.person, data.x.y).
func wholeResource(t hcl.Traversal) (*Reference, bool) {
	ref, diags := ParseReference(t)
	if diags.HasErrors() || ref == nil || ref.Kind != RefResource {
		return nil, false
	}
	n := 2
	if ref.Resource.Mode == addrs.Data {
		n = 3
	}
	return ref, len(t) == n
}
