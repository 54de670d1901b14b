package codec

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unique"
	"unsafe"
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

// string returns a string with the bytes b, carved from the block as copy
// carves a slice: the address and digest of 100,000 records in a few
// hundred allocations. The block's bytes handed out are never written
// again, so the string never changes.
func (s *slab) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > slabMax {
		return string(b)
	}
	c := s.copy(b)
	return unsafe.String(&c[0], len(c))
}

// lists shares lists of strings that many records repeat (the addresses
// a resource's instances all depend on): one slice, its capacity its
// length, so that appending to it copies it. Keyed by each string's
// length and bytes.
type lists struct {
	m   map[string][]string
	key []byte
}

// maxListKey bounds the lists shared: the lists worth sharing are short.
const maxListKey = 1024

// share returns a list equal to l (which the caller reuses), shared when
// it can be.
func (ls *lists) share(l []string) []string {
	key := ls.key[:0]
	for _, s := range l {
		if len(key)+len(s) > maxListKey {
			return slices.Clip(slices.Clone(l))
		}
		key = binary.AppendUvarint(key, uint64(len(s)))
		key = append(key, s...)
	}
	ls.key = key
	if shared, ok := ls.m[string(key)]; ok {
		return shared
	}
	shared := slices.Clip(slices.Clone(l))
	if len(ls.m) < maxInterned {
		ls.m[string(key)] = shared
	}
	return shared
}
