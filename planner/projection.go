package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// What of a resource with many instances its dependents read. A batch's
// output length(usapi_account.batch) reads the instances' keys only, and
// a verification's usapi_account.batch[each.key].email one attribute of
// one instance; building the whole resource's value from every instance's
// decoded and marked record made such a reference cost more than the rest
// of a no-change plan. Each reference is classified where it is written
// (syntactically, conservatively: anything not recognised reads it all),
// and a resource every reference of which reads keys or named attributes
// only gets values holding those attributes only (refValue): its unchanged
// instances need not even be decoded when no attribute is read
// (deferStored).

// use is what one reference, or all of a resource's, reads.
type use struct {
	all   bool
	attrs map[string]bool // with !all: the instances' attributes read (none: the keys only)
}

func (u *use) add(v use) {
	if u.all || v.all {
		u.all, u.attrs = true, nil
		return
	}
	for a := range v.attrs {
		if u.attrs == nil {
			u.attrs = map[string]bool{}
		}
		u.attrs[a] = true
	}
}

var (
	useAll  = use{all: true}
	useKeys = use{}
)

func useAttr(name string) use { return use{attrs: map[string]bool{name: true}} }

// refPos identifies a reference by where its traversal starts.
type refPos struct {
	file string
	byte int
}

func posOf(t hcl.Traversal) refPos {
	r := t[0].SourceRange()
	return refPos{r.Filename, r.Start.Byte}
}

// classifyUses finds, in the native-syntax expressions of the
// configuration, what each reference to a resource reads. References
// absent from the result (JSON bodies, conditions, checks) read it all.
func (p *planner) classifyUses() map[refPos]use {
	out := map[refPos]use{}
	w := &useWalker{p: p, out: out}
	walk := func(n hclsyntax.Node) {
		if n != nil {
			w.stack = w.stack[:0]
			_ = hclsyntax.Walk(n, w)
		}
	}
	expr := func(e hcl.Expression) {
		if s, ok := e.(hclsyntax.Expression); ok {
			walk(s)
		}
	}
	for _, l := range p.cfg.Locals {
		expr(l.Expr)
	}
	for _, o := range p.cfg.Outputs {
		expr(o.Expr)
		for _, t := range o.DependsOn {
			out[posOf(t)] = useKeys // depends_on reads no value
		}
	}
	for _, r := range p.res {
		if r.cfg == nil {
			continue
		}
		expr(r.cfg.Count)
		expr(r.cfg.ForEach)
		if b, ok := r.cfg.Config.(*hclsyntax.Body); ok {
			walk(b)
		}
		for _, t := range r.cfg.DependsOn {
			out[posOf(t)] = useKeys
		}
	}
	return out
}

// useWalker classifies every resource reference of a syntax tree, with
// the nodes above the one visited on its stack.
type useWalker struct {
	p     *planner
	out   map[refPos]use
	stack []hclsyntax.Node
}

func (w *useWalker) Enter(n hclsyntax.Node) hcl.Diagnostics {
	if t, ok := n.(*hclsyntax.ScopeTraversalExpr); ok {
		if ref, diags := schema.ParseReference(t.Traversal); !diags.HasErrors() && ref != nil && ref.Kind == schema.RefResource {
			w.out[posOf(t.Traversal)] = w.classify(t, ref)
		}
	}
	w.stack = append(w.stack, n)
	return nil
}

func (w *useWalker) Exit(hclsyntax.Node) hcl.Diagnostics {
	w.stack = w.stack[:len(w.stack)-1]
	return nil
}

// parent is the node i levels above the one being entered (1: its parent).
func (w *useWalker) parent(i int) hclsyntax.Node {
	if len(w.stack) < i {
		return nil
	}
	return w.stack[len(w.stack)-i]
}

// classify says what the reference t reads of its resource: only
// references to a resource with count or for_each are narrowed.
func (w *useWalker) classify(t *hclsyntax.ScopeTraversalExpr, ref *schema.Reference) use {
	r := w.p.res[ref.Resource]
	if r == nil || r.exp == single {
		return useAll
	}
	rest := t.Traversal[2:]
	if ref.Resource.Mode == addrs.Data {
		rest = t.Traversal[3:]
	}
	if len(rest) > 0 {
		// R["ani"].email, R[0].email: one attribute of one instance.
		if len(rest) >= 2 && isKeyStep(rest[0]) {
			if a, ok := rest[1].(hcl.TraverseAttr); ok {
				return useAttr(a.Name)
			}
		}
		return useAll
	}
	switch up := w.parent(1).(type) {
	case *hclsyntax.IndexExpr:
		// R[each.key].email
		if up.Collection == hclsyntax.Expression(t) {
			if rel, ok := w.parent(2).(*hclsyntax.RelativeTraversalExpr); ok && rel.Source == hclsyntax.Expression(up) {
				if a, ok := rel.Traversal[0].(hcl.TraverseAttr); ok {
					return useAttr(a.Name)
				}
			}
		}
	case *hclsyntax.FunctionCallExpr:
		// length(R), keys(R): the keys only.
		if (up.Name == "length" || up.Name == "keys") && len(up.Args) == 1 && !up.ExpandFinal && up.Args[0] == hclsyntax.Expression(t) {
			return useKeys
		}
	case *hclsyntax.ForExpr:
		// { for k, v in R : k => v.status }: the attributes v is read by.
		if up.CollExpr == hclsyntax.Expression(t) {
			return forUse(up)
		}
	}
	return useAll
}

func isKeyStep(s hcl.Traverser) bool {
	switch s.(type) {
	case hcl.TraverseIndex, hcl.TraverseAttr:
		return true
	}
	return false
}

// forUse is what a for expression over a resource reads: the attributes
// its value variable is followed by; all of it when the variable is used
// otherwise, or when a nested for expression declares the same name.
func forUse(f *hclsyntax.ForExpr) use {
	u := useKeys
	if f.ValVar == "" {
		return u
	}
	v := &varUses{name: f.ValVar}
	for _, e := range []hclsyntax.Expression{f.KeyExpr, f.ValExpr, f.CondExpr} {
		if e != nil {
			_ = hclsyntax.VisitAll(e, v.visit)
		}
	}
	if v.all {
		return useAll
	}
	for a := range v.attrs {
		u.add(useAttr(a))
	}
	return u
}

type varUses struct {
	name  string
	all   bool
	attrs map[string]bool
}

func (v *varUses) visit(n hclsyntax.Node) hcl.Diagnostics {
	switch n := n.(type) {
	case *hclsyntax.ForExpr:
		if n.KeyVar == v.name || n.ValVar == v.name {
			v.all = true
		}
	case *hclsyntax.ScopeTraversalExpr:
		if n.Traversal.RootName() != v.name {
			return nil
		}
		if len(n.Traversal) >= 2 {
			if a, ok := n.Traversal[1].(hcl.TraverseAttr); ok {
				if v.attrs == nil {
					v.attrs = map[string]bool{}
				}
				v.attrs[a.Name] = true
				return nil
			}
		}
		v.all = true
	}
	return nil
}

// projected reports whether dependents read only some attributes of r's
// instances (or only their keys).
func (r *resource) projected() bool {
	return r.referenced && r.use != nil && !r.use.all
}

// project narrows an instance's value to what r's dependents read. An
// unknown or null value is left whole: reading any attribute of it gives
// an unknown or an error, as it would of the whole value.
func (r *resource) project(v cty.Value) cty.Value {
	if !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() {
		return v
	}
	if len(r.use.attrs) == 0 {
		return cty.EmptyObjectVal
	}
	attrs := make(map[string]cty.Value, len(r.use.attrs))
	for a := range r.use.attrs {
		if v.Type().HasAttribute(a) {
			attrs[a] = v.GetAttr(a)
		}
	}
	return cty.ObjectVal(attrs)
}

// projectMarks keeps the marks of the attributes a projection keeps.
func (r *resource) projectMarks(marks []cty.PathValueMarks) []cty.PathValueMarks {
	var out []cty.PathValueMarks
	for _, m := range marks {
		if len(m.Path) == 0 {
			out = append(out, m)
			continue
		}
		if a, ok := m.Path[0].(cty.GetAttrStep); ok && r.use.attrs[a.Name] {
			out = append(out, m)
		}
	}
	return out
}

// read records a reference to r that reads u, from a managed resource's
// block (fromManaged) or from another.
func (r *resource) read(u use, fromManaged bool) {
	r.referenced = true
	r.readUnplanned = r.readUnplanned || !fromManaged && (u.all || len(u.attrs) > 0)
	if r.use == nil {
		r.use = &use{}
	}
	r.use.add(u)
}

// keysOnly reports whether r's dependents read only its instances' keys:
// its unchanged instances need not be decoded.
func (r *resource) keysOnly() bool {
	return r.projected() && len(r.use.attrs) == 0
}
