package planner

import (
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// TestRebuildOverReleasedSteps: the value of a resource read by its keys
// alone, built again once apply has finished its instances, is the one
// built from every step, whether apply released some of them
// (finishedSame: their slots nil, their values the ones the value it
// replaces holds) or none; and a step released is one whose value after
// apply is the one planned, of such a resource only. It fails if the
// instances released are left out of the value, or if one whose value
// changed is released.
func TestRebuildOverReleasedSteps(t *testing.T) {
	addr := addrs.Resource{Mode: addrs.Managed, Type: "fake_account", Name: "dep"}
	pending := cty.UnknownVal(cty.EmptyObject) // planned, not known until applied
	planned := map[string]cty.Value{"a": cty.EmptyObjectVal, "b": cty.EmptyObjectVal, "c": pending, "d": cty.EmptyObjectVal}
	r := &resource{addr: addr, exp: keyed, referenced: true, use: &use{}}
	for _, k := range []string{"a", "b", "c", "d"} {
		s := &Step{Change: &plans.Change{Addr: addr.Instance(addrs.StringKey(k)), Action: plans.Create}, res: r, value: planned[k]}
		r.steps = append(r.steps, s)
	}
	r.value = cty.ObjectVal(planned)
	final := func(s *Step) cty.Value { return cty.EmptyObjectVal } // what each is after apply
	whole := r.rebuild(final)
	if want := cty.ObjectVal(map[string]cty.Value{"a": cty.EmptyObjectVal, "b": cty.EmptyObjectVal, "c": cty.EmptyObjectVal, "d": cty.EmptyObjectVal}); !whole.RawEquals(want) {
		t.Fatalf("built from every step: %#v, want %#v", whole, want)
	}
	for i, s := range r.steps {
		if same := r.sameAfterApply(s, cty.EmptyObjectVal); same != s.value.RawEquals(cty.EmptyObjectVal) {
			t.Errorf("%s: same after apply %v, planned %#v", s.Addr(), same, s.value)
		} else if same {
			r.steps[i] = nil // released
		}
	}
	if got := r.rebuild(final); !got.RawEquals(whole) {
		t.Errorf("built over the released steps: %#v, want %#v", got, whole)
	}
	r.use = &use{attrs: map[string]bool{"email": true}}
	if r.sameAfterApply(&Step{res: r, value: cty.EmptyObjectVal}, cty.EmptyObjectVal) {
		t.Error("a step of a resource read by an attribute is released")
	}
}
