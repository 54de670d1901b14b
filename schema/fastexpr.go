package schema

import (
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// fastExpr is an expression of a shape a batch's dependent writes
// ("${each.value.first_name} ${each.value.last_name}",
// usapi_account.person[each.key].email) read from the instance's values
// without building its context (each as an object, and the variables'
// map: four maps per instance). value answers only what HCL's evaluation
// answers without a diagnostic, known, unmarked; ok false leaves the
// expression to HCL.
type fastExpr interface {
	value(base *fastBase, rep Repetition) (cty.Value, bool)
}

// fastBase is the context a BodyEvaluator's instances share (never changed
// once built), and the collections its fastIndexes read in it, read once
// rather than once per instance.
type fastBase struct {
	ctx   *hcl.EvalContext
	colls sync.Map // *fastIndex → collValue
	// cols are the resources ctx leaves out, held as columns.
	cols fastColumns
}

// collValue is a fastIndex's collection read in a base context: ok false
// when reading it gave a diagnostic.
type collValue struct {
	v  cty.Value
	ok bool
}

// collection is f's collection read in b's context.
func (b *fastBase) collection(f *fastIndex) collValue {
	if c, ok := b.colls.Load(f); ok {
		return c.(collValue)
	}
	v, diags := f.coll.Value(b.ctx)
	c := collValue{v: v, ok: len(diags) == 0}
	b.colls.Store(f, c)
	return c
}

// fastExprOf recognises the shapes of fastExpr; nil for any other.
func fastExprOf(expr hcl.Expression) fastExpr {
	switch e := expr.(type) {
	case *hclsyntax.TemplateExpr:
		return templateOf(e)
	case *hclsyntax.RelativeTraversalExpr:
		return indexOf(e)
	}
	return nil
}

// fastTemplate is a template of literal strings and plain traversals of
// count or each.
type fastTemplate struct {
	parts []templatePart
}

type templatePart struct {
	text   string
	direct *directTraversal // nil for text
}

func templateOf(e *hclsyntax.TemplateExpr) fastExpr {
	t := &fastTemplate{}
	for _, part := range e.Parts {
		switch p := part.(type) {
		case *hclsyntax.LiteralValueExpr:
			if !plainString(p.Val) {
				return nil
			}
			t.parts = append(t.parts, templatePart{text: p.Val.AsString()})
		default:
			d := directOf(part)
			if d == nil {
				return nil
			}
			t.parts = append(t.parts, templatePart{direct: d})
		}
	}
	return t
}

// value is TemplateExpr's value when every part is a known, non-null,
// unmarked string: the parts joined (cty.StringVal normalises the whole,
// as TemplateExpr does).
//
// A table's cell is joined as the table holds it, not normalised on its
// own first: the normal form of the joined cells is that of their joined
// normal forms (each string is canonically equivalent to its own).
func (t *fastTemplate) value(_ *fastBase, rep Repetition) (cty.Value, bool) {
	var buf [8]string
	parts := buf[:0]
	n := 0
	for _, p := range t.parts {
		s := p.text
		if p.direct != nil {
			var ok bool
			if s, ok = p.direct.readString(rep); !ok {
				return cty.NilVal, false
			}
		}
		parts = append(parts, s)
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range parts {
		b.WriteString(s)
	}
	return cty.StringVal(b.String()), true
}

// plainString reports whether v is a known, non-null, unmarked string.
func plainString(v cty.Value) bool {
	return !v.IsMarked() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String
}

// fastIndex is COLLECTION[each.key].ATTR..., COLLECTION a traversal that
// refers to neither count nor each (a resource: evaluated in the shared
// context).
type fastIndex struct {
	coll  *hclsyntax.ScopeTraversalExpr
	key   *directTraversal
	attrs []string
}

func indexOf(e *hclsyntax.RelativeTraversalExpr) fastExpr {
	ix, ok := e.Source.(*hclsyntax.IndexExpr)
	if !ok {
		return nil
	}
	coll, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok || refersToRepetition(coll) {
		return nil
	}
	key := directOf(ix.Key)
	if key == nil {
		return nil
	}
	f := &fastIndex{coll: coll, key: key}
	for _, step := range e.Traversal {
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			return nil
		}
		f.attrs = append(f.attrs, a.Name)
	}
	return f
}

// value is HCL's when the collection is a known, non-null, unmarked object
// with the key's attribute, the key a known, unmarked string, and each
// attribute read is a known, non-null, unmarked object's: what hcl.Index
// and hcl.GetAttr give then is the attribute, as is.
func (f *fastIndex) value(base *fastBase, rep Repetition) (cty.Value, bool) {
	key, ok := f.key.readString(rep)
	if !ok {
		return cty.NilVal, false
	}
	if cols, ok := base.cols.columnsOf(f); ok {
		// R[each.key].NAME of a resource held as columns: what the whole
		// value's instance gives, the value not built.
		if len(f.attrs) == 0 {
			return cty.NilVal, false
		}
		var v cty.Value
		if at, is := cols.(ColumnsAt); is && rep.EachRow.IsRow() {
			v, ok = at.AttrAt(int(rep.EachRow.row), key, f.attrs[0])
		} else {
			v, ok = cols.Attr(key, f.attrs[0])
		}
		if !ok {
			return cty.NilVal, false
		}
		for _, name := range f.attrs[1:] {
			if v, ok = objectAttr(v, name); !ok {
				return cty.NilVal, false
			}
		}
		return v, true
	}
	c := base.collection(f)
	if !c.ok {
		return cty.NilVal, false
	}
	v, ok := objectAttr(c.v, key)
	if !ok {
		return cty.NilVal, false
	}
	for _, name := range f.attrs {
		if v, ok = objectAttr(v, name); !ok {
			return cty.NilVal, false
		}
	}
	return v, true
}

// objectAttr is v's attribute name when v is a known, non-null, unmarked
// object that has it.
func objectAttr(v cty.Value, name string) (cty.Value, bool) {
	ty := v.Type()
	if v.IsMarked() || !v.IsKnown() || v.IsNull() || !ty.IsObjectType() || !ty.HasAttribute(name) {
		return cty.NilVal, false
	}
	return v.GetAttr(name), true
}
