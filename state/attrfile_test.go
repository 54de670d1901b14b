package state

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// attrsOfN is the attributes written() gives record i: long enough to be
// left in the file.
func attrsOfN(i int, tag string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"email":"p%07d@example.id","first_name":"Nama %d","id":"p%07d","tag":%q}`, i, i, i, tag))
}

func accountN(i int, tag string) *Resource {
	a := fmt.Sprintf("usapi_account.person[\"p%07d\"]", i)
	return (&Resource{Address: a, Settled: true}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "usapi"}).WithIndexKey(json.RawMessage(fmt.Sprintf(`"p%07d"`, i))).WithUpdatedAt(time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)).WithAttributes(attrsOfN(i, tag))
}

// leftN is how many of n records read from a file leave their attributes
// there: all, or none on Windows (leaveInFile).
func leftN(n int) int {
	if leaveInFile {
		return n
	}
	return 0
}

// inFile counts the records of s whose attributes are left in the file.
func inFile(s *State) int {
	n := 0
	for _, r := range s.Resources {
		if r.attrs.inFile() {
			n++
		}
	}
	return n
}

// checkAttrs fails unless every record of s reads the attributes want
// gives for it, and s holds exactly want's addresses.
func checkAttrs(t *testing.T, when string, s *State, want map[string]json.RawMessage) {
	t.Helper()
	if len(s.Resources) != len(want) {
		t.Fatalf("%s: %d records, want %d", when, len(s.Resources), len(want))
	}
	for a, w := range want {
		r := s.Resources[a]
		if r == nil {
			t.Fatalf("%s: %s is missing", when, a)
		}
		got, err := r.Attributes()
		if err != nil || string(got) != string(w) {
			t.Fatalf("%s: %s reads %s (%v), want %s", when, a, got, err, w)
		}
	}
}

// A state whose records' attributes are left in the snapshot file is
// applied to, compacted in the same process (a new file renamed over the
// one the records read from), applied to and compacted again; its records
// read the right attributes all along, a record the apply replaced reads
// the new ones, and loaded again the state holds what was applied.
func TestAttributesLeftInFileAcrossCompactions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "daftar.state.json")
	s := New()
	want := map[string]json.RawMessage{}
	for i := range 2000 {
		r := accountN(i, "first")
		s.Resources[r.Address] = r
		want[r.Address] = attrsOfN(i, "first")
	}
	l := NewLocal(path, LocalOptions{})
	if err := l.Compact(ctx, s); err != nil {
		t.Fatal(err)
	}

	l = NewLocal(path, LocalOptions{})
	loaded, err := l.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := inFile(loaded); n != leftN(2000) {
		t.Fatalf("%d records left their attributes in the file, want %d", n, leftN(2000))
	}
	checkAttrs(t, "loaded", loaded, want)

	// An apply replaces one record, adds one, removes one, and keeps a
	// pending record of another with its stored attributes (CopyAttributes,
	// as the executor writes an intent over a replaced record).
	replaced, added := accountN(7, "second"), accountN(5000, "new")
	intent := *loaded.Resources[accountN(9, "").Address]
	intent.SetPending(&Intent{ID: "i", Operation: "create", Started: time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC), RunID: "r", RequestDigest: "d"})
	withIntent := (&Resource{Address: intent.Address}).WithKind(Kind{Mode: intent.Mode(), Type: intent.Type(), Name: intent.Name(), Provider: intent.Provider()}).WithIndexKey(intent.IndexKey()).WithPending(intent.Pending()).WithUpdatedAt(intent.UpdatedAt())
	withIntent.CopyAttributes(loaded.Resources[intent.Address])
	removed := accountN(11, "").Address
	u := Update{Set: []*Resource{replaced, added, withIntent}, Remove: []string{removed}}
	if err := l.Apply(ctx, u); err != nil {
		t.Fatal(err)
	}
	loaded.Apply(u)
	want[replaced.Address], want[added.Address] = attrsOfN(7, "second"), attrsOfN(5000, "new")
	delete(want, removed)
	if err := l.Compact(ctx, loaded); err != nil {
		t.Fatal(err)
	}
	// The records loaded before still read the file they were read from,
	// now replaced at the path.
	checkAttrs(t, "after the first compaction", loaded, want)

	// Once more, in the same process, from the same records.
	again := accountN(8, "third")
	u = Update{Set: []*Resource{again}}
	if err := l.Apply(ctx, u); err != nil {
		t.Fatal(err)
	}
	loaded.Apply(u)
	want[again.Address] = attrsOfN(8, "third")
	if err := l.Compact(ctx, loaded); err != nil {
		t.Fatal(err)
	}
	checkAttrs(t, "after the second compaction", loaded, want)

	// Loaded anew: what was applied, from the new file.
	fresh, err := NewLocal(path, LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkAttrs(t, "loaded again", fresh, want)
	if r := fresh.Resources[withIntent.Address]; r.Pending() == nil || r.Pending().ID != "i" {
		t.Fatalf("the intent over %s was lost: %+v", withIntent.Address, r.Pending())
	}
	if n := inFile(fresh); n != leftN(len(want)) {
		t.Fatalf("%d records of the new file left their attributes in it, want %d", n, leftN(len(want)))
	}
	// And the same bytes as the state held in memory would write.
	if err := loaded.HoldAttributes(); err != nil {
		t.Fatal(err)
	}
	if err := fresh.HoldAttributes(); err != nil {
		t.Fatal(err)
	}
	a, errA := encodeState(loaded, 1)
	b, errB := encodeState(fresh, 1)
	if errA != nil || errB != nil || string(a) != string(b) {
		t.Fatalf("the state reloaded encodes otherwise than the one applied to (%v, %v)", errA, errB)
	}
}

// A journal replayed over a snapshot whose records' attributes are left in
// it: the replayed records read theirs, the others the file's.
func TestAttributesLeftInFileWithJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	s := New()
	want := map[string]json.RawMessage{}
	for i := range 100 {
		r := accountN(i, "first")
		s.Resources[r.Address] = r
		want[r.Address] = attrsOfN(i, "first")
	}
	if err := NewLocal(path, LocalOptions{}).Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	l := NewLocal(path, LocalOptions{})
	if _, err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	r := accountN(3, "journal")
	if err := l.Apply(ctx, Update{Set: []*Resource{r}}); err != nil {
		t.Fatal(err)
	}
	want[r.Address] = attrsOfN(3, "journal")
	loaded, err := NewLocal(path, LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkAttrs(t, "loaded with the journal", loaded, want)
}

// A state file changed in place (not renamed over: by hand) under records
// that left their attributes in it: reading them back fails, naming the
// record and the file, rather than reading another record's bytes.
func TestAttributesLeftInFileChangedInPlace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	s := New()
	for i := range 50 {
		r := accountN(i, "first")
		s.Resources[r.Address] = r
	}
	if err := NewLocal(path, LocalOptions{}).Compact(ctx, s); err != nil {
		t.Fatal(err)
	}
	loaded, err := NewLocal(path, LocalOptions{}).Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Shifted by a few bytes, as an edit by hand would shift them.
	edited := strings.Replace(string(data), `"lineage": "`, `"lineage":   "`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	r := loaded.Resources[accountN(20, "").Address]
	if !leaveInFile {
		// Held in memory (Windows): the record reads what was loaded.
		if a, err := r.Attributes(); err != nil || string(a) != string(attrsOfN(20, "first")) {
			t.Fatalf("read %s (%v)", a, err)
		}
		return
	}
	a, err := r.Attributes()
	if err == nil || !strings.Contains(err.Error(), r.Address) || !strings.Contains(err.Error(), path) {
		t.Fatalf("read %s (%v) from a file changed in place", a, err)
	}
	// The encoders say so too, rather than write a record without them.
	if _, err := encodeState(loaded, 2); err == nil {
		t.Fatal("a state whose attributes cannot be read back was encoded")
	}
	if _, err := json.Marshal(r); err == nil || !strings.Contains(err.Error(), r.Address) {
		t.Fatalf("json.Marshal of the record: %v", err)
	}
}

// resourceJSON has Resource's fields, names and tags (the attributes
// exported), and those of resourceMore (the fields a record holds through
// a pointer), each in its struct's order: encoding/json reads and writes a
// Resource as it would a struct of those fields.
func TestResourceJSONCurrent(t *testing.T) {
	rt, mt, wt := reflect.TypeFor[Resource](), reflect.TypeFor[resourceMore](), reflect.TypeFor[resourceJSON]()
	i, m := 0, 0 // the next field of Resource and of resourceMore
	for j := range wt.NumField() {
		w := wt.Field(j)
		for i < rt.NumField() && (rt.Field(i).Name == "more" || rt.Field(i).Name == "digestForm" || rt.Field(i).Name == "keyLen" || rt.Field(i).Name == "timeForm" || rt.Field(i).Name == "kind") {
			i++ // not in the JSON: its fields are, the digest, key, time and kind are
		}
		// The Kind's fields, held in kind, each in its place.
		kindField := map[string]string{"mode": "Mode", "typ": "Type", "name": "Name", "provider": "Provider"}
		switch {
		case i < rt.NumField() && kindField[rt.Field(i).Name] != "" && (m == mt.NumField() || mt.Field(m).Name != w.Name):
			want := kindField[rt.Field(i).Name]
			if w.Name != want || w.Type != reflect.TypeFor[string]() || w.Tag.Get("json") != strings.ToLower(want) {
				t.Fatalf("resourceJSON's field %d is %s %s %q, want %s", j+1, w.Name, w.Type, w.Tag, want)
			}
			i++
		case i < rt.NumField() && rt.Field(i).Name == "attrs":
			if w.Name != "Attributes" || w.Type != reflect.TypeFor[json.RawMessage]() || w.Tag.Get("json") != "attributes,omitempty" {
				t.Fatalf("resourceJSON's field %d is %s %s %q, want Attributes", j+1, w.Name, w.Type, w.Tag)
			}
			i++
		case i < rt.NumField() && rt.Field(i).Name == "indexKey" && w.Name == "IndexKey":
			if w.Type != reflect.TypeFor[json.RawMessage]() || w.Tag.Get("json") != "index_key,omitempty" {
				t.Fatalf("resourceJSON's field %d is %s %s %q, want IndexKey", j+1, w.Name, w.Type, w.Tag)
			}
			i++
		case i < rt.NumField() && rt.Field(i).Name == "updated" && w.Name == "UpdatedAt":
			if w.Type != reflect.TypeFor[time.Time]() || w.Tag.Get("json") != "updated_at" {
				t.Fatalf("resourceJSON's field %d is %s %s %q, want UpdatedAt", j+1, w.Name, w.Type, w.Tag)
			}
			i++
		case i < rt.NumField() && rt.Field(i).Name == "digest" && w.Name == "ConfigDigest":
			if w.Type != reflect.TypeFor[string]() || w.Tag.Get("json") != "config_digest,omitempty" {
				t.Fatalf("resourceJSON's field %d is %s %s %q, want ConfigDigest", j+1, w.Name, w.Type, w.Tag)
			}
			i++
		case i < rt.NumField() && rt.Field(i).Name == w.Name:
			if f := rt.Field(i); w.Type != f.Type || w.Tag != f.Tag {
				t.Fatalf("resourceJSON's field %d is %s %s %q, Resource's %s %s %q", j+1, w.Name, w.Type, w.Tag, f.Name, f.Type, f.Tag)
			}
			i++
		case m < mt.NumField() && mt.Field(m).Name == w.Name:
			if f := mt.Field(m); w.Type != f.Type || w.Tag != f.Tag || !strings.HasSuffix(w.Tag.Get("json"), ",omitempty") {
				t.Fatalf("resourceJSON's field %d is %s %s %q, resourceMore's %s %s %q (omitempty)", j+1, w.Name, w.Type, w.Tag, f.Name, f.Type, f.Tag)
			}
			m++
		default:
			t.Fatalf("resourceJSON's field %d is %s, which is neither Resource's next field nor resourceMore's", j+1, w.Name)
		}
	}
	for i < rt.NumField() && (rt.Field(i).Name == "more" || rt.Field(i).Name == "digestForm" || rt.Field(i).Name == "kind") {
		i++
	}
	// The record writes them, as IndexKey, UpdatedAt and ConfigDigest.
	for m < mt.NumField() && (mt.Field(m).Name == "indexKey" || mt.Field(m).Name == "updatedAt" || mt.Field(m).Name == "digestText") {
		m++
	}
	if i != rt.NumField() || m != mt.NumField() {
		t.Fatalf("resourceJSON has %d fields; Resource's written %d of %d, resourceMore's %d of %d", wt.NumField(), i, rt.NumField(), m, mt.NumField())
	}
	// The codec and encoding/json write the same bytes, and read them
	// back the same.
	r := accountN(1, `<&> "x"`)
	r.SetPending(&Intent{ID: "i", Operation: "create", RunID: "<r>"})
	r.SetSensitivePaths([][]any{{"a", 1.0}})
	r.SetModule(`module.m["<k>"]`)
	r.SetDependencies([]string{"a.b", "c.d"})
	r.SetConfigDigest("hmac-sha256:00")
	viaCodec, ok := resourceCodec.NewEncoder().AppendFast(nil, r)
	if !ok {
		t.Fatal("the fast encoder declined")
	}
	viaJSON := mustEncoder(t, r)
	if string(viaCodec) != viaJSON {
		t.Fatalf("the codec writes\n%s\nencoding/json\n%s", viaCodec, viaJSON)
	}
	var back Resource
	if err := json.Unmarshal(viaCodec, &back); err != nil || !deepEqual(&back, r) {
		t.Fatalf("read back as %+v (%v), want %+v", back, err, r)
	}
}

func mustEncoder(t *testing.T, r *Resource) string {
	t.Helper()
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(r); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Where attributes are held in memory (Windows), the same applies,
// compactions and journal included.
func TestAttributesHeldInMemory(t *testing.T) {
	defer func(v bool) { leaveInFile = v }(leaveInFile)
	leaveInFile = false
	t.Run("compactions", TestAttributesLeftInFileAcrossCompactions)
	t.Run("journal", TestAttributesLeftInFileWithJournal)
	t.Run("changed in place", TestAttributesLeftInFileChangedInPlace)
}

// Attributes read back in the file's order (from windows of it), in
// reverse, at random and from many goroutines at once are each record's.
func TestAttributesReadInAnyOrder(t *testing.T) {
	s := New()
	want := map[string]json.RawMessage{}
	for i := range 3000 {
		r := accountN(i, strings.Repeat("x", i%300))
		s.Resources[r.Address] = r
		want[r.Address] = attrsOfN(i, strings.Repeat("x", i%300))
	}
	data, err := encodeState(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	addrs := s.Addresses()
	orders := map[string]func() []string{
		"in order": func() []string { return addrs },
		"reverse": func() []string {
			r := append([]string(nil), addrs...)
			slices.Reverse(r)
			return r
		},
		"every third, then the rest": func() []string {
			var a, b []string
			for i, x := range addrs {
				if i%3 == 0 {
					a = append(a, x)
				} else {
					b = append(b, x)
				}
			}
			return append(a, b...)
		},
	}
	for name, order := range orders {
		loaded, ok, kept, err := decodeStream(bytes.NewReader(data), "test", 0)
		if err != nil || !ok || kept != leaveInFile {
			t.Fatalf("%s: decodeStream: %v %v %v", name, err, ok, kept)
		}
		held := map[string]json.RawMessage{}
		for _, a := range order() {
			got, err := loaded.Resources[a].Attributes()
			if err != nil || string(got) != string(want[a]) {
				t.Fatalf("%s: %s reads %s (%v), want %s", name, a, got, err, want[a])
			}
			held[a] = got
		}
		// What was read stays what it was, whatever is read after.
		for a, got := range held {
			if string(got) != string(want[a]) {
				t.Fatalf("%s: %s now holds %s", name, a, got)
			}
		}
	}
	loaded, _, _, err := decodeStream(bytes.NewReader(data), "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(addrs); i += 4 {
				got, err := loaded.Resources[addrs[i]].Attributes()
				if err != nil || string(got) != string(want[addrs[i]]) {
					errs <- fmt.Errorf("%s reads %s (%v)", addrs[i], got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestAttrSpanLimits: a span holds its offset and length exactly up to
// its limits, and a value beyond them is not left in the file (the
// decoder then keeps it in memory) rather than found at a wrong place.
func TestAttrSpanLimits(t *testing.T) {
	obj := func(n int) []byte {
		b := bytes.Repeat([]byte{' '}, n)
		b[0], b[n-1] = '{', '}'
		return b
	}
	for _, c := range []struct {
		n    int
		off  int64
		left bool
	}{
		{minLeftInFile, 0, true},
		{minLeftInFile - 1, 0, false},
		{1000, 123456789, true},
		{maxSpanLen, maxSpanOff, true},
		{maxSpanLen + 1, 0, false},
		{1000, maxSpanOff + 1, false},
		{1000, 1 << 62, false},
	} {
		c.left = c.left && leaveInFile // never where a file cannot be renamed over while open
		var r Resource
		if left := placeAttributes(&r, obj(c.n), c.off); left != c.left {
			t.Fatalf("%d bytes at %d: left in the file %v, want %v", c.n, c.off, left, c.left)
		}
		if !c.left {
			if r.attrs != (attrRef{}) {
				t.Fatalf("%d bytes at %d: not left, yet the record holds %+v", c.n, c.off, r.attrs)
			}
			continue
		}
		if at := r.attrs.span(); at.off() != c.off || at.n() != c.n || r.attrs.n&leftInFile == 0 {
			t.Fatalf("%d bytes at %d: the span says %d bytes at %d (%x)", c.n, c.off, at.n(), at.off(), r.attrs.n)
		}
	}
}

// TestAttributesReadErrorNamesTheFileOnce: a record whose file can no
// longer be read says which record, which file and the system's reason,
// naming the file once (not the reason's own copy of its path).
func TestAttributesReadErrorNamesTheFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "daftar.state.json")
	if err := os.WriteFile(path, []byte(`{"a":"`+strings.Repeat("x", 100)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // every read now fails with a *fs.PathError
	r := &Resource{Address: `usapi_account.person["ani"]`}
	r.attrs = attrRef{p: unsafe.Pointer(&snapshotFile{f: f, path: path}), n: leftInFile | 0<<spanLenBits | 60}
	_, err = r.Attributes()
	if err == nil {
		t.Fatal("read attributes from a closed file")
	}
	msg := err.Error()
	if !strings.Contains(msg, r.Address) || strings.Count(msg, path) != 1 || !strings.Contains(msg, os.ErrClosed.Error()) {
		t.Errorf("error %q: want the record, the file once and the reason", msg)
	}
}

// TestReadAttributesIsAttributes: ReadAttributes gives each record what
// its Attributes gives, for records left in a file read in its order, in
// reverse and every third, mixed with records held in memory and with
// records of another file, in batches of several sizes reusing one
// buffer; and when the file can no longer be read, the error Attributes
// gives for the first record of the batch it fails for.
func TestReadAttributesIsAttributes(t *testing.T) {
	load := func(n int, tag string) (*State, []string) {
		s := New()
		for i := range n {
			r := accountN(i, tag+strings.Repeat("x", i%300))
			s.Resources[r.Address] = r
		}
		data, err := encodeState(s, 1)
		if err != nil {
			t.Fatal(err)
		}
		loaded, ok, kept, err := decodeStream(bytes.NewReader(data), "test", 0)
		if err != nil || !ok || kept != leaveInFile {
			t.Fatalf("decodeStream: %v %v %v", err, ok, kept)
		}
		return loaded, loaded.Addresses()
	}
	s, addrs := load(3000, "a")
	other, otherAddrs := load(50, "b")
	for i, a := range addrs {
		if i%97 == 5 {
			s.Resources[a].SetAttributes(attrsOfN(i, "held in memory"))
		}
	}
	var recs []*Resource
	for _, a := range addrs {
		recs = append(recs, s.Resources[a])
	}
	mixed := slices.Clone(recs)
	for i, a := range otherAddrs {
		mixed = slices.Insert(mixed, 40*i+7, other.Resources[a])
	}
	reversed := slices.Clone(recs)
	slices.Reverse(reversed)
	var thirds []*Resource
	for i := range 3 {
		for j := i; j < len(recs); j += 3 {
			thirds = append(thirds, recs[j])
		}
	}
	var buf []byte
	for name, rs := range map[string][]*Resource{"in order": recs, "with another file's": mixed, "reversed": reversed, "every third": thirds} {
		for _, batch := range []int{1, 7, 1024, len(rs)} {
			for start := 0; start < len(rs); start += batch {
				part := rs[start:min(len(rs), start+batch)]
				out := make([]json.RawMessage, len(part))
				var err error
				if buf, err = ReadAttributes(part, out, buf); err != nil {
					t.Fatalf("%s, batches of %d: %v", name, batch, err)
				}
				for i, r := range part {
					want, err := r.Attributes()
					if err != nil || string(out[i]) != string(want) {
						t.Fatalf("%s, batches of %d: %s reads %s, want %s (%v)", name, batch, r.Address, out[i], want, err)
					}
				}
			}
		}
	}
	if !leaveInFile {
		return
	}
	// The file unreadable: every read fails, as Attributes does.
	f := recs[0].attrs.span().file
	f.f, f.win = failingReader{}, nil
	part := recs[10:20]
	want := ""
	for _, r := range part {
		if _, err := r.Attributes(); err != nil {
			want = err.Error()
			break
		}
	}
	if _, err := ReadAttributes(part, make([]json.RawMessage, len(part)), nil); err == nil || err.Error() != want {
		t.Errorf("from a closed file: %v, want %q", err, want)
	}
}

// failingReader fails every read, as a file closed under its records.
type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, os.ErrClosed }
