package state_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
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
