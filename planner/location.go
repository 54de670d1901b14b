package planner

import (
	"unsafe"

	"github.com/daftar-dev/daftar/state"
)

// byLocation sorts recs by where each record is in memory. A state's
// loader allocates its records in blocks, in its file's order, and their
// addresses beside them: read in that order, the processor fetches the
// next records ahead of the reads, where the map's order (State.Resources)
// made each record and its address a cache miss or two, at a million
// records about 1 s of CPU of the state's index (indexState). The order
// means nothing else: the records are the same, only reached in another
// order. Go's collector does not move what it allocates.
//
// It is a radix sort of the records' locations, eight bits a pass, on as
// many passes as the locations' span needs (a million records in a heap
// of a gigabyte: four), with buf of len(recs) to sort through; it returns
// the sorted slice, which is recs or buf.
func byLocation(recs, buf []*state.Resource) []*state.Resource {
	if len(recs) < 2 {
		return recs
	}
	lo, hi := location(recs[0]), location(recs[0])
	for _, r := range recs[1:] {
		lo, hi = min(lo, location(r)), max(hi, location(r))
	}
	var counts [256]int
	for shift := uint(0); shift < 64 && (hi-lo)>>shift != 0; shift += 8 {
		clear(counts[:])
		for _, r := range recs {
			counts[(location(r)-lo)>>shift&0xff]++
		}
		pos := 0
		for i, c := range counts {
			counts[i], pos = pos, pos+c
		}
		for _, r := range recs {
			d := (location(r) - lo) >> shift & 0xff
			buf[counts[d]] = r
			counts[d]++
		}
		recs, buf = buf, recs
	}
	return recs
}

// location is where r is in memory.
func location(r *state.Resource) uintptr { return uintptr(unsafe.Pointer(r)) }
