package providers

import (
	"cmp"
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

// AttrsCheck is implemented by a ConfigsCheck whose rules read only a
// configuration's attributes: AddAttrs notes what Add of a request with
// the object of a would note.
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
	mu sync.Mutex
	// chunks hold the entries in fixed-size arrays: growing one slice to
	// 100,000 entries would copy it over and over.
	chunks [][]repeatsEntry[K]
}

type repeatsEntry[K comparable] struct {
	order int64
	addr  string
	key   K
	shown string
}

const repeatsChunk = 4096

// Add notes that the configuration at addr, of the given order, has key;
// shown is what a diagnostic may print of it (the value as written, when
// the key is normalised; "" when it is a secret).
func (r *Repeats[K]) Add(order int64, addr string, key K, shown string) {
	r.mu.Lock()
	if n := len(r.chunks); n == 0 || len(r.chunks[n-1]) == repeatsChunk {
		r.chunks = append(r.chunks, make([]repeatsEntry[K], 0, repeatsChunk))
	}
	last := &r.chunks[len(r.chunks)-1]
	*last = append(*last, repeatsEntry[K]{order, addr, key, shown})
	r.mu.Unlock()
}

// Each calls found, in order, for every configuration whose key one of
// lower order has, with the address of the first that had it and its own
// shown value.
func (r *Repeats[K]) Each(found func(addr, firstAddr string, key K, shown string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int
	for _, c := range r.chunks {
		n += len(c)
	}
	entries := make([]*repeatsEntry[K], 0, n)
	for _, c := range r.chunks {
		for i := range c {
			entries = append(entries, &c[i])
		}
	}
	slices.SortFunc(entries, func(a, b *repeatsEntry[K]) int { return cmp.Compare(a.order, b.order) })
	first := make(map[K]string, n)
	for _, e := range entries {
		if addr, seen := first[e.key]; seen {
			found(e.addr, addr, e.key, e.shown)
			continue
		}
		first[e.key] = e.addr
	}
}
