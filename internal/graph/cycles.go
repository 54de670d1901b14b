package graph

import (
	"cmp"
	"slices"
)

// Cycles returns the strongly connected components that form cycles, each
// sorted, ordered by their first key (Tarjan's algorithm, iterative so that
// deep graphs cannot overflow the stack).
func (g *Graph[K]) Cycles() [][]K {
	t := tarjan[K]{g: g, index: make([]int, len(g.keys)), low: make([]int, len(g.keys)), onStack: make([]bool, len(g.keys))}
	for i := range t.index {
		t.index[i] = -1
	}
	for i := range g.keys {
		if t.index[i] < 0 {
			t.visit(i)
		}
	}
	slices.SortFunc(t.cycles, func(a, b []K) int { return cmp.Compare(a[0], b[0]) })
	return t.cycles
}

type tarjan[K cmp.Ordered] struct {
	g       *Graph[K]
	next    int
	index   []int
	low     []int
	onStack []bool
	stack   []int
	cycles  [][]K
}

type frame struct{ node, edge int }

func (t *tarjan[K]) visit(root int) {
	calls := []frame{{node: root}}
	t.open(root)
	for len(calls) > 0 {
		f := &calls[len(calls)-1]
		if f.edge < len(t.g.deps[f.node]) {
			d := t.g.deps[f.node][f.edge]
			f.edge++
			switch {
			case t.index[d] < 0:
				t.open(d)
				calls = append(calls, frame{node: d})
			case t.onStack[d]:
				t.low[f.node] = min(t.low[f.node], t.index[d])
			}
			continue
		}
		n := f.node
		calls = calls[:len(calls)-1]
		if len(calls) > 0 {
			p := calls[len(calls)-1].node
			t.low[p] = min(t.low[p], t.low[n])
		}
		if t.low[n] == t.index[n] {
			t.close(n)
		}
	}
}

func (t *tarjan[K]) open(n int) {
	t.index[n], t.low[n] = t.next, t.next
	t.next++
	t.stack = append(t.stack, n)
	t.onStack[n] = true
}

// close pops the component rooted at n and keeps it when it is a cycle.
func (t *tarjan[K]) close(n int) {
	var comp []K
	selfLoop := slices.Contains(t.g.deps[n], n)
	for {
		m := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		t.onStack[m] = false
		comp = append(comp, t.g.keys[m])
		if m == n {
			break
		}
	}
	if len(comp) > 1 || selfLoop {
		slices.Sort(comp)
		t.cycles = append(t.cycles, comp)
	}
}
