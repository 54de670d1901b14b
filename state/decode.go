package state

import (
	"bytes"
	"encoding/json"
	"runtime"
	"sync"
	"sync/atomic"
	"unique"

	"github.com/daftar-dev/daftar/internal/codec"
)

// Loading a large snapshot with one json.Unmarshal costs most of a plan
// that changes nothing: encoding/json checks the whole document, then
// decodes it by reflection on one core, and every resource gets its own
// copies of "managed", of its type, name and provider, and of its
// attributes with their indentation. decodeFast reads the same documents
// faster: it finds the elements of the "resources" array (scan.go),
// decodes them on every core, shares the strings that repeat, and keeps
// attributes compacted. It accepts a document only when json.Unmarshal
// would give the same snapshot; for anything else (damage above all) it
// declines, and decodeState decodes with encoding/json, whose errors the
// user sees.

// chunkSize is how many resources a worker decodes at a time: enough that
// handing out chunks costs nothing, few enough that the workers finish
// together.
const chunkSize = 512

// decodeFast decodes a snapshot as json.Unmarshal would, or reports false.
func decodeFast(data []byte) (*snapshot, bool) {
	array, elems, ok := codec.FindArray(data, "resources")
	if !ok {
		return nil, false
	}
	// The rest of the document is small (the outputs above all):
	// encoding/json decodes it, with the array emptied.
	rest := make([]byte, 0, len(data)-(array.End-array.Start)+2)
	rest = append(rest, data[:array.Start]...)
	rest = append(rest, "[]"...)
	rest = append(rest, data[array.End:]...)
	var d snapshot
	if err := json.Unmarshal(rest, &d); err != nil {
		return nil, false
	}
	if d.Resources, ok = decodeResources(data, elems); !ok {
		return nil, false
	}
	return &d, true
}

// decodeResources decodes the elements of the resources array on
// runtime.GOMAXPROCS workers, a chunk at a time, keeping their order.
func decodeResources(data []byte, elems []codec.Span) ([]*Resource, bool) {
	out := make([]*Resource, len(elems))
	chunks := (len(elems) + chunkSize - 1) / chunkSize
	if chunks <= 1 {
		return out, newResourceDecoder().decodeChunk(data, elems, out)
	}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	// Every worker's decoder, with the unique.Handles of the strings it
	// shared, lives until all are done: a string's canonical copy lasts
	// while a handle to it does, so a worker that shares "managed" after
	// another let go of it could otherwise get a copy of its own.
	decoders := make([]*resourceDecoder, min(runtime.GOMAXPROCS(0), chunks))
	for w := range decoders {
		decoders[w] = newResourceDecoder()
		wg.Go(func() {
			d := decoders[w]
			for !failed.Load() {
				c := int(next.Add(1)) - 1
				if c >= chunks {
					return
				}
				lo, hi := c*chunkSize, min((c+1)*chunkSize, len(elems))
				if !d.decodeChunk(data, elems[lo:hi], out[lo:hi]) {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	runtime.KeepAlive(decoders)
	return out, !failed.Load()
}

// resourceDecoder decodes resources; each worker has its own.
type resourceDecoder struct {
	strings interner
	bytes   slab
	scratch []byte // a value being compacted or unescaped
}

func newResourceDecoder() *resourceDecoder {
	return &resourceDecoder{strings: interner{}}
}

// decodeChunk decodes the elements elems of data into out. The resources
// of a chunk are allocated together: one allocation instead of hundreds.
// A resource without an address (or a null) is declined: fromSnapshot
// refuses it, and encoding/json tells which.
func (d *resourceDecoder) decodeChunk(data []byte, elems []codec.Span, out []*Resource) bool {
	block := make([]Resource, len(elems))
	for i, e := range elems {
		r := &block[i]
		if !d.decode(data[e.Start:e.End], r) || r.Address == "" {
			return false
		}
		out[i] = r
	}
	return true
}

// decode decodes one element into r as json.Unmarshal would: with
// decodeResource for the resources daftar writes, with json.Unmarshal for
// anything decodeResource declines. false means the element is not valid.
func (d *resourceDecoder) decode(elem []byte, r *Resource) bool {
	if d.decodeResource(elem, r) {
		return true
	}
	*r = Resource{}
	if err := json.Unmarshal(elem, r); err != nil {
		return false
	}
	d.tidy(r)
	return true
}

// tidy shares the repeated strings of a resource decoded by
// json.Unmarshal and compacts its JSON values, as decodeResource does.
func (d *resourceDecoder) tidy(r *Resource) {
	r.Mode = d.strings.share(r.Mode)
	r.Type = d.strings.share(r.Type)
	r.Name = d.strings.share(r.Name)
	r.Provider = d.strings.share(r.Provider)
	for i, dep := range r.Dependencies {
		r.Dependencies[i] = d.strings.share(dep)
	}
	r.IndexKey = d.compacted(r.IndexKey)
	r.Attributes = d.compacted(r.Attributes)
}

// compacted returns v without whitespace between its tokens. v is valid
// JSON (json.Unmarshal checked it).
func (d *resourceDecoder) compacted(v json.RawMessage) json.RawMessage {
	if !hasSpaceOutsideStrings(v) {
		return v
	}
	buf := bytes.NewBuffer(d.scratch[:0])
	if err := json.Compact(buf, v); err != nil {
		return v
	}
	d.scratch = buf.Bytes()
	return d.bytes.copy(d.scratch)
}

// hasSpaceOutsideStrings reports whether the JSON value v has whitespace
// between its tokens.
func hasSpaceOutsideStrings(v []byte) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ' ', '\n', '\r', '\t':
			return true
		case '"':
			if i = codec.SkipString(v, i); i < 0 {
				return false
			}
			i-- // the loop steps over the closing quote
		}
	}
	return false
}

// interner shares strings that many resources repeat ("managed", a type, a
// name, a provider, an address depended on): 100,000 resources then hold
// one copy each instead of 100,000. unique.Make gives one copy across
// workers, as long as a handle to it lives (the map keeps its handles, and
// decodeResources keeps every worker's map until all are done); the map
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
