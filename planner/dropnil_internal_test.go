package planner

import (
	"slices"
	"testing"
)

// TestDropNilLetsGoOfTheArray: the steps left are those given, in order;
// when at most half are left they are in a slice of their own (the batch's
// array by index in its keys is let go of), otherwise in the same array,
// which holds nothing past them.
func TestDropNilLetsGoOfTheArray(t *testing.T) {
	a, b, c := &Step{}, &Step{}, &Step{}
	for _, tc := range []struct {
		in   []*Step
		want []*Step
		own  bool // a slice of their own
	}{
		{[]*Step{nil, a, nil, nil, b, nil, nil, nil}, []*Step{a, b}, true},
		{make([]*Step, 1000), []*Step{}, true},
		{[]*Step{a, nil, b, c}, []*Step{a, b, c}, false},
		{[]*Step{a, b, c}, []*Step{a, b, c}, false},
	} {
		in := tc.in
		all := in[:cap(in)]
		got := dropNil(in)
		if !slices.Equal(got, tc.want) {
			t.Errorf("dropNil = %v, want %v", got, tc.want)
		}
		if own := cap(got) == 0 || &got[:1][0] != &all[0]; own != tc.own {
			t.Errorf("%d of %d left: a slice of their own %v, want %v", len(tc.want), len(all), own, tc.own)
		}
		if cap(got) > max(len(tc.want), len(all)/2) && tc.own {
			t.Errorf("%d left in a slice of capacity %d", len(got), cap(got))
		}
		if !tc.own && slices.ContainsFunc(all[len(got):], func(s *Step) bool { return s != nil }) {
			t.Errorf("the array holds steps past the %d left: %v", len(got), all)
		}
	}
}
