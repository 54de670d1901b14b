package providers

import (
	"cmp"
	"hash/maphash"
	"maps"
	"slices"
	"sync"
)

// ConfigsCheck checks the rules that span resources (two accounts with one
// username) without holding the configurations: the engine adds each one
// as it evaluates it, and the check keeps only what its rules compare (a
// few strings), so a batch of 100,000 accounts is checked without keeping
// 100,000 configurations in memory.
type ConfigsCheck interface {
	// Add notes one configuration. It is called concurrently. order ranks
	// the configurations, each its own: a diagnostic about two of them
	// is on the one of higher order and names the other as the first.
	Add(order int64, req ValidateRequest)
	// Diagnostics checks what was added. It is called once, after every
	// Add.
	Diagnostics() Diagnostics
}

// ConfigsRecheck is implemented by a ConfigsCheck that can be asked again
// of what it was given but some configurations, with others added: a
// plan's pre-pass checks configurations some of which read values only
// its walk knows, then the walk checks its own of those with the others.
type ConfigsRecheck interface {
	// Recheck is a new check holding what this one was given but the
	// configurations of the orders in drop, to which more are added
	// (those orders included) before its Diagnostics. It is called after
	// Diagnostics; nothing is added to this check after it.
	Recheck(drop []int64) ConfigsCheck
}

// AttrsCheck is implemented by a ConfigsCheck whose rules read only a
// configuration's attributes: AddAttrs notes what Add of a request with
// the object of a would note. a is valid during the call only: the engine
// reuses its values' array for another instance's once AddAttrs returns.
type AttrsCheck interface {
	AddAttrs(order int64, typ, addr string, a Attrs)
}

// AddConfig adds the configuration a of the resource at addr to c: by its
// attributes when c is an AttrsCheck, by its object otherwise.
func AddConfig(c ConfigsCheck, order int64, typ, addr string, a Attrs) {
	if ac, ok := c.(AttrsCheck); ok {
		ac.AddAttrs(order, typ, addr, a)
		return
	}
	c.Add(order, ValidateRequest{Type: typ, Addr: addr, Config: a.Object()})
}

// ValidateConfigs runs p's ConfigsCheck over reqs, in their order.
func ValidateConfigs(p Provider, reqs []ValidateRequest) Diagnostics {
	c := p.CheckConfigs()
	for i, r := range reqs {
		c.Add(int64(i), r)
	}
	return c.Diagnostics()
}

// NoConfigsCheck is the ConfigsCheck of a provider with no rule across
// resources.
type NoConfigsCheck struct{}

func (NoConfigsCheck) Add(int64, ValidateRequest)            {}
func (NoConfigsCheck) AddAttrs(int64, string, string, Attrs) {}
func (NoConfigsCheck) Diagnostics() Diagnostics              { return nil }

// Repeats finds the configurations whose key a configuration of lower order
// has: the core of a uniqueness rule. It is safe for concurrent use.
type Repeats[K comparable] struct {
	// shards each hold the entries of a run of orders (repeatsRun of
	// them, then the next shard's), under their own lock: the planner's
	// workers (ten on two cores) add three fields per account, and one
	// lock had them queue and park on it thousands of times a second.
	// The planner's workers each take a run of consecutive instances, so
	// that each mostly adds to a shard the other core does not touch;
	// shards chosen by the key's hash had both cores append to every
	// shard, passing its lock's and tail's cache lines to and fro. Which
	// shard holds an entry matters to nothing else: Each sorts them all.
	shards [repeatsShards]repeatsShard[K]

	// shown holds the shown values an entry does not imply (see
	// impliedShown), by entry: usapi's e-mail written other than in lower
	// case. An entry's address in its chunk does not change.
	shownMu sync.Mutex
	shown   map[*repeatsEntry[K]]string

	// hash, when set, replaces the keys' hash (tests give keys one hash).
	hash func(K) uint64

	// inherited are the chunks of another Repeats this one holds as its
	// own entries (Inherit), but those of the orders in dropped.
	inherited [][]repeatsEntry[K]
	dropped   map[int64]bool
}

type repeatsShard[K comparable] struct {
	mu sync.Mutex
	// chunks hold the entries in arrays of up to repeatsChunk entries:
	// growing one slice to 100,000 entries would copy it over and over.
	chunks [][]repeatsEntry[K]
	_      [64]byte // each lock on its own cache line
}

// repeatsEntry is one Add's. Its shown value is not held: it is the one
// its key implies, or Repeats.shown holds it. Nor is its key's hash: Each
// hashes the key again, twice, rather than an entry hold the hash from
// Add to Each (usapi's entry is 40 bytes instead of 48, three an account:
// 24 MB of the peak of a million accounts, for about 60 ns of CPU an
// entry, the key's bytes read again, scattered over the heap).
type repeatsEntry[K comparable] struct {
	order int64
	addr  string
	key   K
}

// impliedShown is the shown value an entry of key has unless Repeats.shown
// holds another: the key itself when it is a string (usapi's username and
// phone number, an e-mail in lower case), "" otherwise (proofylink's
// subjects, shown as "").
func impliedShown[K comparable](key K) string {
	if k, ok := any(key).(string); ok {
		return k
	}
	return ""
}

const (
	repeatsChunk = 4096
	// repeatsFirstChunk is a shard's first chunk's size; each next one is
	// twice the last, up to repeatsChunk.
	repeatsFirstChunk = 64
	repeatsShards     = 16
	// repeatsRun is how many consecutive orders share a shard: the
	// planner's workers take runs of 64 instances (planner.cpuRun).
	repeatsRun = 64
)

// repeatsSeed seeds the keys' hashes (one per process: the hashes only
// group equal keys, whose equality Each then checks).
var repeatsSeed = maphash.MakeSeed()

// hashOf is key's hash, for Each's sorted pass.
func (r *Repeats[K]) hashOf(key K) uint64 {
	if r.hash != nil {
		return r.hash(key)
	}
	return maphash.Comparable(repeatsSeed, key)
}

// Add notes that the configuration at addr, of the given order, has key;
// shown is what a diagnostic may print of it (the value as written, when
// the key is normalised; "" when it is a secret).
func (r *Repeats[K]) Add(order int64, addr string, key K, shown string) {
	s := &r.shards[uint64(order)/repeatsRun%repeatsShards]
	s.mu.Lock()
	if n := len(s.chunks); n == 0 || len(s.chunks[n-1]) == cap(s.chunks[n-1]) {
		size := repeatsFirstChunk
		if n > 0 {
			size = min(2*cap(s.chunks[n-1]), repeatsChunk)
		}
		s.chunks = append(s.chunks, make([]repeatsEntry[K], 0, size))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, repeatsEntry[K]{order, addr, key})
	e := &(*last)[len(*last)-1]
	s.mu.Unlock()
	if shown != impliedShown(key) {
		r.shownMu.Lock()
		if r.shown == nil {
			r.shown = make(map[*repeatsEntry[K]]string)
		}
		r.shown[e] = shown
		r.shownMu.Unlock()
	}
}

// Inherit makes r, a Repeats nothing was added to yet, hold the entries of
// src but those of the orders in drop, without copying them: src's
// entries are shared, and src must not be added to after. What is added
// to r then joins them, an order of drop included.
func (r *Repeats[K]) Inherit(src *Repeats[K], drop []int64) {
	src.all(func(c []repeatsEntry[K]) { r.inherited = append(r.inherited, c) })
	src.shownMu.Lock()
	if len(src.shown) > 0 {
		r.shown = maps.Clone(src.shown)
	}
	src.shownMu.Unlock()
	r.hash = src.hash
	if len(drop) > 0 {
		r.dropped = make(map[int64]bool, len(drop))
		for _, o := range drop {
			r.dropped[o] = true
		}
	}
}

// all calls fn with every chunk of every shard, the shards locked.
func (r *Repeats[K]) all(fn func(c []repeatsEntry[K])) {
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		for _, c := range s.chunks {
			fn(c)
		}
		s.mu.Unlock()
	}
}

// entries calls fn with every entry r holds: its own, and those it
// inherited but the dropped ones.
func (r *Repeats[K]) entries(fn func(e *repeatsEntry[K])) {
	for _, c := range r.inherited {
		for i := range c {
			if len(r.dropped) == 0 || !r.dropped[c[i].order] {
				fn(&c[i])
			}
		}
	}
	r.all(func(c []repeatsEntry[K]) {
		for i := range c {
			fn(&c[i])
		}
	})
}

// Each calls found, in order, for every configuration whose key one of
// lower order has, with the address of the first that had it and its own
// shown value.
//
// It sorts the entries by their key's hash, then order, and compares
// neighbours: a batch of 1,000,000 accounts is checked without a map of a
// million keys per field (2.1 s of CPU for usapi's three fields, each
// look-up a cache miss). Equal keys have equal hashes, so each key's
// entries end up together, the first in order leading; the keys of a run
// of equal hashes are compared, as two keys may share a hash.
//
// Only the entries whose hash may be another's are sorted: a first pass
// marks each hash's slot in a bitmap (16 slots per entry, by the hash's
// top bits) and the slots met twice, and the entries of a slot met once
// are left out, as no other entry has their hash, let alone their key.
// Of 1,000,000 distinct keys about 6% are sorted (0.9 s of CPU for
// usapi's three fields before, sorting all).
func (r *Repeats[K]) Each(found func(addr, firstAddr string, key K, shown string)) {
	whole := func(k K) (K, bool) { return k, true }
	eachOf(r, whole, r.hashOf, func(e, first *repeatsEntry[K], shown string) {
		found(e.addr, first.addr, e.key, shown)
	})
}

// EachPart is Each of one part of the keys: found is called, in order, for
// every configuration whose key's part one of lower order has, with the
// address of the first that had it, the part, and the shown value its Add
// gave. A key without the part (ok false) is none's repeat nor first. It
// lets a check of several fields keep one entry per configuration, its
// order and address held once (usapi's three fields of an account).
func EachPart[K comparable](r *Repeats[K], part func(K) (p string, ok bool), found func(addr, firstAddr, part, shown string)) {
	hash := func(p string) uint64 { return maphash.String(repeatsSeed, p) }
	eachOf(r, part, hash, func(e, first *repeatsEntry[K], shown string) {
		p, _ := part(e.key)
		found(e.addr, first.addr, p, shown)
	})
}

// eachOf is Each of the part of each key that part gives, hashed by hash.
func eachOf[K, P comparable](r *Repeats[K], part func(K) (P, bool), hash func(P) uint64, found func(e, first *repeatsEntry[K], shown string)) {
	var n int
	r.entries(func(*repeatsEntry[K]) { n++ })
	bits := 6 // log2 of the slots, at least 16 per entry
	for 1<<bits < 16*n {
		bits++
	}
	slot := func(h uint64) uint64 { return h >> (64 - bits) }
	seen := make([]uint64, 1<<bits/64)
	twice := make([]uint64, 1<<bits/64)
	var shared int // entries whose slot another entry has
	r.entries(func(e *repeatsEntry[K]) {
		if p, ok := part(e.key); ok {
			s := slot(hash(p))
			w, b := s/64, uint64(1)<<(s%64)
			switch {
			case seen[w]&b == 0:
				seen[w] |= b
			case twice[w]&b == 0:
				twice[w] |= b
				shared += 2
			default:
				shared++
			}
		}
	})
	seen = nil
	// The sort moves the hash and order with each entry's pointer: its
	// comparisons then read no entry.
	type sorted struct {
		hash  uint64
		order int64
		e     *repeatsEntry[K]
	}
	entries := make([]sorted, 0, shared)
	r.entries(func(e *repeatsEntry[K]) {
		if p, ok := part(e.key); ok {
			if h := hash(p); twice[slot(h)/64]&(1<<(slot(h)%64)) != 0 {
				entries = append(entries, sorted{h, e.order, e})
			}
		}
	})
	twice = nil
	slices.SortFunc(entries, func(a, b sorted) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	type repeat struct{ e, first *repeatsEntry[K] }
	var repeats []repeat
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].hash == entries[i].hash {
			j++
		}
		run := entries[i:j] // one hash, in order
		for k, e := range run[1:] {
			ep, _ := part(e.e.key)
			// The first of e's key, the lowest in order: run[0] unless two
			// keys share the hash.
			for _, f := range run[:k+1] {
				if fp, _ := part(f.e.key); ep == fp {
					repeats = append(repeats, repeat{e.e, f.e})
					break
				}
			}
		}
		i = j
	}
	// Found in the order of the repeats, as a map's pass in order gave them.
	slices.SortFunc(repeats, func(a, b repeat) int { return cmp.Compare(a.e.order, b.e.order) })
	shown := make([]string, len(repeats))
	r.shownMu.Lock()
	for i, rp := range repeats {
		var ok bool
		if shown[i], ok = r.shown[rp.e]; !ok {
			shown[i] = impliedShown(rp.e.key)
		}
	}
	r.shownMu.Unlock()
	for i, rp := range repeats {
		found(rp.e, rp.first, shown[i])
	}
}
