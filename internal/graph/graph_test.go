package graph

import (
	"slices"
	"testing"
)

func TestOrder(t *testing.T) {
	g := New[string]()
	g.Connect("c", "b")
	g.Connect("b", "a")
	g.Connect("d", "a")
	g.Add("e")
	order, cycles := g.Order()
	if cycles != nil {
		t.Fatalf("unexpected cycles %v", cycles)
	}
	want := []string{"a", "e", "b", "d", "c"}
	if !slices.Equal(order, want) {
		t.Fatalf("got %v, want %v", order, want)
	}
}

func TestCycles(t *testing.T) {
	tests := map[string]struct {
		edges [][2]string
		want  [][]string
	}{
		"none":      {[][2]string{{"a", "b"}}, nil},
		"two":       {[][2]string{{"a", "b"}, {"b", "a"}, {"c", "a"}}, [][]string{{"a", "b"}}},
		"self":      {[][2]string{{"a", "a"}}, [][]string{{"a"}}},
		"three":     {[][2]string{{"x", "y"}, {"y", "z"}, {"z", "x"}}, [][]string{{"x", "y", "z"}}},
		"two loops": {[][2]string{{"a", "b"}, {"b", "a"}, {"c", "d"}, {"d", "c"}}, [][]string{{"a", "b"}, {"c", "d"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := New[string]()
			for _, e := range tc.edges {
				g.Connect(e[0], e[1])
			}
			_, got := g.Order()
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDeepChain(t *testing.T) {
	g := New[int]()
	for i := 1; i < 100000; i++ {
		g.Connect(i, i-1)
	}
	order, cycles := g.Order()
	if cycles != nil || len(order) != 100000 || order[0] != 0 {
		t.Fatalf("bad order: %d nodes, cycles %v", len(order), cycles)
	}
}
