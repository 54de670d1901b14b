package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// Load decodes a plain snapshot as it reads it, a chunk at a time
// (decodeStream). These tests check that it loads every document as
// decodeState loads it whole, over chunk sizes that put records across
// chunks, and refuses a damaged one in the same words.

// loadWhole is what Load gave before it streamed: decodeState of the
// whole file, its damage wrapped in a *CorruptError.
func loadWhole(l *Local, data []byte) (*State, error) {
	s, err := decodeState(data, l.path)
	var verr *VersionError
	if err != nil && !errors.As(err, &verr) {
		return nil, &CorruptError{Path: l.path, Backup: l.backupPath, Err: err}
	}
	return s, err
}

// sameAsWhole writes data as the state file and fails unless Load reads
// it as loadWhole does, whatever the chunk.
func sameAsWhole(t *testing.T, data []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	l := NewLocal(path, LocalOptions{})
	want, wantErr := loadWhole(l, data)
	defer func(c int) { snapshotChunk = c }(snapshotChunk)
	for _, chunk := range []int{1, 7, 64, 1000, 4 << 10, 64 << 10, 512 << 10} {
		snapshotChunk = chunk
		got, err := NewLocal(path, LocalOptions{}).Load(context.Background())
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("chunk %d: Load says %v\nwant %v", chunk, err, wantErr)
		}
		if err != nil {
			if reflect.TypeOf(errors.Unwrap(err)) != reflect.TypeOf(errors.Unwrap(wantErr)) ||
				reflect.TypeOf(err) != reflect.TypeOf(wantErr) {
				t.Fatalf("chunk %d: Load's error is a %T, want a %T", chunk, err, wantErr)
			}
			continue
		}
		// The attributes left in the file read back as those read whole.
		if err := got.HoldAttributes(); err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if !deepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("chunk %d: Load read\n%.500s\nwant\n%.500s", chunk, g, w)
		}
	}
}

// written is a snapshot of n resources as daftar writes it, one of them
// with attributes of big bytes.
func written(t *testing.T, n, big int) []byte {
	t.Helper()
	s := New()
	for i := range n {
		a := fmt.Sprintf("usapi_account.person[\"p%07d\"]", i)
		attrs := fmt.Sprintf(`{"email":"p%07d@example.id","first_name":"Nama \"%d\"","id":"p%07d","password":"hmac-sha256:a98c"}`, i, i, i)
		if i == n/2 && big > 0 {
			attrs = `{"note":"` + strings.Repeat(`]}\"[{,`, big/8) + `"}`
		}
		s.Resources[a] = (&Resource{Address: a, Settled: i%3 == 0}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).WithIndexKey(json.RawMessage(fmt.Sprintf(`"p%07d"`, i))).WithUpdatedAt(time.Date(2026, 12, 6, 2, 0, i%60, i, time.UTC)).WithConfigDigest(digests[i%len(digests)]).WithDependencies([]string{"usapi_account.x"}).WithAttributes(json.RawMessage(attrs))
	}
	s.Outputs["n"] = &Output{Value: json.RawMessage(`3`), Type: json.RawMessage(`"number"`)}
	data, err := encodeState(s, 4)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// oneLine is data compacted on one line, which ends it.
func oneLine(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return append(b.Bytes(), '\n')
}

func TestLoadStreamedIsLoadWhole(t *testing.T) {
	docs := map[string][]byte{}
	for name, doc := range layouts {
		docs["layout: "+name] = []byte(doc)
	}
	for name, doc := range declined {
		docs["declined: "+name] = []byte(doc)
	}
	for _, name := range []string{"v1.state.json", "v1-indented.state.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = data
	}
	daftar := written(t, 3000, 0)
	docs["daftar's layout"] = daftar
	docs["daftar's layout, CRLF"] = bytes.ReplaceAll(daftar, []byte("\n"), []byte("\r\n"))
	docs["indented"] = manyResources(t, 3*512+7)
	docs["a record longer than a chunk"] = written(t, 50, 1<<20)
	docs["a newer version"] = bytes.Replace(daftar, []byte(`"version": 1,`), []byte(`"version": 2,`), 1)
	docs["version 0"] = bytes.Replace(daftar, []byte(`"version": 1,`), []byte(`"version": 0,`), 1)
	docs["a newer version, resources first"] = []byte(`{"resources":[{"address":"a.b","mode":1}],"version":2,"lineage":"x"}`)
	docs["no lineage"] = bytes.Replace(daftar, []byte(`"lineage": "`), []byte(`"lineag": "`), 1)
	docs["a duplicate in a later chunk"] = bytes.Replace(daftar,
		[]byte(`{"address":"usapi_account.person[\"p0002999\"]"`), []byte(`{"address":"usapi_account.person[\"p0000000\"]"`), 1)
	docs["a record without address"] = bytes.Replace(daftar,
		[]byte(`{"address":"usapi_account.person[\"p0001500\"]",`), []byte(`{`), 1)
	docs["a byte changed in a record"] = bytes.Replace(daftar, []byte(`"p0002000@example.id"`), []byte(`"p0002000@example.id`), 1)
	docs["a wrong type in a record"] = bytes.Replace(daftar, []byte(`"p0001000"},"config`), []byte(`"p0001000"},"settled":"yes","config`), 1)
	docs["damaged outputs"] = bytes.Replace(daftar, []byte(`"value": 3`), []byte(`"value": 3,`), 1)
	// Records that do not end their line, which the stream takes to end
	// where their line does (codec.StreamArray): read whole instead.
	docs["a record over two lines, the first ending with a brace"] = bytes.Replace(daftar,
		[]byte(`"mode":"managed","type":"usapi_account","name":"person","index_key":"p0001000"`),
		[]byte("\"mode\":\"managed\",\"attributes\":{\"a\":1},\n\"type\":\"usapi_account\",\"name\":\"person\",\"index_key\":\"p0001000\""), 1)
	docs["two records on a line"] = bytes.Replace(daftar, []byte("},\n    {\"address\":\"usapi_account.person[\\\"p0002000"), []byte("}, {\"address\":\"usapi_account.person[\\\"p0002000"), 1)
	docs["the last record closing the array"] = bytes.Replace(daftar, []byte("}\n  ],"), []byte("}],"), 1)
	for _, name := range []string{"a record over two lines, the first ending with a brace", "two records on a line", "the last record closing the array"} {
		if bytes.Equal(docs[name], daftar) {
			t.Fatalf("%s: the layout is daftar's", name)
		}
	}
	docs["empty"] = nil
	for _, n := range []int{1, 40, 150, len(daftar) / 3, len(daftar) / 2, len(daftar) - 30, len(daftar) - 2} {
		docs[fmt.Sprintf("cut at %d", n)] = daftar[:n]
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) { sameAsWhole(t, data) })
	}
}

// What daftar writes is read as a stream, not read again whole: the
// streaming path is the one that runs.
func TestLoadStreamsDaftarsLayout(t *testing.T) {
	daftar := written(t, 3000, 0)
	docs := map[string][]byte{
		"daftar's layout":              daftar,
		"CRLF":                         bytes.ReplaceAll(daftar, []byte("\n"), []byte("\r\n")),
		"indented":                     manyResources(t, 3*512+7),
		"a record longer than a chunk": written(t, 50, 1<<20),
		"no resources":                 written(t, 0, 0),
		"on one line, as jq -c writes": oneLine(t, daftar),
	}
	defer func(c int) { snapshotChunk = c }(snapshotChunk)
	for name, data := range docs {
		for _, chunk := range []int{1, 100, 4 << 10, 512 << 10} {
			snapshotChunk = chunk
			s, ok, kept, err := decodeStream(bytes.NewReader(data), "test", 0)
			if err != nil || !ok {
				t.Fatalf("%s, chunk %d: decodeStream declined (%v)", name, chunk, err)
			}
			// Not the indented layout's, which are not compact there.
			if kept != (leaveInFile && name != "indented" && name != "no resources") {
				t.Fatalf("%s, chunk %d: decodeStream left attributes in the file: %v", name, chunk, kept)
			}
			// Read back from the document, they are what decodeState reads.
			if err := s.HoldAttributes(); err != nil {
				t.Fatal(err)
			}
			want, err := decodeState(data, "test")
			if err != nil || !deepEqual(s, want) {
				t.Fatalf("%s, chunk %d: decodeStream and decodeState disagree (%v)", name, chunk, err)
			}
			// Told the file's size, it reads a smaller file in one chunk.
			s, ok, _, err = decodeStream(bytes.NewReader(data), "test", int64(len(data)))
			if err == nil && ok {
				err = s.HoldAttributes()
			}
			if err != nil || !ok || !deepEqual(s, want) {
				t.Fatalf("%s, chunk %d, sized: decodeStream declined or disagrees (%v)", name, chunk, err)
			}
		}
	}
}

// A loaded record's string index key is the bytes of its address that
// spell it, not a copy; appending to it copies it; the state is written
// back byte for byte; a key its address does not spell (a number, an
// address in another form) is read as it is.
func TestLoadIndexKeyWithinAddress(t *testing.T) {
	daftar := written(t, 2000, 0)
	odd := bytes.Replace(daftar, []byte(`{"address":"usapi_account.person[\"p0000007\"]"`), []byte(`{"address":"usapi_account.person[\"q0000007\"]"`), 1)
	odd = bytes.Replace(odd, []byte(`"index_key":"p0000009"`), []byte(`"index_key":9`), 1)
	for name, data := range map[string][]byte{"daftar's layout": daftar, "odd keys": odd} {
		s, ok, _, err := decodeStream(bytes.NewReader(data), "test", 0)
		if err != nil || !ok {
			t.Fatalf("%s: decodeStream declined (%v)", name, err)
		}
		want, err := decodeState(data, "test")
		if err != nil {
			t.Fatal(err)
		}
		for a, r := range s.Resources {
			if string(r.IndexKey()) != string(want.Resources[a].IndexKey()) {
				t.Fatalf("%s: %s has the index key %s, want %s", name, a, r.IndexKey(), want.Resources[a].IndexKey())
			}
			start := uintptr(unsafe.Pointer(unsafe.StringData(r.Address)))
			at := uintptr(unsafe.Pointer(unsafe.SliceData(r.IndexKey())))
			inAddress := at >= start && at+uintptr(len(r.IndexKey())) <= start+uintptr(len(r.Address))
			spelled := strings.HasSuffix(a, "["+string(r.IndexKey())+"]")
			if spelled && !inAddress || cap(r.IndexKey()) != len(r.IndexKey()) {
				t.Fatalf("%s: %s's index key %s within its address: %v, capacity %d", name, a, r.IndexKey(), inAddress, cap(r.IndexKey()))
			}
		}
		r := s.Resources[`usapi_account.person["p0000001"]`]
		if grown := append(r.IndexKey(), 'x'); string(grown) != `"p0000001"x` || r.Address != `usapi_account.person["p0000001"]` {
			t.Fatalf("%s: appending to the index key wrote over the address: %s", name, r.Address)
		}
		if err := s.HoldAttributes(); err != nil {
			t.Fatal(err)
		}
		got, err := encodeState(s, 4)
		if err != nil {
			t.Fatal(err)
		}
		if w, err := encodeState(want, 4); err != nil || !bytes.Equal(got, w) || name == "daftar's layout" && !bytes.Equal(got, data) {
			t.Fatalf("%s: written back otherwise (%v)", name, err)
		}
	}
}
