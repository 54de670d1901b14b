package state_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

// TestJournalFound: a command compacts only a state whose load found a
// journal (see JournalFound).
func TestJournalFound(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	load := func() (*state.Local, *state.State) {
		t.Helper()
		b := state.NewLocal(path, state.LocalOptions{})
		t.Cleanup(func() { b.Close() })
		s, err := b.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return b, s
	}
	b, s := load()
	if b.JournalFound() {
		t.Fatal("a new state has no journal")
	}
	rec := (&state.Resource{Address: "usapi_account.a"}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "a", Provider: "usapi"})
	if err := b.Apply(ctx, state.Update{Set: []*state.Resource{rec}}); err != nil {
		t.Fatal(err)
	}
	b.Close()

	b, s = load()
	if !b.JournalFound() {
		t.Fatal("the journal of an apply that was not compacted is not found")
	}
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	if b.JournalFound() {
		t.Fatal("a compacted state still reports its journal")
	}
	b.Close()

	b, _ = load()
	if b.JournalFound() {
		t.Fatal("a journal is found after compaction removed it")
	}
}

// TestUnchanged: a handle reports its snapshot unchanged only when it
// exists, the load found no journal, and nothing was recorded since (or a
// compaction wrote it all), which is when apply may skip compacting.
func TestUnchanged(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	b := state.NewLocal(path, state.LocalOptions{})
	t.Cleanup(func() { b.Close() })
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Unchanged() {
		t.Fatal("a state never written is unchanged")
	}
	rec := (&state.Resource{Address: "usapi_account.a"}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "a", Provider: "usapi"})
	u := state.Update{Set: []*state.Resource{rec}}
	if err := b.Apply(ctx, u); err != nil {
		t.Fatal(err)
	}
	s.Apply(u)
	if b.Unchanged() {
		t.Fatal("unchanged after an Apply")
	}
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	if !b.Unchanged() {
		t.Fatal("changed after a compaction wrote everything")
	}
	if err := b.Apply(ctx, state.Update{Remove: []string{"usapi_account.a"}}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	again := state.NewLocal(path, state.LocalOptions{})
	t.Cleanup(func() { again.Close() })
	if _, err := again.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if again.Unchanged() {
		t.Fatal("unchanged although the load found a journal")
	}
}
