package planner

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/providers"
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
	if p.req.Digester == nil || r.addr.Mode != addrs.Managed || len(r.deps) > 0 || r.prov == nil || r.cfg == nil ||
		cfg == cty.NilVal || !whollyKnown(cfg) {
		return ""
	}
	pc := r.prov.config
	if pc == cty.NilVal || !pc.IsWhollyKnown() {
		return ""
	}
	pi, ok := r.prov.p.(providers.PlanInputs)
	if !ok {
		return ""
	}
	extra, ok := pi.PlanInputs(r.addr.Type, cfg)
	if !ok {
		return ""
	}
	cb, err := appendCanonical(make([]byte, 0, 256), cfg)
	if err != nil {
		return ""
	}
	pb, err := ctymsgpack.Marshal(pc, pc.Type())
	if err != nil {
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
	ignore := []byte(strconv.FormatBool(r.cfg.IgnoreAllChanges))
	for _, t := range r.cfg.IgnoreChanges {
		ignore = append(append(ignore, 0), pathString(traversalPath(t))...)
	}
	h := sha256.New()
	writeField(h, "instance", []byte(st.Addr()), []byte(r.prov.name), cb, marks, pb, ignore, extra)
	return p.req.Digester.Digest("instance-config", h.Sum(nil))
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

// whollyKnown is cty's IsWhollyKnown without the sorted walk for objects
// of primitives.
func whollyKnown(v cty.Value) bool {
	switch ty := v.Type(); {
	case !v.IsKnown():
		return false
	case v.IsNull() || ty.IsPrimitiveType():
		return true
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if !whollyKnown(v.GetAttr(name)) {
				return false
			}
		}
		return true
	}
	return v.IsWhollyKnown()
}

// appendCanonical appends an encoding of v (unmarked, wholly known) that
// differs between any two values: a tag per kind, lengths before contents,
// an object's attributes in name order. What is neither an object nor a
// primitive is encoded as cty's msgpack of its type.
func appendCanonical(b []byte, v cty.Value) ([]byte, error) {
	ty := v.Type()
	switch {
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
		names := slices.Sorted(maps.Keys(ty.AttributeTypes()))
		b = binary.AppendUvarint(append(b, 'o'), uint64(len(names)))
		for _, name := range names {
			b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
			var err error
			if b, err = appendCanonical(b, v.GetAttr(name)); err != nil {
				return nil, err
			}
		}
	default:
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

// appendCanonicalType appends the JSON spelling of ty, length first.
func appendCanonicalType(b []byte, ty cty.Type) ([]byte, error) {
	j, err := ty.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return append(binary.AppendUvarint(b, uint64(len(j))), j...), nil
}
