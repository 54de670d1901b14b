package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// contextBuilder collects the values an expression refers to as a tree of
// names, then turns it into the nested objects of an hcl.EvalContext. Only
// referenced names are included, so the cost follows the expression, not
// the size of the configuration.
type contextBuilder struct {
	root *node
}

// node is one name of the tree: a leaf with a value, or an object of
// children.
type node struct {
	value    cty.Value
	children map[string]*node
}

func newContextBuilder() *contextBuilder {
	return &contextBuilder{root: &node{children: map[string]*node{}}}
}

// set puts v at the path of names (var, x) or (data, TYPE, NAME).
func (b *contextBuilder) set(v cty.Value, names ...string) {
	n := b.root
	for _, name := range names[:len(names)-1] {
		child, ok := n.children[name]
		if !ok {
			child = &node{children: map[string]*node{}}
			n.children[name] = child
		}
		n = child
	}
	n.children[names[len(names)-1]] = &node{value: v}
}

// build returns the context with the collected variables and fns.
func (b *contextBuilder) build(fns map[string]function.Function) *hcl.EvalContext {
	vars := make(map[string]cty.Value, len(b.root.children))
	for name, child := range b.root.children {
		vars[name] = child.val()
	}
	return &hcl.EvalContext{Variables: vars, Functions: fns}
}

func (n *node) val() cty.Value {
	if n.children == nil {
		return n.value
	}
	attrs := make(map[string]cty.Value, len(n.children))
	for name, child := range n.children {
		attrs[name] = child.val()
	}
	return cty.ObjectVal(attrs)
}
