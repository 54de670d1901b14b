package state

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// resourceMore holds a Resource's fields that are seldom set: a record of
// a batch has none (a root module's resource, applied without sensitive
// values of the configuration or dependencies), and holds no block. A
// block is never changed once a record holds it (records copied by value
// share it): the setters give the record a new one.
type resourceMore struct {
	// Module is the module instance that holds the resource
	// (module.hire["ani"]), as Terraform records it; empty in the root
	// module. Address holds it too.
	Module string `json:"module,omitempty"`
	// SensitivePaths are the attribute paths whose values came from
	// sensitive values of the configuration (a sensitive variable), beyond
	// those the provider's schema marks sensitive: show and state show hide
	// them. Each path is a list of steps: an attribute name (a string), a
	// list index (a number), or a map key ({"key": "..."}).
	SensitivePaths [][]any `json:"sensitive_paths,omitempty"`
	// Dependencies are the resource addresses this instance depended on
	// when it was last applied.
	Dependencies []string `json:"dependencies,omitempty"`
	// Pending is an intent to create whose outcome is unknown: an apply
	// wrote it before sending a non-idempotent request and stopped before
	// recording the answer. It must be resolved against the remote before
	// anything is created again for this address.
	Pending *Intent `json:"pending,omitempty"`
	// indexKey is the record's index key when its address does not end
	// with it (keyLen 0).
	indexKey json.RawMessage
	// updatedAt is the record's UpdatedAt when not in UTC (timeForm
	// timeMore): kept as it was, its zone written as it was read.
	updatedAt time.Time
	// digestText is the record's configuration digest when it is not
	// written as daftar writes one (configdigest.go): no part of the
	// JSON of the block, the record writes it.
	digestText string
}

// empty reports whether m holds nothing (nil slices: an empty list read
// from a state is kept as it was read).
func (m *resourceMore) empty() bool {
	return m.onlyDependencies() && m.Dependencies == nil
}

// onlyDependencies reports whether m holds nothing but Dependencies (nil,
// empty or not): a block records may share.
func (m *resourceMore) onlyDependencies() bool {
	return m.Module == "" && m.SensitivePaths == nil && m.digestText == "" && m.Pending == nil && m.indexKey == nil && m.updatedAt.IsZero()
}

// Module is the module instance that holds the resource
// (module.hire["ani"]), as Terraform records it; empty in the root module.
// Address holds it too.
func (r *Resource) Module() string {
	if r.more == nil {
		return ""
	}
	return r.more.Module
}

// SensitivePaths are the attribute paths whose values came from sensitive
// values of the configuration (a sensitive variable), beyond those the
// provider's schema marks sensitive: show and state show hide them. Each
// path is a list of steps: an attribute name (a string), a list index (a
// number), or a map key ({"key": "..."}). The caller must not change them.
func (r *Resource) SensitivePaths() [][]any {
	if r.more == nil {
		return nil
	}
	return r.more.SensitivePaths
}

// Dependencies are the resource addresses this instance depended on when
// it was last applied. The caller must not change them.
func (r *Resource) Dependencies() []string {
	if r.more == nil {
		return nil
	}
	return r.more.Dependencies
}

// SetModule sets Module.
func (r *Resource) SetModule(m string) { r.setMore(func(x *resourceMore) { x.Module = m }) }

// SetSensitivePaths sets SensitivePaths; the record keeps p.
func (r *Resource) SetSensitivePaths(p [][]any) {
	r.setMore(func(x *resourceMore) { x.SensitivePaths = p })
}

// SetDependencies sets Dependencies; the record keeps d.
func (r *Resource) SetDependencies(d []string) {
	r.setMore(func(x *resourceMore) { x.Dependencies = d })
}

// setMore gives r a new block with what set changes (never the one it
// holds, which copies of r may share), or none when all is empty.
func (r *Resource) setMore(set func(*resourceMore)) {
	var m resourceMore
	if r.more != nil {
		m = *r.more
	}
	set(&m)
	switch {
	case m.empty():
		r.more = nil
	case m.onlyDependencies() && len(m.Dependencies) == 0:
		r.more = noDependencies // what apply records for a resource that depends on nothing
	case m.onlyDependencies():
		r.more = sharedDependencies(m.Dependencies)
	default:
		r.more = &m
	}
}

// lastDependencies is the last block sharedDependencies made.
var lastDependencies atomic.Pointer[resourceMore]

// sharedDependencies is a block whose one field set is the dependencies
// d: the last one made when its dependencies are d's, which records then
// share (blocks are never changed). Apply records every instance of a
// resource with the same dependencies (a verification per row, each
// "usapi_account.person"): at a million records, a block and a list each
// (about 100 bytes) not held.
func sharedDependencies(d []string) *resourceMore {
	if last := lastDependencies.Load(); last != nil && slices.Equal(last.Dependencies, d) {
		return last
	}
	m := &resourceMore{Dependencies: d}
	lastDependencies.Store(m)
	return m
}

// noDependencies is the block of the records whose one field set is an
// empty list of dependencies (blocks are never changed: records share it).
var noDependencies = &resourceMore{Dependencies: []string{}}

// moreOf is resourceCodec's access to the block.
func moreOf(r *Resource) **resourceMore { return &r.more }

// spareMore holds blocks the decoder made for records that were then given
// a block shared with others (sharingBlocks), zeroed, for the decoder's
// next records (newMore): a million verifications each depending on its
// account made a block each, 144 bytes of garbage a record, 140 MB of the
// load's heap before its first collection.
var spareMore sync.Pool

// newMore is a zero block, a spare one when there is one.
func newMore() *resourceMore {
	if m, ok := spareMore.Get().(*resourceMore); ok {
		return m
	}
	return new(resourceMore)
}

// freeMore gives m, which nothing holds any more, to newMore.
func freeMore(m *resourceMore) {
	*m = resourceMore{}
	spareMore.Put(m)
}

// WithModule, WithSensitivePaths and WithDependencies set the field and
// return r, as WithAttributes does: (&state.Resource{...}).WithDependencies(d).
func (r *Resource) WithModule(m string) *Resource { r.SetModule(m); return r }

func (r *Resource) WithSensitivePaths(p [][]any) *Resource { r.SetSensitivePaths(p); return r }

func (r *Resource) WithDependencies(d []string) *Resource { r.SetDependencies(d); return r }
