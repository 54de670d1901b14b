package state_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// bigState is a state whose snapshot spans several of the chunks Compact
// writes and compares at a time (about 1.5 MB).
func bigState(n int) *state.State {
	s := &state.State{Version: state.Version, Serial: 3, Lineage: "9a1e6c0b-1f2d-4e3a-8b5c-6d7e8f9a0b1c",
		Resources: map[string]*state.Resource{}, Outputs: map[string]*state.Output{}}
	var set []*state.Resource
	for i := range n {
		k := fmt.Sprintf("p%05d", i)
		set = append(set, res(`usapi_account.person["`+k+`"]`, "usapi_account", "person", `"`+k+`"`,
			`{"username":"`+k+`","email":"`+k+`@example.id","first_name":"Nama`+k+`","password_digest":"hmac-sha256:`+strings.Repeat("ab", 32)+`"}`))
	}
	s.Apply(state.Update{Set: set})
	return s
}

// Compact writes a large state a chunk at a time, comparing it with the
// current snapshot as it goes: the file is the state's encoding byte for
// byte; an unchanged state (the last chunk included) is not rewritten and
// keeps its serial and backup; a change anywhere (the last resource, one
// in the middle, one resource fewer) writes the new snapshot and keeps the
// previous one, byte for byte, as the backup.
func TestCompactLargeStateInChunks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	b := state.NewLocal(path, state.LocalOptions{})
	if _, err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s := bigState(6000)
	expectFile := func(step string, serial uint64) []byte {
		t.Helper()
		if s.Serial != serial {
			t.Fatalf("%s: serial %d, want %d", step, s.Serial, serial)
		}
		want, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 1<<20 {
			t.Fatalf("the state encodes to %d bytes: too few to span several chunks", len(want))
		}
		got, _ := os.ReadFile(path)
		if string(got) != string(want) {
			t.Fatalf("%s: the state file (%d bytes) is not the state's encoding (%d bytes)", step, len(got), len(want))
		}
		return got
	}
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	first := expectFile("first write", 4)
	if _, err := os.Stat(b.BackupPath()); !os.IsNotExist(err) {
		t.Errorf("the first write made a backup (stat: %v)", err)
	}

	// Unchanged: nothing rewritten.
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	expectFile("unchanged", 4)
	if _, err := os.Stat(b.BackupPath()); !os.IsNotExist(err) {
		t.Errorf("Compact of an unchanged state made a backup (stat: %v)", err)
	}

	prev := first
	for _, c := range []struct {
		name   string
		change func()
	}{
		{"the last resource changed", func() {
			r := *s.Resources[`usapi_account.person["p05999"]`]
			r.SetConfigDigest("hmac-sha256:ffff")
			s.Apply(state.Update{Set: []*state.Resource{&r}})
		}},
		{"a resource in the middle changed, its length the same", func() {
			r := *s.Resources[`usapi_account.person["p03000"]`]
			r.SetUpdatedAt(r.UpdatedAt().Add(time.Hour)) // same length: what follows is not shifted
			s.Apply(state.Update{Set: []*state.Resource{&r}})
		}},
		{"a resource in the middle changed", func() {
			r := *s.Resources[`usapi_account.person["p02000"]`]
			r.Settled = true
			s.Apply(state.Update{Set: []*state.Resource{&r}})
		}},
		{"the last resource removed", func() { s.Apply(state.Update{Remove: []string{`usapi_account.person["p05999"]`}}) }},
		{"a resource added at the end", func() {
			s.Apply(state.Update{Set: []*state.Resource{res(`usapi_account.person["p09999"]`, "usapi_account", "person", `"p09999"`, `{"username":"p09999"}`)}})
		}},
	} {
		serial := s.Serial
		c.change()
		if err := b.Compact(ctx, s); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		now := expectFile(c.name, serial+1)
		if got, _ := os.ReadFile(b.BackupPath()); string(got) != string(prev) {
			t.Fatalf("%s: the backup (%d bytes) is not the previous snapshot (%d bytes)", c.name, len(got), len(prev))
		}
		prev = now
	}

	// The same content at another serial is a change: the stored serial
	// must be the state's for the files to be the same.
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	expectFile("unchanged again", 9)
	old, _ := os.ReadFile(path)
	bumped := strings.Replace(string(old), `"serial": 9,`, `"serial": 90,`, 1)
	if err := os.WriteFile(path, []byte(bumped), 0o600); err != nil {
		t.Fatal(err)
	}
	b2 := state.NewLocal(path, state.LocalOptions{})
	s2, err := b2.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s2.Serial = 9 // as if the state in memory were behind the file's serial by mistake
	if err := b2.Compact(ctx, s2); err == nil {
		t.Fatal("Compact wrote over a snapshot of a later serial")
	}
	if got, _ := os.ReadFile(path); string(got) != bumped {
		t.Fatal("a refused Compact changed the state file")
	}
}

// Compact leaves no temporary file beside the state, whether it rewrites
// the state or finds it unchanged.
func TestCompactLeavesNoTemporaryFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "daftar.state.json")
	b := state.NewLocal(path, state.LocalOptions{})
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Apply(state.Update{Set: []*state.Resource{bigState(10).Resources[`usapi_account.person["p00001"]`]}})
	for range 2 {
		if err := b.Compact(ctx, s); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Fatalf("Compact left %s", e.Name())
			}
		}
	}
}
