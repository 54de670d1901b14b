package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// viewState collects what a local view gives, and whether it streamed the
// snapshot (rather than loading it whole).
func viewState(t *testing.T, l *Local) (*State, bool, error) {
	t.Helper()
	v, err := l.openView()
	streamed := v != nil && v.src != nil
	if err == nil && v == nil {
		var vv View
		vv, err = l.View(context.Background())
		if err == nil {
			v2 := vv
			defer v2.Close()
			return collect(t, v2), false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	defer v.Close()
	return collect(t, v), streamed, nil
}

func collect(t *testing.T, v View) *State {
	t.Helper()
	s := *v.Head()
	s.Resources = map[string]*Resource{}
	prev := ""
	if err := v.Each(context.Background(), func(r *Resource) error {
		if r.Address <= prev {
			t.Errorf("%s came after %s", r.Address, prev)
		}
		prev = r.Address
		s.Resources[r.Address] = r
		return nil
	}); err != nil {
		t.Fatalf("Each: %v", err)
	}
	return &s
}

func sameAsLoad(t *testing.T, l *Local, got *State) {
	t.Helper()
	want, err := NewLocal(l.path, LocalOptions{Cipher: l.cipher}).Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) || got.DigestKeyID != want.DigestKeyID {
		t.Errorf("the view reads\n%s\nLoad reads\n%s", g, w)
	}
}

// TestViewStreamsDaftarsLayout checks which snapshots a view streams a
// line at a time, and that every one reads as Load reads it.
func TestViewStreamsDaftarsLayout(t *testing.T) {
	v1, err := os.ReadFile("testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	indented, err := os.ReadFile("testdata/v1-indented.state.json")
	if err != nil {
		t.Fatal(err)
	}
	// The first two resources swapped (each line keeps its comma).
	lines := strings.Split(string(v1), "\n")
	lines[5], lines[6] = lines[6], lines[5]
	swapped := []byte(strings.Join(lines, "\n"))
	empty := []byte("{\n  \"version\": 1,\n  \"serial\": 3,\n  \"lineage\": \"l-1\",\n  \"resources\": [],\n  \"outputs\": {}\n}\n")
	tests := map[string]struct {
		file   []byte
		stream bool
	}{
		"daftar's layout":        {v1, true},
		"no resource":            {empty, true},
		"the older layout":       {indented, false},
		"resources out of order": {swapped, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l := NewLocal(filepath.Join(dir, DefaultPath), LocalOptions{})
			if err := os.WriteFile(l.path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			got, streamed, err := viewState(t, l)
			if err != nil {
				t.Fatal(err)
			}
			if streamed != tc.stream {
				t.Errorf("streamed %v; want %v", streamed, tc.stream)
			}
			sameAsLoad(t, l, got)
		})
	}
}

// TestViewEncrypted checks that an encrypted state streams, its journal
// merged, and that a wrong passphrase is refused as Load refuses it.
func TestViewEncrypted(t *testing.T) {
	c, err := crypt.New("correct horse battery", crypt.Params{Time: 1, MemoryKiB: 8 * 1024, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := NewLocal(filepath.Join(dir, DefaultPath), LocalOptions{Cipher: c})
	s, err := l.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u := Update{Set: []*Resource{(&Resource{Address: `usapi_account.a["x"]`}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "a", Provider: "usapi"}).WithAttributes(json.RawMessage(`{"username":"x"}`))}}
	s.Apply(u)
	if err := l.Apply(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if err := l.Compact(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	u = Update{Set: []*Resource{(&Resource{Address: `usapi_account.a["w"]`}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "a", Provider: "usapi"})}}
	if err := l.Apply(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	got, streamed, err := viewState(t, l)
	if err != nil || !streamed {
		t.Fatalf("streamed %v, %v; want a streamed view", streamed, err)
	}
	sameAsLoad(t, l, got)
	if len(got.Resources) != 2 {
		t.Errorf("the view holds %d resources; want 2", len(got.Resources))
	}
	other, _ := crypt.New("another passphrase!", crypt.Params{Time: 1, MemoryKiB: 8 * 1024, Threads: 1})
	_, err = NewLocal(l.path, LocalOptions{Cipher: other}).View(context.Background())
	var ee *EncryptionError
	if !errors.As(err, &ee) || ee.Problem != WrongPassphrase {
		t.Errorf("a wrong passphrase gave %v; want an EncryptionError", err)
	}
}

// TestViewDamagedLine checks that a resource's line that does not decode
// is reported as the damage Load reports.
func TestViewDamagedLine(t *testing.T) {
	v1, err := os.ReadFile("testdata/v1.state.json")
	if err != nil {
		t.Fatal(err)
	}
	damaged := bytes.Replace(v1, []byte(`"name":"admin"`), []byte(`"name":admin"`), 1)
	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	if err := os.WriteFile(l.path, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := l.View(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	err = v.Each(context.Background(), func(*Resource) error { return nil })
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("Each of a damaged line gave %v; want a CorruptError", err)
	}
	if _, err := l.Load(context.Background()); !errors.As(err, &ce) {
		t.Errorf("Load gave %v; want a CorruptError too", err)
	}
}
