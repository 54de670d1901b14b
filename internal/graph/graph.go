package graph

import (
	"cmp"
	"slices"
)

// Graph is a directed graph whose edges point from a node to the nodes it
// depends on.
type Graph[K cmp.Ordered] struct {
	index map[K]int
	keys  []K
	deps  [][]int
}

// New returns an empty graph.
func New[K cmp.Ordered]() *Graph[K] {
	return &Graph[K]{index: map[K]int{}}
}

// Add adds a node; adding it again does nothing.
func (g *Graph[K]) Add(k K) {
	g.id(k)
}

// Has reports whether k is a node of g.
func (g *Graph[K]) Has(k K) bool {
	_, ok := g.index[k]
	return ok
}

func (g *Graph[K]) id(k K) int {
	if i, ok := g.index[k]; ok {
		return i
	}
	g.index[k] = len(g.keys)
	g.keys = append(g.keys, k)
	g.deps = append(g.deps, nil)
	return len(g.keys) - 1
}

// Connect records that from depends on to, adding either node if needed.
func (g *Graph[K]) Connect(from, to K) {
	f, t := g.id(from), g.id(to)
	if !slices.Contains(g.deps[f], t) {
		g.deps[f] = append(g.deps[f], t)
	}
}

// DependsOn lists the direct dependencies of k, sorted.
func (g *Graph[K]) DependsOn(k K) []K {
	i, ok := g.index[k]
	if !ok {
		return nil
	}
	out := make([]K, 0, len(g.deps[i]))
	for _, d := range g.deps[i] {
		out = append(out, g.keys[d])
	}
	slices.Sort(out)
	return out
}

// Order returns the nodes with every node after all its dependencies, in
// levels sorted by key so the order is stable. When the graph has cycles, Order
// returns no order and the cycles instead: each the sorted nodes of one
// strongly connected component (a node that depends on itself is a cycle of
// one).
func (g *Graph[K]) Order() ([]K, [][]K) {
	if cycles := g.Cycles(); len(cycles) > 0 {
		return nil, cycles
	}
	n := len(g.keys)
	waiting := make([]int, n)      // unfinished dependencies per node
	dependents := make([][]int, n) // reverse edges
	for i, ds := range g.deps {
		waiting[i] = len(ds)
		for _, d := range ds {
			dependents[d] = append(dependents[d], i)
		}
	}
	var ready []int
	for i := range n {
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	order := make([]K, 0, n)
	for len(ready) > 0 {
		slices.SortFunc(ready, func(a, b int) int { return cmp.Compare(g.keys[a], g.keys[b]) })
		var next []int
		for _, i := range ready {
			order = append(order, g.keys[i])
			for _, d := range dependents[i] {
				if waiting[d]--; waiting[d] == 0 {
					next = append(next, d)
				}
			}
		}
		ready = next
	}
	return order, nil
}
