package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEncodeInRangesIsOneSort: a state encoded a range of addresses at a
// time (encodeResources, addressRanges) is the state sorted at once, byte
// for byte, whatever the sizes of the ranges: addresses that are prefixes
// of one another, the empty-keyed and the unkeyed, equal bounds, ranges
// of one record. A range bound excluded twice, or a record left out of
// every range, fails it (and the count check refuses to write it).
func TestEncodeInRangesIsOneSort(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	s := New()
	add := func(addr string) {
		s.Resources[addr] = (&Resource{Address: addr}).WithKind(Kind{Mode: "managed", Type: "t", Name: "n", Provider: "p"}).WithUpdatedAt(time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)).WithAttributes([]byte(fmt.Sprintf(`{"id":%q}`, addr)))
	}
	for i := range 3000 {
		add(fmt.Sprintf(`usapi_account.person["p%d"]`, rnd.IntN(100000)))
		if i%7 == 0 {
			add(fmt.Sprintf(`proofylink_verification.person["p%d"]`, i))
		}
	}
	for _, a := range []string{`a`, `a.b`, `a.b[""]`, `a.b["a"]`, `usapi_account.person`, `usapi_account.person["p1"]`, `usapi_account.person["p10"]`, `~`} {
		add(a)
	}
	defer func(n int) { sortedAtOnce = n }(sortedAtOnce)
	sortedAtOnce = len(s.Resources) + 1
	if b := addressRanges(s.Resources); b != nil {
		t.Fatalf("a state smaller than a range split into %d ranges", len(b)+1)
	}
	want, err := encodeState(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !sortedLines(want) {
		t.Fatal("the records sorted at once are not in order")
	}
	for _, n := range []int{3, 10, 97, 1000, len(s.Resources) - 1} {
		sortedAtOnce = n
		bounds := addressRanges(s.Resources)
		if k := (len(s.Resources) + n - 1) / n; len(bounds) == 0 || len(bounds) > k-1 || !slices.IsSorted(bounds) || len(slices.Compact(slices.Clone(bounds))) != len(bounds) {
			t.Fatalf("ranges of %d: %d bounds, want 1 to %d, sorted, distinct", n, len(bounds), k-1)
		}
		for range 3 { // each walk starts its sample elsewhere
			got, err := encodeState(s, 3)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("ranges of %d records: the state encodes otherwise (%v)", n, err)
			}
			var buf bytes.Buffer
			if err := writeState(&buf, s, 3); err != nil || !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("ranges of %d records: writeState writes otherwise (%v)", n, err)
			}
		}
	}
}

// sortedLines reports whether the snapshot's resource lines are in
// strictly increasing order of address.
func sortedLines(data []byte) bool {
	var prev string
	for _, line := range strings.Split(string(data), "\n") {
		var r struct{ Address string }
		if !strings.HasPrefix(line, `    {"address":`) || json.Unmarshal([]byte(strings.TrimSuffix(line, ",")), &r) != nil {
			continue
		}
		if a := r.Address; prev != "" && a <= prev {
			return false
		}
		prev = r.Address
	}
	return prev != ""
}
