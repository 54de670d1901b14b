package state_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/state"
	"github.com/daftar-dev/daftar/state/backendtest"
)

func TestLocalBackend(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backendtest.Store {
		path := filepath.Join(t.TempDir(), "daftar.state.json")
		return backendtest.Store{
			Open:       func() state.Backend { return state.NewLocal(path, state.LocalOptions{}) },
			SetVersion: func(t *testing.T, v int) { setFileVersion(t, path, v) },
		}
	})
}

// setFileVersion rewrites the format version of the state file at path.
func setFileVersion(t *testing.T, path string, v int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := []byte("\"version\": 1,")
	if !bytes.Contains(data, old) {
		t.Fatalf("%s holds no version 1", path)
	}
	data = bytes.Replace(data, old, []byte("\"version\": "+strconv.Itoa(v)+","), 1)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesWhatIsNotAFile checks that a state path naming a folder
// or a device is refused with the path named once. Found in review:
// -state=DIR said "could not read the state file x: read x: is a
// directory", and -state=/dev/zero read until memory ran out.
func TestLoadRefusesWhatIsNotAFile(t *testing.T) {
	paths := []string{t.TempDir()}
	if runtime.GOOS != "windows" {
		paths = append(paths, "/dev/zero")
	}
	for _, path := range paths {
		_, err := state.NewLocal(path, state.LocalOptions{}).Load(t.Context())
		if err == nil || !strings.Contains(err.Error(), "not a regular file") || strings.Count(err.Error(), path) != 1 {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
}
