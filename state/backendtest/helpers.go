package backendtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// open returns a new handle to st, closed at the end of the test.
func open(t *testing.T, st Store) state.Backend {
	t.Helper()
	b := st.Open()
	if c, ok := b.(io.Closer); ok {
		t.Cleanup(func() {
			if err := c.Close(); err != nil {
				t.Errorf("closing a backend handle: %v", err)
			}
		})
	}
	return b
}

func load(t *testing.T, b state.Backend) *state.State {
	t.Helper()
	s, err := b.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// apply applies u durably through b and in memory to s.
func apply(t *testing.T, b state.Backend, s *state.State, u state.Update) {
	t.Helper()
	if err := b.Apply(context.Background(), u); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if s != nil {
		s.Apply(u)
	}
}

func compact(t *testing.T, b state.Backend, s *state.State) {
	t.Helper()
	if err := b.Compact(context.Background(), s); err != nil {
		t.Fatalf("Compact: %v", err)
	}
}

// fixedTime keeps resources comparable after a JSON round trip.
var fixedTime = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// account returns a managed resource usapi_account.hire[key].
func account(key string, attrs string) *state.Resource {
	return (&state.Resource{Address: fmt.Sprintf("usapi_account.hire[%q]", key)}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).WithIndexKey(json.RawMessage(fmt.Sprintf("%q", key))).WithUpdatedAt(fixedTime).WithAttributes(json.RawMessage(attrs))
}

// set is an Update that stores rs.
func set(rs ...*state.Resource) state.Update { return state.Update{Set: rs} }

// sameState fails the test unless got and want hold the same lineage,
// resources and outputs, comparing their JSON so that equal raw values
// spelled differently still match. Serials are compared by the tests.
func sameState(t *testing.T, got, want *state.State) {
	t.Helper()
	g, w := canonical(t, got), canonical(t, want)
	if g != w {
		t.Errorf("the loaded state differs\ngot:\n%s\nwant:\n%s", g, w)
	}
}

func canonical(t *testing.T, s *state.State) string {
	t.Helper()
	c := *s
	c.Serial = 0
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		t.Fatalf("encoding a state: %v", err)
	}
	return string(b)
}

// lockCtx returns a context for a Lock that should give up quickly.
func lockCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// AttrsOf is r's attributes, read back if need be (state.Resource.Attributes);
// a test fails loudly (a panic) when they cannot be.
func AttrsOf(r *state.Resource) json.RawMessage {
	a, err := r.Attributes()
	if err != nil {
		panic(err)
	}
	return a
}
