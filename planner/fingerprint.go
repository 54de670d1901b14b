package planner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// An unchanged instance of a batch is planned without its provider. Apply
// stores with each instance it applied cleanly a keyed digest of what its
// plan depended on (state.Resource.ConfigDigest): its address, its
// evaluated configuration and the paths of its sensitive values, its
// provider's configuration, its lifecycle.ignore_changes, and what the
// provider declares its plan reads besides (providers.PlanInputs: files,
// its version). A plan that computes the same digest knows the provider
// would plan a no-op against the stored value, unless the remote changed:
// so refresh still runs, and a refreshed change, a pending intent or
// -replace plans in full. The pre-pass does not validate such an instance
// again either: the same configuration passed validation when it was
// applied.

// fingerprint is the instance's configuration digest, or "" when the
// instance must be planned in full: no digest key, a data source, a
// resource that depends on others (its configuration at apply may differ
// from the planned one), a configuration not wholly known, or a provider
// that does not implement providers.PlanInputs or declines.
func (p *planner) fingerprint(st *Step, cfg cty.Value) string {
	r := st.res
	if p.req.Digester == nil || r.addr.Mode != addrs.Managed || len(r.deps) > 0 || r.prov == nil || r.cfg == nil || cfg == cty.NilVal {
		return ""
	}
	fixed := r.fingerprintInputs()
	if fixed == nil {
		return ""
	}
	pi, ok := r.prov.p.(providers.PlanInputs)
	if !ok {
		return ""
	}
	bp := fingerprintBuffers.Get().(*[]byte)
	defer fingerprintBuffers.Put(bp)
	cb, err := fixed.config.append((*bp)[:0], cfg)
	if err != nil {
		return "" // not wholly known
	}
	extra, ok := pi.PlanInputs(r.addr.Type, cfg)
	if !ok {
		return ""
	}
	var marks []byte
	if len(st.marks) > 0 {
		paths := make([][]any, len(st.marks))
		for i, m := range st.marks {
			paths[i] = plans.EncodePath(m.Path)
		}
		if marks, err = json.Marshal(paths); err != nil {
			return ""
		}
	}
	// The fields follow the configuration in the same buffer, and are
	// hashed as writeField would hash them.
	msg := appendField(cb, "instance", []byte(st.Addr()), []byte(r.prov.name), cb, marks, fixed.provider, fixed.ignore, extra)
	*bp = msg
	sum := sha256.Sum256(msg[len(cb):])
	return p.req.Digester.Digest("instance-config", sum[:])
}

// fingerprintBuffers are the buffers fingerprints are encoded in, one per
// concurrent fingerprint rather than one allocation per instance.
var fingerprintBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// fingerprintFixed is what a resource's instances' fingerprints share: the
// encoding of its provider's configuration and of its ignore_changes.
type fingerprintFixed struct {
	provider, ignore []byte
	// config encodes configurations of the type the resource's schema
	// implies.
	config *canonicalEncoder
}

// fingerprintInputs encodes, once per resource, what its instances'
// fingerprints share; nil when the provider's configuration is not wholly
// known (no instance has a fingerprint then).
func (r *resource) fingerprintInputs() *fingerprintFixed {
	r.fpOnce.Do(func() {
		pc := r.prov.config
		if pc == cty.NilVal || !pc.IsWhollyKnown() {
			return
		}
		pb, err := ctymsgpack.Marshal(pc, pc.Type())
		if err != nil {
			return
		}
		ignore := []byte(strconv.FormatBool(r.cfg.IgnoreAllChanges))
		for _, t := range r.cfg.IgnoreChanges {
			ignore = append(append(ignore, 0), pathString(traversalPath(t))...)
		}
		r.fpFixed = &fingerprintFixed{provider: pb, ignore: ignore, config: newCanonicalEncoder(hcldec.ImpliedType(r.spec))}
	})
	return r.fpFixed
}

// sameDigest reports whether the stored instance of r at key holds digest
// fp and no pending intent.
func (idx *stateIndex) sameDigest(r addrs.Resource, key addrs.Key, fp string) bool {
	if fp == "" {
		return false
	}
	rec := idx.byRes[r][key]
	return rec != nil && rec.Pending == nil && rec.ConfigDigest == fp
}

// unchangedSinceApply reports whether an instance may be planned as a
// no-op without its provider: its stored digest is its configuration's,
// with no pending intent, no -replace, and a prior value refresh did not
// change.
func unchangedSinceApply(st *Step, prior cty.Value, forced bool) bool {
	rec := st.Stored
	return st.fp != "" && rec != nil && rec.Pending == nil && rec.ConfigDigest == st.fp &&
		!forced && !st.Persist && !prior.IsNull()
}

// errNotKnown is appendCanonical's answer for a value not wholly known.
var errNotKnown = errors.New("value not wholly known")

// appendCanonical appends an encoding of v (unmarked) that differs
// between any two values: a tag per kind, lengths before contents, an
// object's attributes in name order. What is neither an object nor a
// primitive is encoded as cty's msgpack of its type. A value not wholly
// known gives errNotKnown.
func appendCanonical(b []byte, v cty.Value) ([]byte, error) {
	ty := v.Type()
	switch {
	case !v.IsKnown():
		return nil, errNotKnown
	case v.IsNull() && ty.IsPrimitiveType():
		return append(b, 'n', ty.FriendlyName()[0]), nil // string, number, bool
	case v.IsNull():
		b = append(b, 'n')
		return appendCanonicalType(b, ty)
	case ty == cty.String:
		s := v.AsString()
		b = append(binary.AppendUvarint(append(b, 's'), uint64(len(s))), s...)
	case ty == cty.Bool:
		if v.True() {
			return append(b, 't'), nil
		}
		return append(b, 'f'), nil
	case ty == cty.Number:
		s := v.AsBigFloat().Text('g', -1)
		b = append(binary.AppendUvarint(append(b, 'd'), uint64(len(s))), s...)
	case ty.IsObjectType():
		var buf [32]string
		names := buf[:0]
		for name := range ty.AttributeTypes() {
			names = append(names, name)
		}
		slices.Sort(names)
		b = binary.AppendUvarint(append(b, 'o'), uint64(len(names)))
		for _, name := range names {
			b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
			var err error
			if b, err = appendCanonical(b, v.GetAttr(name)); err != nil {
				return nil, err
			}
		}
	default:
		if !v.IsWhollyKnown() {
			return nil, errNotKnown
		}
		m, err := ctymsgpack.Marshal(v, ty)
		if err != nil {
			return nil, err
		}
		if b, err = appendCanonicalType(append(b, 'm'), ty); err != nil {
			return nil, err
		}
		b = append(binary.AppendUvarint(b, uint64(len(m))), m...)
	}
	return b, nil
}

// canonicalEncoder is appendCanonical prepared for the values of one type:
// every configuration of a resource has the type its schema implies, so
// the sorted attribute names of its objects, and the encoding of a null
// object, are found once per resource rather than once per instance. The
// bytes are appendCanonical's; a value of another type is handed to it.
type canonicalEncoder struct {
	ty cty.Type
	// null is the encoding of a null of ty.
	null []byte
	// names are an object type's attribute names, sorted; attrs their
	// encoders.
	names []string
	attrs []*canonicalEncoder
}

func newCanonicalEncoder(ty cty.Type) *canonicalEncoder {
	e := &canonicalEncoder{ty: ty}
	e.null, _ = appendCanonical(nil, cty.NullVal(ty))
	if ty.IsObjectType() {
		e.names = slices.Sorted(maps.Keys(ty.AttributeTypes()))
		for _, name := range e.names {
			e.attrs = append(e.attrs, newCanonicalEncoder(ty.AttributeType(name)))
		}
	}
	return e
}

// append appends appendCanonical's encoding of v.
func (e *canonicalEncoder) append(b []byte, v cty.Value) ([]byte, error) {
	ty := v.Type()
	switch {
	case e.names == nil || !ty.IsObjectType():
		return appendCanonical(b, v)
	case !v.IsKnown():
		return nil, errNotKnown
	case v.IsNull() && ty.Equals(e.ty):
		return append(b, e.null...), nil
	case v.IsNull() || len(ty.AttributeTypes()) != len(e.names):
		return appendCanonical(b, v)
	}
	for _, name := range e.names {
		if !ty.HasAttribute(name) {
			return appendCanonical(b, v)
		}
	}
	b = binary.AppendUvarint(append(b, 'o'), uint64(len(e.names)))
	for i, name := range e.names {
		b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
		var err error
		if b, err = e.attrs[i].append(b, v.GetAttr(name)); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendCanonicalType appends the JSON spelling of ty, length first.
func appendCanonicalType(b []byte, ty cty.Type) ([]byte, error) {
	j, err := ty.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(b, uint64(len(j))), j...), nil
}
