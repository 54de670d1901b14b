package state

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

// TestEncodeReadsAttributesInBatches: records whose attributes the
// journal holds, written in another order than their addresses' (as an
// apply's changes finish), encode as the same records held in memory do,
// across batches of attrsAtOnce and a record left in memory among them,
// and their encoding allocates per batch, not per record: read one at a
// time out of order, each record's attributes were a new buffer, and the
// compaction of a million creates took the heap 380 MB above the apply's.
func TestEncodeReadsAttributesInBatches(t *testing.T) {
	if !leaveInFile {
		t.Skip("attributes are not left in files on this system") // Windows: nothing to read back
	}
	l := NewLocal(filepath.Join(t.TempDir(), DefaultPath), LocalOptions{})
	s, err := l.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &State{Version: s.Version, Lineage: s.Lineage, Resources: map[string]*Resource{}}
	const n = 3*attrsAtOnce + 17
	order := rand.New(rand.NewPCG(7, 8)).Perm(n)
	for _, i := range order {
		r := (&Resource{Address: fmt.Sprintf(`proofylink_verification.person["p%07d"]`, i)}).WithKind(Kind{Mode: "managed", Type: "proofylink_verification", Name: "person", Provider: "proofylink"}).
			WithUpdatedAt(time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC))
		attrs := fmt.Sprintf(`{"email":"p%07d@example.id","full_name":"Nama %d","reference_code":"EMP-%07d","status":"pending"}`, i, i, i)
		if i == n/2 {
			attrs = `{"id":"1"}` // too short to be left in the journal: kept in memory
		}
		r.SetAttributes([]byte(attrs))
		want.Resources[r.Address] = r
		u := Update{Set: []*Resource{r}}
		if err := l.Apply(t.Context(), u); err != nil {
			t.Fatal(err)
		}
		s.Apply(u)
	}
	if got := inFile(s); got != n-1 {
		t.Fatalf("%d records left their attributes in the journal, want %d", got, n-1)
	}
	wantSnap, err := encodeState(want, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeState(&got, s, 1); err != nil || !bytes.Equal(got.Bytes(), wantSnap) {
		t.Fatalf("the state writes as\n%.2000s\n(%v), want\n%.2000s", got.Bytes(), err, wantSnap)
	}
	allocs := testing.AllocsPerRun(2, func() {
		if err := writeState(io.Discard, s, 1); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > n/8 {
		t.Errorf("writing %d records whose attributes are in the journal allocated %.0f times, want at most %d", n, allocs, n/8)
	}
}
