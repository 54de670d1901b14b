package backendtest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// viewed reads b's state through state.Open: the resources Each gives, in
// the order it gives them, checked against Load's, twice over.
func viewed(t *testing.T, b state.Backend) *state.State {
	t.Helper()
	v, err := state.Open(context.Background(), b)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer v.Close()
	var got *state.State
	for range 2 { // a view can be read again, and reads the same
		s := *v.Head()
		s.Resources = map[string]*state.Resource{}
		var order []string
		if err := v.Each(context.Background(), func(r *state.Resource) error {
			s.Resources[r.Address] = r
			order = append(order, r.Address)
			return nil
		}); err != nil {
			t.Fatalf("Each: %v", err)
		}
		if !sort.StringsAreSorted(order) || len(order) != len(s.Resources) {
			t.Errorf("Each gave the resources out of address order, or twice: %q", order)
		}
		if got != nil {
			sameState(t, &s, got)
		}
		got = &s
	}
	return got
}

// testView checks that a view reads what Load reads: an empty store, a
// compacted state, and changes applied since (added before, between and
// after the stored resources, replaced, removed, outputs replaced).
func testView(t *testing.T, st Store) {
	b := open(t, st)
	empty := viewed(t, b)
	if empty.Serial != 0 || len(empty.Resources) != 0 || empty.Lineage == "" {
		t.Errorf("an empty store views as serial %d, %d resources, lineage %q; want serial 0, none, a lineage", empty.Serial, len(empty.Resources), empty.Lineage)
	}
	s := load(t, b)
	for _, k := range []string{"b", "d", "f", "h"} {
		apply(t, b, s, set(account(k, fmt.Sprintf(`{"username":%q}`, k))))
	}
	apply(t, b, s, state.Update{Outputs: map[string]*state.Output{"n": {Value: []byte(`4`), Type: []byte(`"number"`)}}})
	compact(t, b, s)
	checkView(t, st, b)
	apply(t, b, s, set(account("a", `{"username":"a"}`), account("e", `{"username":"e"}`), account("z", `{"username":"z"}`)))
	apply(t, b, s, set(account("d", `{"username":"d","email":"d@example.id"}`)))
	apply(t, b, s, state.Update{Remove: []string{`usapi_account.hire["b"]`, `usapi_account.hire["h"]`, `usapi_account.hire["nothing"]`}})
	apply(t, b, s, state.Update{Outputs: map[string]*state.Output{}})
	checkView(t, st, b)
	compact(t, b, s)
	checkView(t, st, b)
}

// checkView compares a view with Load, through a new handle.
func checkView(t *testing.T, st Store, b state.Backend) {
	t.Helper()
	other := open(t, st)
	got, want := viewed(t, other), load(t, open(t, st))
	sameState(t, got, want)
	if got.Serial != want.Serial || got.DigestKeyID != want.DigestKeyID {
		t.Errorf("the view has serial %d and digest key %q; Load %d and %q", got.Serial, got.DigestKeyID, want.Serial, want.DigestKeyID)
	}
}

// testViewStops checks that an error of Each's function stops it and is
// returned.
func testViewStops(t *testing.T, st Store) {
	b := open(t, st)
	s := load(t, b)
	apply(t, b, s, set(account("a", `{}`), account("b", `{}`), account("c", `{}`)))
	compact(t, b, s)
	v, err := state.Open(context.Background(), open(t, st))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	stop, n := errors.New("enough"), 0
	err = v.Each(context.Background(), func(*state.Resource) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Each returned %v after %d resources; want the function's error after 1", err, n)
	}
}
