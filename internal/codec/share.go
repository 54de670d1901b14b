package codec

import (
	"bytes"
	"unique"
)

// interner shares strings that many resources repeat ("managed", a type, a
// name, a provider, an address depended on): 100,000 resources then hold
// one copy each instead of 100,000. unique.Make gives one copy across
// workers, as long as a handle to it lives (the map keeps its handles, and
// DecodeArray keeps every worker's map until all are done); the map
// also spares unique.Make's cost for strings already met.
type interner map[string]unique.Handle[string]

// Only short strings are shared, and at most maxInterned of them per
// worker: the strings worth sharing are few and short.
const (
	maxInternLen = 256
	maxInterned  = 4096
)

// intern returns the string with the bytes b, shared when it can be.
func (in interner) intern(b []byte) string {
	if h, ok := in[string(b)]; ok { // the conversion does not allocate
		return h.Value()
	}
	if len(b) > maxInternLen || len(in) >= maxInterned {
		return string(b)
	}
	h := unique.Make(string(b))
	in[h.Value()] = h
	return h.Value()
}

// share is intern for a string already made.
func (in interner) share(s string) string {
	if h, ok := in[s]; ok {
		return h.Value()
	}
	if len(s) > maxInternLen || len(in) >= maxInterned {
		return s
	}
	h := unique.Make(s)
	in[h.Value()] = h
	return h.Value()
}

// slab hands out small byte slices carved from larger blocks, so that the
// attributes of 100,000 resources take a few hundred allocations, without
// the rounding up to a size class each would pay alone.
type slab struct {
	block []byte
}

const (
	slabBlock = 64 << 10
	// slabMax is the largest value carved from a block; a larger one has
	// its own allocation, so that a block wastes at most this much.
	slabMax = 4 << 10
)

// copy returns a copy of b. Its capacity is its length, so that appending
// to it copies it rather than writing over the next value in the block.
func (s *slab) copy(b []byte) []byte {
	if len(b) > slabMax {
		return bytes.Clone(b)
	}
	if cap(s.block)-len(s.block) < len(b) {
		s.block = make([]byte, 0, slabBlock)
	}
	start := len(s.block)
	s.block = append(s.block, b...)
	return s.block[start:len(s.block):len(s.block)]
}
