package state

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// journalRecords are the records TestApplyLeavesAttributesInJournal
// writes: long attributes (left in the journal), short ones, ones that
// json.Marshal escapes (written otherwise, kept), and an intent.
func journalRecords() []*Resource {
	var rs []*Resource
	add := func(addr, attrs string) {
		r := (&Resource{Address: addr}).WithKind(Kind{Mode: "managed", Type: "usapi_account", Name: "person", Provider: "provider.usapi"}).WithUpdatedAt(time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC))
		if attrs != "" {
			r.SetAttributes([]byte(attrs))
		} else {
			r.SetPending(&Intent{ID: "i", Operation: "create", RunID: "run", RequestDigest: "d"})
		}
		rs = append(rs, r)
	}
	for i := range 60 {
		add(fmt.Sprintf(`usapi_account.person["p%03d"]`, i), fmt.Sprintf(`{"email":"p%03d@example.id","id":"%d","username":"p%03d"}`, i, 1000+i, i))
	}
	add(`usapi_account.person["short"]`, `{"id":"1"}`)
	add(`usapi_account.person["html"]`, `{"email":"a<b>@example.id","id":"2","username":"html"}`)
	add(`usapi_account.person["intent"]`, "")
	return rs
}

// TestApplyLeavesAttributesInJournal: the records a plain-text journal
// recorded leave their attributes there, read back the same, before and
// after the compaction that removes the journal, and the snapshot is the
// one the records held in memory encode to; the caller's records are not
// changed (one may be a State's already). An encrypted journal's records
// keep theirs in memory.
func TestApplyLeavesAttributesInJournal(t *testing.T) {
	c, err := crypt.New("a passphrase, long enough", crypt.Params{Time: 1, MemoryKiB: 64, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	for name, cipher := range map[string]Cipher{"plain": nil, "encrypted": c} {
		t.Run(name, func(t *testing.T) {
			l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{Cipher: cipher})
			s, err := l.Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := &State{Version: s.Version, Lineage: s.Lineage, Resources: map[string]*Resource{}}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for _, r := range journalRecords() {
				want.Resources[r.Address] = r
				before := r.attrs
				wg.Go(func() {
					u := Update{Set: []*Resource{r}}
					if err := l.Apply(t.Context(), u); err != nil {
						t.Error(err)
						return
					}
					if r.attrs != before {
						t.Errorf("%s: Apply changed the caller's record", r.Address)
					}
					left := u.Set[0] != r
					if shouldLeave := cipher == nil && len(before.bytes()) >= minLeftInFile && !bytes.Contains(before.bytes(), []byte("<")); left != shouldLeave || left != u.Set[0].attrs.inFile() {
						t.Errorf("%s: left in the journal %v (in a file %v), want %v", r.Address, left, u.Set[0].attrs.inFile(), shouldLeave)
					}
					mu.Lock()
					s.Apply(u)
					mu.Unlock()
				})
			}
			wg.Wait()
			sameAttrs := func(when string) {
				t.Helper()
				for addr, w := range want.Resources {
					got, err := s.Resources[addr].Attributes()
					if err != nil || !bytes.Equal(got, w.attrs.bytes()) {
						t.Errorf("%s %s: attributes %s (%v), want %s", when, addr, got, err, w.attrs.bytes())
					}
				}
			}
			sameAttrs("after Apply")
			wantSnap, err := encodeState(want, 1)
			if err != nil {
				t.Fatal(err)
			}
			gotSnap, err := encodeState(s, 1)
			if err != nil || !bytes.Equal(gotSnap, wantSnap) {
				t.Fatalf("the state encodes as\n%s\n(%v), want\n%s", gotSnap, err, wantSnap)
			}
			if err := l.Compact(t.Context(), s); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(l.JournalPath()); !os.IsNotExist(err) {
				t.Fatalf("the journal is still there after Compact: %v", err)
			}
			sameAttrs("after Compact")
			loaded, err := NewLocal(l.Path(), LocalOptions{Cipher: cipher}).Load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if gotSnap, err = encodeState(loaded, 1); err != nil || !bytes.Equal(gotSnap, wantSnap) {
				t.Errorf("the compacted state loads as\n%s\n(%v), want\n%s", gotSnap, err, wantSnap)
			}
		})
	}
}

// TestCloseThenApplyKeepsTheJournal: a handle closed and applied to again
// opens its journal where its own appends left it, not where its load
// found it: cutting it back lost durable lines, and the attributes records
// read from them.
func TestCloseThenApplyKeepsTheJournal(t *testing.T) {
	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	rs := journalRecords()
	wantAttrs := rs[0].attrs.bytes()
	first := Update{Set: rs[:1]}
	for i, u := range []Update{first, {Set: rs[1:2]}} {
		if err := l.Apply(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if a, err := first.Set[0].Attributes(); err != nil || !bytes.Equal(a, wantAttrs) || !first.Set[0].attrs.inFile() {
		t.Errorf("the first record's attributes read back as %s (%v)", a, err)
	}
	s, err := NewLocal(l.Path(), LocalOptions{}).Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Resources) != 2 {
		t.Errorf("loaded %d records after Apply, Close, Apply; want 2", len(s.Resources))
	}
}

// growingFile is a file being appended to: its bytes beyond what is
// durable may still change.
type growingFile struct{ data []byte }

func (g *growingFile) ReadAt(p []byte, off int64) (int, error) {
	return copy(p, g.data[off:]), nil
}

// TestJournalWindowStopsAtDurable: a read ahead in the journal stops
// where it is durable, so that a later record's attributes are read from
// the file as they are when durable, not from a window read while they
// were being written.
func TestJournalWindowStopsAtDurable(t *testing.T) {
	obj := func(c byte) []byte { return append(append([]byte{'{'}, bytes.Repeat([]byte{c}, 98)...), '}') }
	g := &growingFile{data: append(obj('a'), make([]byte, 1000)...)} // what follows is being written
	size := new(atomic.Int64)
	size.Store(100)
	f := &snapshotFile{f: g, path: "journal", size: size}
	first := attrSpan{file: f, pos: 0<<spanLenBits | 100}
	if a, err := first.read(); err != nil || !bytes.Equal(a, obj('a')) {
		t.Fatalf("first read: %s (%v)", a, err)
	}
	copy(g.data[100:], obj('b'))
	size.Store(200)
	second := attrSpan{file: f, pos: 100<<spanLenBits | 100}
	if a, err := second.read(); err != nil || !bytes.Equal(a, obj('b')) {
		t.Errorf("second read, after the first read ahead: %s (%v)", a, err)
	}
}

// TestKeyInAddress: a record holds an index key its address ends with
// (a string key, a number) as the bytes of its address that spell it,
// capped (appending copies them), a record the journal recorded too; a
// key its address does not end with (another spelling, no brackets) is
// kept as given.
func TestKeyInAddress(t *testing.T) {
	for _, c := range []struct {
		addr, key string
		shared    bool
	}{
		{`usapi_account.person["p0001"]`, `"p0001"`, true},
		{`usapi_account.person[""]`, `""`, true},
		{`usapi_account.person["a\"b"]`, `"a\"b"`, true},
		{`module.m["x"].usapi_account.person["p"]`, `"p"`, true},
		{`usapi_account.person["p0001"]`, `"p0002"`, false},
		{`usapi_account.person["p0001"]`, `"0001"`, false},
		{`usapi_account.person["<"]`, `"\u003c"`, false},
		{`usapi_account.person[3]`, `3`, true},
		{`usapi_account.person[3]`, `4`, false},
		{`usapi_account.person`, `"person"`, false},
		{`"p"]`, `"p"`, false},
		{`["p"]`, `"p"`, true},
		{`usapi_account.person["p"]`, ``, false},
		{`usapi_account.person["p"]`, `"`, false},
	} {
		key := []byte(c.key)
		r := (&Resource{Address: c.addr}).WithIndexKey(key)
		got := r.IndexKey()
		if string(got) != c.key {
			t.Errorf("%s %s: got %s", c.addr, c.key, got)
		}
		in := len(got) > 0 && uintptr(unsafe.Pointer(unsafe.SliceData(got))) >= uintptr(unsafe.Pointer(unsafe.StringData(c.addr))) &&
			uintptr(unsafe.Pointer(unsafe.SliceData(got))) < uintptr(unsafe.Pointer(unsafe.StringData(c.addr)))+uintptr(len(c.addr))
		if in != c.shared || !c.shared && len(key) > 0 && &got[0] != &key[0] {
			t.Errorf("%s %s: within the address %v, want %v", c.addr, c.key, in, c.shared)
		}
		if in && cap(got) != len(got) {
			t.Errorf("%s %s: capacity %d past the key's %d bytes", c.addr, c.key, cap(got), len(got))
		}
	}
	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	if _, err := l.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := journalRecords()[0]
	r.SetIndexKey([]byte(`"p000"`))
	u := Update{Set: []*Resource{r}}
	if err := l.Apply(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	got := u.Set[0]
	if got == r || string(got.IndexKey()) != `"p000"` || &got.IndexKey()[0] != unsafe.StringData(got.Address[len(got.Address)-7:]) || string(r.IndexKey()) != `"p000"` {
		t.Errorf("the journal's record holds its key %s apart from its address %s", got.IndexKey(), got.Address)
	}
}
