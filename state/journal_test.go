package state_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

var ctx = context.Background()

// journalSteps are the updates of the journal fixtures, made over
// testdata/v1.state.json.
func journalSteps() []state.Update {
	return []state.Update{
		{Set: []*state.Resource{res(`usapi_account.hire["citra"]`, "usapi_account", "hire", `"citra"`, `{"username":"citra"}`)}},
		{Remove: []string{`usapi_account.hire["budi"]`}},
		{Outputs: map[string]*state.Output{"count": {Value: json.RawMessage(`2`), Type: json.RawMessage(`"number"`)}}},
	}
}

// workdir makes a directory holding testdata/v1.state.json as its state.
func workdir(t *testing.T) *state.Local {
	t.Helper()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	copyFile(t, "testdata/v1.state.json", path)
	return state.NewLocal(path, state.LocalOptions{})
}

// journalOf applies steps through a new handle over v1.state.json and
// returns the journal written.
func journalOf(t *testing.T, steps []state.Update) []byte {
	t.Helper()
	b := workdir(t)
	for _, u := range steps {
		if err := b.Apply(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	data, err := os.ReadFile(b.JournalPath())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestJournalFixtures(t *testing.T) {
	full := journalOf(t, journalSteps())
	lines := bytes.SplitAfter(full, []byte("\n"))
	golden(t, "torn.journal", append(bytes.Join(lines[:2], nil), lines[2][:len(lines[2])/2]...))
	damaged := bytes.Join(lines, nil)
	damaged = bytes.Replace(damaged, []byte(`"remove":["usapi_account.hire[\"budi\"]"]`), []byte(`"remove":["usapi_account.hire[\"bud\"]"]`), 1)
	golden(t, "damaged.journal", damaged)
}

func TestJournalTornLastLineIgnored(t *testing.T) {
	b := workdir(t)
	copyFile(t, "testdata/torn.journal", b.JournalPath())
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatalf("Load with a torn journal: %v", err)
	}
	want := fixtureState()
	steps := journalSteps()
	want.Apply(steps[0])
	want.Apply(steps[1])
	want.Serial = 8
	sameJSON(t, s, want)
	if s.Serial != 8 {
		t.Errorf("serial %d, want 8 (the snapshot's 7, plus the journal)", s.Serial)
	}

	// The next Apply cuts the torn line off rather than writing after it.
	if err := b.Apply(ctx, steps[2]); err != nil {
		t.Fatal(err)
	}
	want.Apply(steps[2])
	want.Serial = 9 // this run loaded serial 8, so its changes make 9
	got, err := state.NewLocal(b.Path(), state.LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatalf("Load after appending to a once-torn journal: %v", err)
	}
	sameJSON(t, got, want)
}

func TestJournalDamagedMiddleLineRefused(t *testing.T) {
	b := workdir(t)
	copyFile(t, "testdata/damaged.journal", b.JournalPath())
	_, err := b.Load(ctx)
	if err == nil || !strings.Contains(err.Error(), "line 2 of the journal") || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("Load of a journal damaged in the middle: %v", err)
	}
}

func TestJournalWithoutSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	first := state.NewLocal(path, state.LocalOptions{})
	s, err := first.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := journalSteps()[0]
	if err := first.Apply(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := state.NewLocal(path, state.LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lineage != s.Lineage || got.Serial != 1 || len(got.Resources) != 1 {
		t.Errorf("a journal without a snapshot loads as lineage %s serial %d with %d resources; want lineage %s, serial 1, 1 resource",
			got.Lineage, got.Serial, len(got.Resources), s.Lineage)
	}
}

func TestJournalLeftByCrashedCompactIsSkipped(t *testing.T) {
	b := workdir(t)
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range journalSteps() {
		if err := b.Apply(ctx, u); err != nil {
			t.Fatal(err)
		}
		s.Apply(u)
	}
	journal, err := os.ReadFile(b.JournalPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	// As if the process died after the rename, before removing the journal.
	if err := os.WriteFile(b.JournalPath(), journal, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := state.NewLocal(b.Path(), state.LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, s)
	if got.Serial != s.Serial {
		t.Errorf("serial %d, want the compacted %d", got.Serial, s.Serial)
	}
}

func TestJournalThatDoesNotFitRefused(t *testing.T) {
	tests := map[string]func(t *testing.T, b *state.Local){
		"snapshot restored from the backup": func(t *testing.T, b *state.Local) {
			copyFile(t, b.BackupPath(), b.Path())
		},
		"snapshot removed": func(t *testing.T, b *state.Local) {
			os.Remove(b.Path())
		},
		"snapshot of another state": func(t *testing.T, b *state.Local) {
			other := state.NewLocal(filepath.Join(t.TempDir(), "other.json"), state.LocalOptions{})
			if err := other.Compact(ctx, state.New()); err != nil {
				t.Fatal(err)
			}
			copyFile(t, other.Path(), b.Path())
		},
	}
	for name, tamper := range tests {
		t.Run(name, func(t *testing.T) {
			b := workdir(t)
			s, err := b.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			steps := journalSteps()
			if err := b.Apply(ctx, steps[0]); err != nil {
				t.Fatal(err)
			}
			s.Apply(steps[0])
			if err := b.Compact(ctx, s); err != nil {
				t.Fatal(err)
			}
			if err := b.Apply(ctx, steps[1]); err != nil {
				t.Fatal(err)
			}
			tamper(t, b)
			_, err = state.NewLocal(b.Path(), state.LocalOptions{}).Load(ctx)
			if err == nil || !strings.Contains(err.Error(), "does not fit the state file") {
				t.Fatalf("Load: %v; want a refusal saying the journal does not fit", err)
			}
		})
	}
}

func TestLocalFileModesAndPlaces(t *testing.T) {
	dir := t.TempDir()
	journalDir := filepath.Join(dir, "elsewhere", "journal")
	b := state.NewLocal(filepath.Join(dir, "team.json"), state.LocalOptions{JournalDir: journalDir})
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range journalSteps()[:1] {
		if err := b.Apply(ctx, u); err != nil {
			t.Fatal(i, err)
		}
		s.Apply(u)
	}
	wantModes := map[string]os.FileMode{
		filepath.Join(journalDir, "team.json.journal"): 0o600,
		journalDir: 0o700 | os.ModeDir,
	}
	checkModes(t, wantModes)
	for range 2 { // the second Compact makes the backup
		if err := b.Compact(ctx, s); err != nil {
			t.Fatal(err)
		}
		s.Apply(journalSteps()[2])
	}
	checkModes(t, map[string]os.FileMode{b.Path(): 0o600, b.BackupPath(): 0o600})
	if _, err := os.Stat(b.JournalPath()); !os.IsNotExist(err) {
		t.Errorf("the journal remains after Compact: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temporary file remains: %s", e.Name())
		}
	}
}

func TestBackupHoldsPreviousSnapshot(t *testing.T) {
	b := workdir(t)
	before, _ := os.ReadFile(b.Path())
	s, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Apply(journalSteps()[1])
	if err := b.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	backup, _ := os.ReadFile(b.BackupPath())
	if !bytes.Equal(backup, before) {
		t.Errorf("the backup is not the previous snapshot:\n%s", backup)
	}
	if s.Serial != 8 {
		t.Errorf("serial after Compact: %d, want 8", s.Serial)
	}
}

func checkModes(t *testing.T, want map[string]os.FileMode) {
	t.Helper()
	for path, mode := range want {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if fi.Mode() != mode {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode(), mode)
		}
	}
}
