package planner

import (
	"hash/maphash"
	"math/bits"
	"strings"

	"github.com/daftar-dev/daftar/state"
)

// recordTable holds one resource's records whose string keys their
// addresses spell plainly (plainInstanceOf: usapi_account.person["p0000000"]),
// each found by the key read from its own address. A slot is a record's
// pointer and a byte of its key's hash: about 12 bytes a record, where a
// map of strings held each key's string header beside the pointer, about
// 32 bytes a record at a million (64 MB of the plan of a million rows with
// dependents, held to its end). Open addressing with linear probing, at
// most three slots in four filled; the table is filled once (insert) and
// then only read, or emptied slot by slot (remove).
type recordTable struct {
	// recs are the records; nil in a slot never filled or removed.
	recs []*state.Resource
	// tags are the low bytes of the slots' keys' hashes, never 0; 0 in a
	// slot never filled (a probe stops there). A removed record's tag
	// stays, so that the probes that went past it still do.
	tags []uint8
	seed maphash.Seed
	n    int // records held
}

// newRecordTable returns a table for n records, nil for none.
func newRecordTable(n int) *recordTable {
	if n == 0 {
		return nil
	}
	size := n + n/3 + 1 // at least one slot is never filled: every probe ends
	return &recordTable{recs: make([]*state.Resource, size), tags: make([]uint8, size), seed: maphash.MakeSeed()}
}

// probe returns where key k's probe starts and its tag. The start is
// read from the hash's high bits, the tag from its low byte: a tag of the
// high bits would be the same for the keys of a run of slots, and tell
// them apart no better than reading each record's address.
func (t *recordTable) probe(k string) (int, uint8) {
	h := maphash.String(t.seed, k)
	home, _ := bits.Mul64(h, uint64(len(t.recs)))
	return int(home), max(uint8(h), 1)
}

// next is the slot after i.
func (t *recordTable) next(i int) int {
	if i++; i == len(t.recs) {
		return 0
	}
	return i
}

// insert adds r under k, which r's address spells (keyInAddress), or puts
// it in place of the record already under k. Not safe for concurrent use.
func (t *recordTable) insert(k string, r *state.Resource) {
	i, tag := t.probe(k)
	for ; t.tags[i] != 0; i = t.next(i) {
		if t.tags[i] == tag && t.recs[i] != nil && spellsKey(t.recs[i].Address, k) {
			t.recs[i] = r
			return
		}
	}
	t.recs[i], t.tags[i] = r, tag
	t.n++
}

// find returns the slot of k's record, -1 when t holds none. A nil t
// holds none.
func (t *recordTable) find(k string) int {
	if t == nil {
		return -1
	}
	i, tag := t.probe(k)
	for ; t.tags[i] != 0; i = t.next(i) {
		if t.tags[i] == tag && t.recs[i] != nil && spellsKey(t.recs[i].Address, k) {
			return i
		}
	}
	return -1
}

// get returns k's record, nil when there is none.
func (t *recordTable) get(k string) *state.Resource {
	if i := t.find(k); i >= 0 {
		return t.recs[i]
	}
	return nil
}

// remove takes k's record out of t, if it holds one.
func (t *recordTable) remove(k string) {
	if i := t.find(k); i >= 0 {
		t.recs[i] = nil
		t.n--
	}
}

// len is how many records t holds.
func (t *recordTable) len() int {
	if t == nil {
		return 0
	}
	return t.n
}

// all yields every key and record of t, in the table's order.
func (t *recordTable) all(yield func(string, *state.Resource) bool) bool {
	if t == nil {
		return true
	}
	for _, r := range t.recs {
		if r != nil && !yield(keyOfAddress(r.Address), r) {
			return false
		}
	}
	return true
}

// spellsKey reports whether address ends with k quoted, "k"], as
// keyInAddress reads it: for an address that spells a plain key (no quote
// within), whether that key is k.
func spellsKey(address, k string) bool {
	n := len(address) - len(k) - 2 // where k would start
	return n >= 1 && address[n-1] == '"' && strings.HasSuffix(address, `"]`) && address[n:len(address)-2] == k
}

// keyOfAddress is the key an address ending with a plain quoted index
// spells (keyInAddress found it there).
func keyOfAddress(address string) string {
	end := len(address) - 2
	return address[strings.LastIndexByte(address[:end], '"')+1 : end]
}
