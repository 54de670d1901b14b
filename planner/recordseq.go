package planner

import (
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/state"
)

// A batch's records are looked up by key in key order, a range of
// neighbouring keys at a time: the pre-pass looks up each of a million
// instances' records once, and the plan's end checks each kept one again
// (compact.current). In the table (recordTable) each look-up is a hash, a
// slot and a record that are anywhere in memory, about half a microsecond
// of cache misses, 1.1 s of CPU at two million records. The state's file
// holds the records sorted by address, which sorts a batch's plain keys
// as the configuration does, and its loader allocated them in that order:
// the records in the file's order (recordSeq) are met one after another
// by a walk in key order, as a merge of two sorted lists.

// seqMin is the fewest plain records a resource's recordSeq is made for.
const seqMin = rangeMin

// recordSeq returns the records of lists whose place in their file is
// known (state.Resource.FileOrder), in the file's order; nil when fewer
// than seqMin are. The sort is a radix sort of each record's place packed
// in one word with where it is in lists (the list, then the record in it):
// the records themselves are read once, in the order given (their order
// in memory, byLocation), and the sort holds nothing but the words.
func recordSeq(lists [][]plainRec) []*state.Resource {
	const (
		posBits  = 12 // a record's index in its list (indexState's lists hold up to rangeMin)
		listBits = 13 // its list's
		idxBits  = posBits + listBits
	)
	n, longest := 0, 0
	for _, l := range lists {
		n, longest = n+len(l), max(longest, len(l))
	}
	if n < seqMin || longest > 1<<posBits || len(lists) > 1<<listBits {
		return nil
	}
	words := make([]uint64, 0, n)
	lo, hi := ^uint64(0), uint64(0)
	for li, l := range lists {
		for pi, pr := range l {
			pos, ok := pr.r.FileOrder()
			if !ok || pos >= 1<<(64-idxBits) {
				continue
			}
			lo, hi = min(lo, pos), max(hi, pos)
			words = append(words, pos<<idxBits|uint64(li)<<posBits|uint64(pi))
		}
	}
	if len(words) < seqMin {
		return nil
	}
	words = radixSortHigh(words, make([]uint64, len(words)), idxBits, lo<<idxBits, hi<<idxBits)
	seq := make([]*state.Resource, len(words))
	for i, w := range words {
		seq[i] = lists[w>>posBits&(1<<listBits-1)][w&(1<<posBits-1)].r
	}
	return seq
}

// radixSortHigh sorts words by their bits from low up (those below are
// carried along), eight bits a pass, on as many passes as the span from lo
// to hi (every word's value) needs, through buf of len(words); it returns
// the sorted slice, words or buf.
func radixSortHigh(words, buf []uint64, low uint, lo, hi uint64) []uint64 {
	var counts [256]int
	for shift := low; shift < 64 && (hi-lo)>>shift != 0; shift += 8 {
		clear(counts[:])
		for _, w := range words {
			counts[(w-lo)>>shift&0xff]++
		}
		pos := 0
		for i, c := range counts {
			counts[i], pos = pos, pos+c
		}
		for _, w := range words {
			d := (w - lo) >> shift & 0xff
			buf[counts[d]] = w
			counts[d]++
		}
		words, buf = buf, words
	}
	return words
}

// seqWalk is how many records a look-up in key order steps over before
// it searches for its key instead (a range of keys that left the state,
// or keys the file orders otherwise).
const seqWalk = 16

// lookup calls found with the record of each of keys[lo:hi] (nil when
// none) that need holds (need nil: every key), in order: what get gives
// each, found from the records in the file's order (seq) where their keys
// are met in turn, else by get.
func (m *instRecords) lookup(keys []instanceKey, need []bool, lo, hi int, found func(i int, r *state.Resource)) {
	var seq []*state.Resource
	if m != nil {
		seq = m.seq
	}
	j := -1 // where in seq the next key is looked for; -1: to be searched
	for i := lo; i < hi; i++ {
		if need != nil && !need[i] {
			continue
		}
		s, ok := keys[i].key.(addrs.StringKey)
		if !ok || len(seq) == 0 {
			found(i, m.get(keys[i].key))
			continue
		}
		k := string(s)
		if j >= 0 {
			for n := 0; j < len(seq) && keyOfAddress(seq[j].Address) < k; n++ {
				if n == seqWalk {
					j = -1
					break
				}
				j++
			}
		}
		if j < 0 {
			j = searchSeq(seq, k)
		}
		if j < len(seq) && spellsKey(seq[j].Address, k) {
			found(i, seq[j])
			j++
			continue
		}
		found(i, m.get(keys[i].key))
	}
}

// searchSeq is where k is in seq, or would be: the first record whose key
// is not below k's, in the file's order (which a binary search takes to be
// the keys'; a record it misses is found by get).
func searchSeq(seq []*state.Resource, k string) int {
	i, j := 0, len(seq)
	for i < j {
		h := int(uint(i+j) >> 1)
		if keyOfAddress(seq[h].Address) < k {
			i = h + 1
		} else {
			j = h
		}
	}
	return i
}
