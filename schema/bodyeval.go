package schema

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// A BodyEvaluator evaluates one body with one spec for many instances: a
// for_each over 100,000 rows evaluates the same resource body 100,000
// times, and everything but count and each is the same every time. It
// finds the references, builds the context of everything but count and
// each, and decodes the spec against the body's content once; an instance
// then costs its expressions and its object.
//
// The values a BodyEvaluator holds are those of the moment it was made:
// make one per resource and phase, after what the body refers to has been
// evaluated.
type BodyEvaluator struct {
	s    *Scope
	pb   *preparedBody
	spec hcldec.Spec
	// base holds the variables, locals, resources and paths; diags are
	// the diagnostics of the references and of building base. A resource
	// the Data holds as columns (ColumnsVal) is left out of base, which
	// only the fast expressions read (fastIndex reads the columns): every
	// other evaluation reads full, base with the resource's whole value,
	// built on first use.
	base     *hcl.EvalContext
	full     *hcl.EvalContext
	fullOnce sync.Once
	diags    hcl.Diagnostics
	// fast is base for the fields' fastExprs.
	fast fastBase
	// reps are the count and each references, set per instance; repNames
	// the attributes they use, by object (count or each).
	reps     []*Reference
	repNames map[string][]string
	// valueAttrs are the attributes of each.value the body reads, when
	// every reference to each.value reads an attribute (each.value.NAME);
	// valueWhole is set when one reads it otherwise. A table's row is
	// given to the context as the object of those attributes only.
	valueAttrs []string
	valueWhole bool
	once       sync.Once
}

// BodyEvaluator prepares body and spec for Eval.
func (s *Scope) BodyEvaluator(body hcl.Body, spec hcldec.Spec) *BodyEvaluator {
	return s.bodyEvaluator(s.prepare(body, spec), spec)
}

// BodyEvaluatorWith is BodyEvaluator with the values of locals and
// resources taken from data instead of s.Data: apply evaluates an instance
// with the values of the very instances it depends on, before the rest of
// their resources has finished.
func (s *Scope) BodyEvaluatorWith(body hcl.Body, spec hcldec.Spec, data Data) *BodyEvaluator {
	with := &Scope{Config: s.Config, Vars: s.Vars, Data: data, BaseDir: s.BaseDir}
	return with.bodyEvaluator(s.prepare(body, spec), spec)
}

func (s *Scope) bodyEvaluator(pb *preparedBody, spec hcldec.Spec) *BodyEvaluator {
	return &BodyEvaluator{s: s, pb: pb, spec: spec, diags: append(hcl.Diagnostics(nil), pb.refsDiags...)}
}

// ready builds the context the root module's instances share, once: a
// module's body is evaluated per instance (evalInModule), its variables
// and resources being the module instance's.
func (e *BodyEvaluator) ready() {
	e.once.Do(func() {
		s := e.s
		b := newContextBuilder()
		for _, ref := range e.pb.refs {
			if ref.Kind == RefCount || ref.Kind == RefEach {
				if d := s.Config.checkReference(ref); d != nil {
					e.diags = append(e.diags, d)
				} else {
					e.reps = append(e.reps, ref)
					e.addRepName(ref)
				}
				continue
			}
			if ref.Kind == RefResource && s.Config.checkReference(ref) == nil {
				if v, ok := s.Data.Resource(ref.Resource); ok {
					if c, ok := ColumnsOf(v); ok {
						if e.fast.cols.byRes == nil {
							e.fast.cols.byRes = map[addrs.Resource]Columns{}
						}
						e.fast.cols.byRes[ref.Resource] = c
						continue // in full only
					}
				}
			}
			if d := s.add(b, ref, Repetition{}); d != nil {
				e.diags = append(e.diags, d)
			}
		}
		e.base = b.build(FunctionsAt(s.baseDir(), s.PlanTime))
		e.fast.ctx = e.base
	})
}

// fullBase is the context every evaluation but the fast expressions'
// reads: base, with the whole values of the resources held as columns.
func (e *BodyEvaluator) fullBase() *hcl.EvalContext {
	if len(e.fast.cols.byRes) == 0 {
		return e.base
	}
	e.fullOnce.Do(func() {
		s := e.s
		b := newContextBuilder()
		for _, ref := range e.pb.refs {
			if ref.Kind != RefCount && ref.Kind != RefEach {
				_ = s.add(b, ref, Repetition{}) // its diagnostics are ready's
			}
		}
		e.full = b.build(FunctionsAt(s.baseDir(), s.PlanTime))
	})
	return e.full
}

// evalInModule evaluates the body for one instance of a resource of a
// called module, with a context of its own.
func (e *BodyEvaluator) evalInModule(rep Repetition) (cty.Value, hcl.Diagnostics) {
	ctx, diags := e.s.evalContext(e.pb.refs, rep)
	diags = append(append(hcl.Diagnostics(nil), e.pb.refsDiags...), diags...)
	if diags.HasErrors() {
		return cty.UnknownVal(hcldec.ImpliedType(e.spec)), diags
	}
	if e.pb.dynamic {
		val, more := hcldec.Decode(dynblock.Expand(e.pb.content.Body, ctx), e.spec, ctx)
		return val, append(diags, expandCSVErrors(more)...)
	}
	val, more := hcldec.Decode(e.pb.content, e.spec, ctx)
	return val, append(diags, expandCSVErrors(more)...)
}

// addRepName notes the attribute of count or each that ref uses.
func (e *BodyEvaluator) addRepName(ref *Reference) {
	root := "count"
	if ref.Kind == RefEach {
		root = "each"
	}
	if root == "each" && ref.Name == "value" {
		if a, ok := valueAttr(ref.Traversal); ok {
			if !slices.Contains(e.valueAttrs, a) {
				e.valueAttrs = append(e.valueAttrs, a)
			}
		} else {
			e.valueWhole = true
		}
	}
	if e.repNames == nil {
		e.repNames = map[string][]string{}
	}
	if !slices.Contains(e.repNames[root], ref.Name) {
		e.repNames[root] = append(e.repNames[root], ref.Name)
	}
}

// valueAttr is NAME when t is each.value.NAME... (then anything).
func valueAttr(t hcl.Traversal) (string, bool) {
	if len(t) < 3 {
		return "", false
	}
	a, ok := t[2].(hcl.TraverseAttr)
	return a.Name, ok
}

// repValue is the value of count.NAME or each.NAME for one instance (a
// table's row is built).
func repValue(rep Repetition, root, name string) cty.Value {
	switch {
	case root == "count":
		return rep.CountIndex()
	case name == "key":
		return rep.EachKey()
	}
	return rep.Each()
}

// hasRepValue reports whether count.NAME or each.NAME has a value for
// rep, without building it.
func hasRepValue(rep Repetition, root, name string) bool {
	switch {
	case root == "each" && name == "key":
		return rep.hasEachKey()
	case root == "each":
		return rep.hasEach()
	}
	return repValue(rep, root, name) != cty.NilVal
}

// hasRepValues reports whether rep has a value for every count and each
// attribute the body uses.
func (e *BodyEvaluator) hasRepValues(rep Repetition) bool {
	for root, names := range e.repNames {
		for _, name := range names {
			if !hasRepValue(rep, root, name) {
				return false
			}
		}
	}
	return true
}

// repVariables builds the count and each objects of one instance; false
// when one of their values is absent (a reference to each in a block
// without for_each), which the caller diagnoses.
func (e *BodyEvaluator) repVariables(rep Repetition) (map[string]cty.Value, bool) {
	vars := make(map[string]cty.Value, len(e.repNames))
	for root, names := range e.repNames {
		attrs := make(map[string]cty.Value, len(names))
		for _, name := range names {
			var v cty.Value
			if root == "each" && name == "value" && rep.EachValue() == cty.NilVal && rep.EachRow.IsRow() && !e.valueWhole {
				// Every expression of the body reads attributes of
				// each.value: the object of those is all they see.
				v = rep.EachRow.project(e.valueAttrs)
			} else {
				v = repValue(rep, root, name)
			}
			if v == cty.NilVal {
				return nil, false
			}
			attrs[name] = v
		}
		vars[root] = cty.ObjectVal(attrs)
	}
	return vars, true
}

// Eval decodes the body for one instance, as EvalBody does.
func (e *BodyEvaluator) Eval(rep Repetition) (cty.Value, hcl.Diagnostics) {
	if rep.Module != nil {
		return e.evalInModule(rep)
	}
	e.ready()
	diags := e.diags
	if !e.hasRepValues(rep) {
		// A reference to count or each without its value: the
		// diagnostics name each such reference.
		b := newContextBuilder()
		for _, ref := range e.reps {
			v := rep.CountIndex()
			root := "count"
			if ref.Kind == RefEach {
				root, v = "each", eachValue(rep, ref.Name)
			}
			if d := addRepetition(b, ref, root, v); d != nil {
				diags = append(diags[:len(diags):len(diags)], d)
			}
		}
	}
	if diags.HasErrors() {
		return cty.UnknownVal(hcldec.ImpliedType(e.spec)), append(hcl.Diagnostics(nil), diags...)
	}
	if e.pb.dynamic {
		ctx := e.context(rep)
		val, more := hcldec.Decode(dynblock.Expand(e.pb.content.Body, ctx), e.spec, ctx)
		return val, appendDiags(diags, expandCSVErrors(more))
	}
	if c := e.pb.compiled; c != nil {
		val, more := c.decode(&instance{e: e, rep: rep})
		return val, appendDiags(diags, expandCSVErrors(more))
	}
	val, more := hcldec.Decode(e.pb.content, e.spec, e.context(rep))
	return val, appendDiags(diags, expandCSVErrors(more))
}

// Fields is one instance's evaluated body as its top-level attributes, in
// name order, before they are made an object: what Eval gives is
// cty.ObjectVal of them. Building a 13-attribute object costs four maps
// (its values, its type, twice), which an unchanged instance of a batch
// needs only to be fingerprinted; Object builds it when something does
// need it.
type Fields struct {
	// Names are the attributes' names, sorted; shared by every instance
	// of the body: do not modify.
	Names []string
	// Vals are their values, as Eval's object holds them (marks
	// included).
	Vals []cty.Value
	// Fixed tells, by index, the attributes whose value is the same for
	// every instance of the body: a literal, or null for what the body
	// does not set. Shared like Names: do not modify.
	Fixed []bool
}

// Object is the object of the fields: Eval's value.
func (f *Fields) Object() cty.Value {
	vals := make(map[string]cty.Value, len(f.Names))
	for i, name := range f.Names {
		vals[name] = f.Vals[i]
	}
	return cty.ObjectVal(vals)
}

// Attr is the value of the attribute name, or cty.NilVal when the body
// has no such attribute.
func (f *Fields) Attr(name string) cty.Value {
	if i, ok := slices.BinarySearch(f.Names, name); ok {
		return f.Vals[i]
	}
	return cty.NilVal
}

// EvalFields is Eval giving the attributes of the object instead of the
// object: the same values and the same diagnostics. ok is false for a
// body Eval decodes with hcldec itself (a module's, one with dynamic
// blocks, a spec other than attributes and single nested blocks): call
// Eval then.
func (e *BodyEvaluator) EvalFields(rep Repetition) (f Fields, diags hcl.Diagnostics, ok bool) {
	return e.EvalFieldsIn(rep, nil)
}

// EvalFieldsIn is EvalFields with Vals in buf's array when it has the
// capacity: a caller done with an instance's fields before the next (the
// pre-pass of an unchanged batch) uses one array for many instances.
func (e *BodyEvaluator) EvalFieldsIn(rep Repetition, buf []cty.Value) (f Fields, diags hcl.Diagnostics, ok bool) {
	if rep.Module != nil || e.pb.dynamic || e.pb.compiled == nil {
		return Fields{}, nil, false
	}
	e.ready()
	if e.diags.HasErrors() || !e.hasRepValues(rep) {
		return Fields{}, nil, false // Eval's diagnostics, object or not
	}
	c := e.pb.compiled
	if cap(buf) >= len(c.fields) {
		buf = buf[:len(c.fields)]
		clear(buf)
	} else {
		buf = make([]cty.Value, len(c.fields))
	}
	f = Fields{Names: c.names, Vals: buf, Fixed: c.fixed}
	more := c.decodeFields(&instance{e: e, rep: rep}, f.Vals)
	return f, appendDiags(e.diags, expandCSVErrors(more)), true
}

// context is the evaluation context of one instance: the shared one, with
// count and each when the body uses them.
func (e *BodyEvaluator) context(rep Repetition) *hcl.EvalContext {
	vars, _ := e.repVariables(rep)
	if len(vars) == 0 {
		return e.fullBase()
	}
	ctx := e.fullBase().NewChild()
	ctx.Variables = vars
	return ctx
}

// instance is what a compiled body's decode needs of one instance: its
// count and each, and its context, built only when an expression needs it
// (a body whose every use of each is a plain each.value.NAME needs none).
type instance struct {
	e   *BodyEvaluator
	rep Repetition
	ctx *hcl.EvalContext
}

func (in *instance) context() *hcl.EvalContext {
	if in.ctx == nil {
		in.ctx = in.e.context(in.rep)
	}
	return in.ctx
}

// appendDiags appends b to a copy of a: a is shared between instances.
func appendDiags(a, b hcl.Diagnostics) hcl.Diagnostics {
	if len(a) == 0 {
		return b
	}
	return append(append(make(hcl.Diagnostics, 0, len(a)+len(b)), a...), b...)
}

// compiledObject is an hcldec.ObjectSpec of attributes, literals and
// single nested blocks, matched once against a body's content: decoding
// it for an instance evaluates the attributes' expressions and builds the
// object, as hcldec.Decode does with the same spec, without finding the
// content and the schema again.
type compiledObject struct {
	fields []compiledField
	// names are the fields' names, in their order (sorted); fixed tells
	// which fields are fixed (Fields.Fixed).
	names []string
	fixed []bool
	// diags are those of finding the content (unsupported arguments,
	// missing required ones, duplicate or missing blocks): hcldec reports
	// them with every decode.
	diags hcl.Diagnostics
}

// compiledField is one member of the spec.
type compiledField struct {
	name string
	// attr is the attribute to evaluate, converted to ty; nested the
	// block to decode; with neither, the field is fixed (a literal, or
	// null for what the body does not set).
	attr   *hcl.Attribute
	ty     cty.Type
	nested *compiledObject
	fixed  cty.Value
	// direct is set when attr is a plain each.key, each.value.NAME...,
	// count.index: read from the instance without HCL's traversal (and
	// its context), as long as every step is an attribute the value has.
	direct *directTraversal
	// fast is set when attr is a template or an index of a shape
	// fastExpr reads without the instance's context.
	fast fastExpr
	// repFree is set when attr refers to neither count nor each: it is
	// evaluated in the shared context.
	repFree bool
}

// directTraversal is a traversal of count or each by attribute names.
type directTraversal struct {
	root, name string   // count.index, each.key, each.value
	attrs      []string // then these attributes
}

// directOf recognises a plain traversal of count or each.
func directOf(expr hcl.Expression) *directTraversal {
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) < 2 {
		return nil
	}
	root, ok := st.Traversal[0].(hcl.TraverseRoot)
	if !ok || (root.Name != "each" && root.Name != "count") {
		return nil
	}
	d := &directTraversal{root: root.Name}
	for i, step := range st.Traversal[1:] {
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			return nil
		}
		if i == 0 {
			d.name = a.Name
		} else {
			d.attrs = append(d.attrs, a.Name)
		}
	}
	return d
}

// read follows the traversal from the instance's values; false when a
// step is not a known, non-null object's attribute, where HCL's traversal
// decides (and explains).
func (d *directTraversal) read(rep Repetition) (cty.Value, bool) {
	if (d.root == "each" && d.name != "key" && d.name != "value") || (d.root == "count" && d.name != "index") {
		return cty.NilVal, false
	}
	attrs := d.attrs
	var v cty.Value
	if d.root == "each" && d.name == "value" && rep.EachValue() == cty.NilVal && rep.EachRow.IsRow() && len(attrs) > 0 {
		// each.value.NAME of a table's row: its field, the row's object
		// not built.
		var ok bool
		if v, ok = rep.EachRow.Attr(attrs[0]); !ok {
			return cty.NilVal, false
		}
		attrs = attrs[1:]
	} else if v = repValue(rep, d.root, d.name); v == cty.NilVal {
		return cty.NilVal, false
	}
	for _, name := range attrs {
		ty := v.Type()
		if v.IsMarked() || !v.IsKnown() || v.IsNull() || !ty.IsObjectType() || !ty.HasAttribute(name) {
			return cty.NilVal, false
		}
		v = v.GetAttr(name)
	}
	return v, true
}

// readString is read of a known, non-null, unmarked string, as a Go
// string: a table row's cell as the table holds it (cty.StringVal of it
// is read's value), without the value.
func (d *directTraversal) readString(rep Repetition) (string, bool) {
	if d.root == "each" && d.name == "value" && rep.EachValue() == cty.NilVal && rep.EachRow.IsRow() && len(d.attrs) == 1 {
		return rep.EachRow.Field(d.attrs[0])
	}
	if d.root == "each" && d.name == "key" && len(d.attrs) == 0 {
		if k, ok := rep.eachKeyString(); ok {
			return k, true
		}
	}
	v, ok := d.read(rep)
	if !ok || !plainString(v) {
		return "", false
	}
	return v.AsString(), true
}

// literalValue is the value of expr converted to ty when expr is a
// literal (a literal value, or a template of literal text only), which
// evaluates to the same value in any context, without diagnostics; ok is
// false for any other expression, or one whose value or conversion gives a
// diagnostic (left to evaluate per instance, with its diagnostics).
func literalValue(expr hcl.Expression, ty cty.Type) (cty.Value, bool) {
	if !isLiteral(expr) {
		return cty.NilVal, false
	}
	v, diags := expr.Value(nil)
	if len(diags) > 0 || !v.IsWhollyKnown() || v.ContainsMarked() {
		return cty.NilVal, false
	}
	conv, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, false
	}
	return conv, true
}

func isLiteral(expr hcl.Expression) bool {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.TemplateWrapExpr:
		return isLiteral(e.Wrapped)
	case *hclsyntax.TemplateExpr:
		for _, part := range e.Parts {
			if !isLiteral(part) {
				return false
			}
		}
		return true
	}
	return false
}

// refersToRepetition reports whether expr refers to count or each.
func refersToRepetition(expr hcl.Expression) bool {
	for _, t := range expr.Variables() {
		if name := t.RootName(); name == "count" || name == "each" {
			return true
		}
	}
	return false
}

// compileObject matches spec against content (the content of body for
// spec's schema). ok is false for specs hcldec must decode itself.
func compileObject(spec hcldec.Spec, content *hcl.BodyContent, contentDiags hcl.Diagnostics) (*compiledObject, bool) {
	obj, ok := spec.(hcldec.ObjectSpec)
	if !ok || content == nil {
		return nil, false
	}
	c := &compiledObject{diags: contentDiags}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f := compiledField{name: name}
		switch s := obj[name].(type) {
		case *hcldec.LiteralSpec:
			f.fixed = s.Value
		case *hcldec.AttrSpec:
			if customdecode.CustomExpressionDecoderForType(s.Type) != nil {
				return nil, false
			}
			f.ty = s.Type
			if f.attr = content.Attributes[s.Name]; f.attr == nil {
				f.fixed = cty.NullVal(s.Type.WithoutOptionalAttributesDeep())
			} else if v, ok := literalValue(f.attr.Expr, s.Type); ok {
				// A literal ("Batch-Onboarding-2026"): the same value for
				// every instance, evaluated once.
				f.attr, f.fixed = nil, v
			} else {
				f.direct, f.repFree = directOf(f.attr.Expr), !refersToRepetition(f.attr.Expr)
				if f.direct == nil && !f.repFree {
					f.fast = fastExprOf(f.attr.Expr)
				}
			}
		case *hcldec.BlockSpec:
			nested, diags, ok := compileBlock(s, content)
			if !ok {
				return nil, false
			}
			c.diags = append(c.diags, diags...)
			if f.nested = nested; nested == nil {
				f.fixed = cty.NullVal(hcldec.ImpliedType(s.Nested).WithoutOptionalAttributesDeep())
			}
		default:
			return nil, false
		}
		c.fields = append(c.fields, f)
		c.names = append(c.names, name)
		c.fixed = append(c.fixed, f.attr == nil && f.nested == nil)
	}
	return c, true
}

// compileBlock finds the one block of s in content, as BlockSpec's decode
// does, with its diagnostics; nested is nil when there is none.
func compileBlock(s *hcldec.BlockSpec, content *hcl.BodyContent) (nested *compiledObject, diags hcl.Diagnostics, ok bool) {
	var child *hcl.Block
	for _, candidate := range content.Blocks {
		if candidate.Type != s.TypeName {
			continue
		}
		if child != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Duplicate %s block", s.TypeName),
				Detail:   fmt.Sprintf("Only one block of type %q is allowed. Previous definition was at %s.", s.TypeName, child.DefRange.String()),
				Subject:  candidate.DefRange.Ptr(),
			})
			break
		}
		child = candidate
	}
	if child == nil {
		if s.Required {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Missing %s block", s.TypeName),
				Detail:   fmt.Sprintf("A block of type %q is required here.", s.TypeName),
				Subject:  content.MissingItemRange.Ptr(),
			})
		}
		return nil, diags, true
	}
	if _, ok := child.Body.(*hclsyntax.Body); !ok || s.Nested == nil {
		return nil, nil, false
	}
	childContent, childDiags := child.Body.Content(hcldec.ImpliedSchema(s.Nested))
	nested, ok = compileObject(s.Nested, childContent, childDiags)
	return nested, diags, ok
}

// decode evaluates the object for one instance.
func (c *compiledObject) decode(in *instance) (cty.Value, hcl.Diagnostics) {
	var buf [16]cty.Value
	fields := buf[:0]
	if len(c.fields) > len(buf) {
		fields = make([]cty.Value, 0, len(c.fields))
	}
	fields = fields[:len(c.fields)]
	diags := c.decodeFields(in, fields)
	vals := make(map[string]cty.Value, len(c.fields))
	for i, name := range c.names {
		vals[name] = fields[i]
	}
	return cty.ObjectVal(vals), diags
}

// decodeFields evaluates the object's fields for one instance into vals,
// one per field, in the fields' order.
func (c *compiledObject) decodeFields(in *instance, vals []cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if len(c.diags) > 0 {
		diags = append(diags, c.diags...)
	}
	for i := range c.fields {
		f := &c.fields[i]
		switch {
		case f.nested != nil:
			v, more := f.nested.decode(in)
			vals[i] = v
			diags = append(diags, more...)
		case f.attr != nil:
			ctx := func() *hcl.EvalContext {
				if f.repFree {
					return in.e.fullBase()
				}
				return in.context()
			}
			v, ok := cty.NilVal, false
			if f.direct != nil {
				v, ok = f.direct.read(in.rep)
			} else if f.fast != nil {
				v, ok = f.fast.value(&in.e.fast, in.rep)
			}
			if !ok {
				var more hcl.Diagnostics
				v, more = f.attr.Expr.Value(ctx())
				diags = append(diags, more...)
			}
			conv, err := convert.Convert(v, f.ty)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity:    hcl.DiagError,
					Summary:     "Incorrect attribute value type",
					Detail:      fmt.Sprintf("Inappropriate value for attribute %q: %s.", f.name, err.Error()),
					Subject:     f.attr.Expr.Range().Ptr(),
					Context:     hcl.RangeBetween(f.attr.NameRange, f.attr.Expr.Range()).Ptr(),
					Expression:  f.attr.Expr,
					EvalContext: ctx(),
				})
				conv = cty.UnknownVal(f.ty.WithoutOptionalAttributesDeep())
			}
			vals[i] = conv
		default:
			vals[i] = f.fixed
		}
	}
	return diags
}
