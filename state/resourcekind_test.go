package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"
	"unsafe"
)

// A record holds its Kind in 8 bytes: 96 bytes a record, where the four
// strings made it 152.
func TestResourceSize(t *testing.T) {
	if n := unsafe.Sizeof(Resource{}); n != 96 {
		t.Errorf("a Resource is %d bytes, want 96", n)
	}
}

// kindState is a state of records of three resources, and one whose Kind
// needs escapes, one with none at all.
func kindState() (*State, map[string]Kind) {
	when := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	kinds := map[string]Kind{}
	s := New()
	add := func(addr string, k Kind) {
		r := (&Resource{Address: addr}).WithKind(k).WithUpdatedAt(when).WithAttributes(json.RawMessage(`{"id":"x"}`))
		s.Resources[addr] = r
		kinds[addr] = k
	}
	account := Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}
	verif := Kind{Mode: "managed", Type: "proofylink_verification", Name: "person", Provider: "proofylink"}
	admin := Kind{Mode: "managed", Type: "usapi_account", Name: "admin", Provider: "usapi"}
	// Enough records that the stream's and the array's workers each read
	// some (chunks of 512).
	for i := range 1500 {
		add(fmt.Sprintf(`usapi_account.person["p%07d"]`, i), account)
		add(fmt.Sprintf(`proofylink_verification.person["p%07d"]`, i), verif)
	}
	add(`usapi_account.admin`, admin)
	add(`x_y.odd`, Kind{Mode: "managed", Type: `x_"y"`, Name: "odd<&>\u00e9\u2028", Provider: `p\q`})
	add(`x_y.none`, Kind{})
	return s, kinds
}

// checkKinds checks that every record of got has its Kind, and that the
// records of one Kind share it (one interned Kind, not a copy each).
func checkKinds(t *testing.T, how string, got *State, kinds map[string]Kind) {
	t.Helper()
	if len(got.Resources) != len(kinds) {
		t.Fatalf("%s: %d records, want %d", how, len(got.Resources), len(kinds))
	}
	held := map[Kind]kindHandle{}
	for a, k := range kinds {
		r := got.Resources[a]
		if r == nil {
			t.Fatalf("%s: %s lost", how, a)
		}
		if r.Kind() != k || r.Mode() != k.Mode || r.Type() != k.Type || r.Name() != k.Name || r.Provider() != k.Provider {
			t.Fatalf("%s: %s's Kind is %+v, want %+v", how, a, r.Kind(), k)
		}
		if h, ok := held[k]; ok && h != r.kind {
			t.Fatalf("%s: %s holds a Kind of its own, not its resource's", how, a)
		}
		held[k] = r.kind
	}
	if got.Resources[`x_y.none`].kind != (kindHandle{}) {
		t.Errorf("%s: the empty Kind is held", how)
	}
	// Records of one resource hold one copy of its type's bytes.
	a, b := got.Resources[`usapi_account.person["p0000000"]`], got.Resources[`usapi_account.person["p0001499"]`]
	if unsafe.StringData(a.Type()) != unsafe.StringData(b.Type()) {
		t.Errorf("%s: two records of one resource hold two copies of its type", how)
	}
}

// TestKindShared: the records of a resource share its Kind after a load,
// whichever reader made them (the fast decoder, its stream, encoding/json,
// the journal, the snapshot), and are written as they were; a Kind set on
// one record (a move) changes that record alone.
func TestKindShared(t *testing.T) {
	s, kinds := kindState()
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"mode":"managed","type":"x_\"y\"","name":"odd<&>é\u2028","provider":"p\\q"`, `"address":"x_y.none","mode":"","type":"","name":"","provider":""`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the state does not hold %s", want)
		}
	}
	fast, err := decodeState(data, "test")
	if err != nil {
		t.Fatal(err)
	}
	slow, err := decodeSlow(data)
	if err != nil {
		t.Fatal(err)
	}
	stream, ok, _, err := decodeStream(bytes.NewReader(data), "test", 0)
	if err != nil || !ok {
		t.Fatalf("decodeStream declined (%v)", err)
	}
	for how, got := range map[string]*State{"decodeState": fast, "encoding/json": slow, "decodeStream": stream} {
		checkKinds(t, how, got, kinds)
		if again, err := encodeState(got, 1); err != nil || !bytes.Equal(again, data) {
			t.Errorf("%s: written again otherwise (%v)", how, err)
		}
	}

	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	if _, err := l.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	var set []*Resource
	for _, r := range s.Resources {
		set = append(set, r)
	}
	if err := l.Apply(t.Context(), Update{Set: set}); err != nil {
		t.Fatal(err)
	}
	journaled, err := NewLocal(l.Path(), LocalOptions{}).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checkKinds(t, "journal", journaled, kinds)
	if err := l.Compact(t.Context(), journaled); err != nil {
		t.Fatal(err)
	}
	loaded, err := NewLocal(l.Path(), LocalOptions{}).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checkKinds(t, "snapshot", loaded, kinds)

	// A record given another name: the others keep theirs.
	moved := loaded.Resources[`usapi_account.person["p0000007"]`]
	k := moved.Kind()
	k.Name = "hire"
	moved.SetKind(k)
	if moved.Name() != "hire" || moved.Type() != "usapi_account" {
		t.Fatalf("the moved record's Kind is %+v", moved.Kind())
	}
	kinds[moved.Address] = k
	checkKinds(t, "after a move", loaded, kinds)
	out, err := encodeState(loaded, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"address":"usapi_account.person[\"p0000007\"]","mode":"managed","type":"usapi_account","name":"hire","provider":"usapi"`; !bytes.Contains(out, []byte(want)) {
		t.Errorf("the moved record is not written as %s", want)
	}
	if n := bytes.Count(out, []byte(`"name":"hire"`)); n != 1 {
		t.Errorf("%d records named hire, want 1", n)
	}
}

// The codec reads a Kind's fields as encoding/json reads strings, and
// declines what is not one.
func TestParseKindField(t *testing.T) {
	for value, want := range map[string]string{
		`"managed"`:       "managed",
		`""`:              "",
		`"a\u003cb\"c\\"`: `a<b"c\`,
		`"caf\u00e9"`:     "café",
		"\"caf\xc3\xa9\"": "café",
		"\"a\xffb\"":      "a\ufffdb",
	} {
		var r Resource
		if !r.parseKindField(kindType, []byte(value)) || r.Type() != want || r.Mode() != "" {
			t.Errorf("%s read as %q (%+v), want the type %q", value, r.Type(), r.Kind(), want)
		}
	}
	for _, value := range []string{`1`, `true`, `["a"]`, `{}`} {
		var r Resource
		if r.parseKindField(kindName, []byte(value)) {
			t.Errorf("%s read as a name: %q", value, r.Name())
		}
	}
	// A null leaves the field as it was, as encoding/json leaves a string.
	null := (&Resource{}).WithKind(Kind{Name: "person"})
	if !null.parseKindField(kindName, []byte(`null`)) || null.Name() != "person" {
		t.Errorf("null read as the name %q", null.Name())
	}
	// Set one field after another, as the codec reads them, the fields
	// set before stay.
	var r Resource
	for f, v := range []string{`"managed"`, `"usapi_account"`, `"person"`, `"usapi"`} {
		if !r.parseKindField(f, []byte(v)) {
			t.Fatalf("%s declined", v)
		}
	}
	if want := (Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}); r.Kind() != want {
		t.Errorf("read %+v, want %+v", r.Kind(), want)
	}
	if got := (&Resource{}).WithKind(r.Kind()); got.kind != r.kind {
		t.Error("a Kind set and the same Kind read are held twice")
	}
}
