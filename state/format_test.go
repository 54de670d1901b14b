package state_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state"
)

func TestFormatRoundTrip(t *testing.T) {
	want, err := fixtureState().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "v1.state.json", want)

	data, err := os.ReadFile("testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	var s state.State
	if err := s.UnmarshalJSON(data); err != nil {
		t.Fatalf("decoding the fixture: %v", err)
	}
	sameJSON(t, &s, fixtureState())
	again, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("the fixture does not re-encode byte for byte\ngot:\n%s\nwant:\n%s", again, data)
	}
}

func TestLocalLoadsFixtureAndKeepsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	copyFile(t, "testdata/v1.state.json", path)
	b := state.NewLocal(path, state.LocalOptions{})
	s, err := b.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	sameJSON(t, s, fixtureState())
	if err := b.Compact(context.Background(), s); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("testdata/v1.state.json")
	if string(got) != string(want) || s.Serial != 7 {
		t.Errorf("Compact of an unchanged state rewrote it (serial now %d):\n%s", s.Serial, got)
	}
	if _, err := os.Stat(b.BackupPath()); !os.IsNotExist(err) {
		t.Errorf("Compact of an unchanged state replaced the backup (stat: %v)", err)
	}
}

// A snapshot written before resources were one per line (the fixture
// v1-indented.state.json) reads as the same state; an unchanged one is
// not rewritten only to change its layout, which would raise its serial;
// a changed one is written in the current layout.
func TestOlderLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	copyFile(t, "testdata/v1-indented.state.json", path)
	older, _ := os.ReadFile(path)
	b := state.NewLocal(path, state.LocalOptions{})
	s, err := b.Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	sameJSON(t, s, fixtureState())
	if err := b.Compact(context.Background(), s); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(older) || s.Serial != 7 {
		t.Errorf("Compact of an unchanged state in the older layout rewrote it (serial now %d):\n%s", s.Serial, got)
	}
	if _, err := os.Stat(b.BackupPath()); !os.IsNotExist(err) {
		t.Errorf("Compact of an unchanged state replaced the backup (stat: %v)", err)
	}

	s.Apply(state.Update{Remove: []string{"usapi_account.admin"}})
	if err := b.Compact(context.Background(), s); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	want := fixtureState()
	want.Serial = 8
	delete(want.Resources, "usapi_account.admin")
	wantBytes, _ := want.MarshalJSON()
	if got, _ := os.ReadFile(path); string(got) != string(wantBytes) {
		t.Errorf("the changed state was written as\n%s\nwant\n%s", got, wantBytes)
	}
	if got, _ := os.ReadFile(b.BackupPath()); string(got) != string(older) {
		t.Errorf("the backup is not the older snapshot:\n%s", got)
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := map[string]struct {
		fixture string
		content string
		want    []string // every string must appear in the error
		version bool     // a *VersionError is expected
	}{
		"newer version": {fixture: "v2.state.json", version: true,
			want: []string{"the state file daftar.state.json was written by a newer daftar (format version 2); this daftar reads version 1: upgrade daftar"}},
		"cut off": {fixture: "corrupt.state.json",
			want: []string{"the state file daftar.state.json is damaged", "cut off", "daftar.state.json.backup", "copy it over daftar.state.json"}},
		"empty":            {content: "", want: []string{"is damaged: it is empty", "daftar.state.json.backup"}},
		"not an object":    {content: "[1]", want: []string{"not a JSON object"}},
		"no version":       {content: `{"serial":1,"lineage":"x","resources":[]}`, want: []string{"no valid format version"}},
		"version as text":  {content: `{"version":"1"}`, want: []string{"format version is not a number"}},
		"no lineage":       {content: `{"version":1,"serial":1,"resources":[]}`, want: []string{"has no lineage"}},
		"duplicate":        {content: `{"version":1,"lineage":"x","resources":[{"address":"a.b"},{"address":"a.b"}]}`, want: []string{"a.b appears twice"}},
		"no address":       {content: `{"version":1,"lineage":"x","resources":[{"type":"a"}]}`, want: []string{"resource number 1 has no address"}},
		"wrong field type": {content: `{"version":1,"lineage":"x","resources":{}}`, want: []string{`field "resources"`}},
		"syntax":           {content: `{"version":1,"lineage":"x",}`, want: []string{"not valid JSON at byte"}},
	}
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if tc.fixture != "" {
				copyFile(t, filepath.Join(testdata, tc.fixture), "daftar.state.json")
			} else if err := os.WriteFile("daftar.state.json", []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := state.NewLocal("", state.LocalOptions{}).Load(context.Background())
			if err == nil {
				t.Fatal("Load accepted the file")
			}
			var verr *state.VersionError
			var cerr *state.CorruptError
			if tc.version != errors.As(err, &verr) || !tc.version && !errors.As(err, &cerr) {
				t.Errorf("error type %T; want a version error: %v", err, tc.version)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
