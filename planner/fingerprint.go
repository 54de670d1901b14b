package planner

import (
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/marks"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/secrets"
	"github.com/daftar-dev/daftar/providers"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
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
// -replace plans in full. Neither the pre-pass nor the walk validates
// such an instance again: the same configuration passed validation when
// it was applied.
//
// An instance of a resource that depends on others is digested the same
// way: its evaluated configuration holds what it read of them (the
// e-mail of its account), so a changed upstream value is a changed digest,
// and an upstream value not known yet (an account still to be created)
// leaves the configuration not wholly known, without a digest. What apply
// records for such an instance is the digest of the configuration it
// applied, evaluated again with the values apply produced (Result.Final),
// not the one planned.

// fingerprint is the instance's configuration digest, or "" when the
// instance must be planned in full: no digest key, a data source, a
// configuration not wholly known, or a provider that does not implement
// providers.PlanInputs or declines.
func (p *planner) fingerprint(st *Step, cfg cty.Value) string {
	return p.fingerprintMarked(st, cfg, st.marks())
}

// fingerprintMarked is fingerprint of cfg with the sensitive values at
// marks' paths.
func (p *planner) fingerprintMarked(st *Step, cfg cty.Value, marks []cty.PathValueMarks) string {
	if cfg == cty.NilVal {
		return ""
	}
	return p.fingerprintOf(st, &leanConfig{obj: cfg}, marks)
}

// fingerprintLean is fingerprint of a configuration the pre-pass
// evaluated, from its attributes when it has them: the same digest,
// without its object. For an instance the state does not hold it answers
// "" and marks the step fpLater: the digest is compared with no record,
// only recorded when the instance is applied, and taken then
// (digestLater). rec is the instance's record, which the caller looked
// up (nil when the state does not hold it). same reports a digest equal
// to the one rec holds, with no pending intent (digestMatches), and fp is
// "" then: an unchanged instance's digest is compared, not allocated; a
// caller that keeps it takes rec's (rec.ConfigDigest).
func (p *planner) fingerprintLean(st *Step, cfg *leanConfig, rec *state.Resource) (fp string, same bool) {
	if p.known != nil && rec == nil {
		st.fpLater = true
		return "", false
	}
	return p.digestOrSame(st, cfg, st.marks(), rec)
}

// storedOrDigest is the digest of cfg for st, whose stored record is rec
// (nil for none), "" when it has none: rec's own when rec holds the same
// configuration's older digest (legacyMatch).
func (p *planner) storedOrDigest(st *Step, cfg *leanConfig, marks []cty.PathValueMarks, rec *state.Resource) string {
	fp, same := p.digestOrSame(st, cfg, marks, rec)
	if same {
		return rec.ConfigDigest()
	}
	return fp
}

// digestOrSame is storedOrDigest, but for a digest that rec holds, with
// no pending intent: same, and no string made of it. rec's older digest
// of the same configuration (legacyMatch) is tried first while the
// resource's records matched it (legacyFirst). The digest is compared
// with rec's before a string is made of it.
func (p *planner) digestOrSame(st *Step, cfg *leanConfig, marks []cty.PathValueMarks, rec *state.Resource) (fp string, same bool) {
	tried := rec != nil && st.res.legacyFirst.Load()
	if tried && p.legacyMatch(st, cfg, marks, rec) {
		return "", true // legacyMatch holds no pending intent
	}
	bp := digestBuffers.Get().(*[]byte)
	defer digestBuffers.Put(bp)
	b, ok := p.appendFingerprint((*bp)[:0], st, cfg, marks, false)
	*bp = b
	switch {
	case !ok:
		return "", false
	case rec != nil && rec.HasConfigDigestBytes(b): // no allocation
		if tried {
			st.res.legacyFirst.Store(false)
		}
		if rec.Pending() == nil {
			return "", true
		}
	case !tried && p.legacyMatch(st, cfg, marks, rec):
		st.res.legacyFirst.Store(true)
		return "", true
	}
	return string(b), false
}

// legacyMatch reports whether rec holds the digest an earlier daftar took
// of cfg: with its provider's transport settings (Attribute.Transport),
// which the digest has left out since. Such a record's instance is as
// unchanged as one holding today's digest; it keeps the older digest until
// an apply writes its record again.
func (p *planner) legacyMatch(st *Step, cfg *leanConfig, marks []cty.PathValueMarks, rec *state.Resource) bool {
	if rec == nil || rec.HasConfigDigest("") || rec.Pending() != nil {
		return false
	}
	if fixed := st.res.fingerprintInputs(); fixed == nil || fixed.legacy == nil {
		return false
	}
	bp := digestBuffers.Get().(*[]byte)
	defer digestBuffers.Put(bp)
	fp, ok := p.appendFingerprint((*bp)[:0], st, cfg, marks, true)
	*bp = fp
	return ok && rec.HasConfigDigestBytes(fp)
}

// digestBuffers hold digests being taken: a buffer on the stack would
// escape to the heap through the Digester's interface.
var digestBuffers = sync.Pool{New: func() any { b := make([]byte, 0, secrets.DigestLength); return &b }}

// digestLater takes the digest of a step marked fpLater, from cfg, its
// configuration as planned (unmarked; st.marks its marks): the digest
// the pre-pass would have taken of the same configuration.
func (p *planner) digestLater(st *Step, cfg cty.Value) {
	if st.fpLater {
		st.fp, st.fpLater = p.fingerprint(st, cfg), false
	}
}

// fingerprintOf is the digest of cfg (storedOrDigest, against st's
// stored record).
func (p *planner) fingerprintOf(st *Step, cfg *leanConfig, marks []cty.PathValueMarks) string {
	return p.storedOrDigest(st, cfg, marks, st.Stored)
}

// appendFingerprint appends the digest fingerprintOf answers to dst; ok is
// false when it answers "". With legacy, the digest is the one daftar took
// before it left the provider's transport settings out.
func (p *planner) appendFingerprint(dst []byte, st *Step, cfg *leanConfig, marks []cty.PathValueMarks, legacy bool) ([]byte, bool) {
	r := st.res
	if p.req.Digester == nil || r.addr.Mode != addrs.Managed || r.prov == nil || r.cfg == nil {
		return dst, false
	}
	fixed := r.fingerprintInputs()
	if fixed == nil {
		return dst, false
	}
	bp := fingerprintBuffers.Get().(*[]byte)
	defer fingerprintBuffers.Put(bp)
	var cb []byte
	var err error
	if cfg.fields.Names != nil {
		cb, err = fixed.config.AppendAttrsFixed((*bp)[:0], cfg.fields.Names, cfg.fields.Vals, cfg.fields.Fixed)
	} else {
		cb, err = fixed.config.Append((*bp)[:0], cfg.obj)
	}
	if err != nil {
		return dst, false // not wholly known
	}
	var extra []byte
	var ok bool
	if cfg.fields.Names != nil {
		extra, ok = providers.InputsOf(r.prov.p, r.addr.Type, cfg)
	} else if pi, is := r.prov.p.(providers.PlanInputs); is {
		extra, ok = pi.PlanInputs(r.addr.Type, cfg.obj)
	}
	if !ok {
		return dst, false
	}
	var markPaths []byte
	if len(marks) > 0 {
		paths := make([][]any, len(marks))
		for i, m := range marks {
			paths[i] = plans.EncodePath(m.Path)
		}
		if markPaths, err = json.Marshal(paths); err != nil {
			return dst, false
		}
	}
	// The fields follow the configuration in the same buffer, and are
	// hashed as writeField would hash them.
	// The address is spelled after the fields, in the same buffer, and
	// the fields then written from it (appendField copies it first).
	n := len(cb)
	withAddr := appendInstanceAddr(cb, st.Change.Addr)
	addr := withAddr[n:]
	provider := fixed.provider
	if legacy {
		provider = fixed.legacy
	}
	msg := appendField(withAddr, "instance", addr, []byte(r.prov.name), withAddr[:n], markPaths, provider, fixed.ignore, extra)
	sum := sha256.Sum256(msg[len(withAddr):])
	// The sum is handed on from the pooled buffer: from the stack, it
	// escaped to the heap through the Digester's interface.
	*bp = append(msg, sum[:]...)
	return appendDigest(p.req.Digester, dst, "instance-config", (*bp)[len(msg):]), true
}

// appendDigest appends d's digest of value for purpose to dst, without a
// string when d can (secrets.Digester).
func appendDigest(d providers.Digester, dst []byte, purpose string, value []byte) []byte {
	if ad, ok := d.(interface {
		AppendDigest(dst []byte, purpose string, value []byte) []byte
	}); ok {
		return ad.AppendDigest(dst, purpose, value)
	}
	return append(dst, d.Digest(purpose, value)...)
}

// leanConfig is an instance's configuration as the pre-pass evaluates it:
// its attributes (schema.Fields) when its body gives them without marks,
// its object otherwise. The object of the attributes is built when
// something needs it, once: an unchanged instance of a batch whose
// configuration is then dropped (dropConfig) is checked across instances
// and fingerprinted from its attributes, and never needs it. It is a
// providers.Attrs.
type leanConfig struct {
	// fields are the attributes; Names nil when only obj is known.
	fields schema.Fields
	obj    cty.Value
	// vals is the array fields.Vals is decoded into, kept with c in
	// leanConfigs; pooled tells release that c is one of theirs.
	vals   []cty.Value
	pooled bool
}

// evalLean evaluates st's configuration, as its attributes when its body
// can give them and they hold no mark (see evalConfig), and the state holds
// the instance: a new one's object is built anyway, to be validated.
func (p *planner) evalLean(st *Step, stored bool) (*leanConfig, hcl.Diagnostics) {
	if e := st.res.eval; e != nil && objectless && stored {
		lc := leanConfigs.Get().(*leanConfig)
		f, diags, ok := e.EvalFieldsIn(st.repetition(), lc.vals[:0])
		if ok {
			lc.fields, lc.vals, lc.pooled = f, f.Vals, true
			switch {
			case diags.HasErrors():
				lc.release()
				return nil, diags
			case !fieldsMarked(&f):
				return lc, diags
			}
			obj := st.unmarkConfig(f.Object()) // copies the values
			lc.release()
			return &leanConfig{obj: obj}, diags
		}
		lc.pooled = true
		lc.release()
	}
	cfg, diags := p.evalConfig(st)
	if diags.HasErrors() {
		return nil, diags
	}
	return &leanConfig{obj: cfg}, diags
}

// fieldsMarked reports whether an attribute of f holds a mark, at its top
// or within; a fixed one holds none (a literal with a mark is not fixed).
func fieldsMarked(f *schema.Fields) bool {
	for i, v := range f.Vals {
		if (f.Fixed == nil || !f.Fixed[i]) && marks.Contains(v) {
			return true
		}
	}
	return false
}

// leanConfigs hold the pre-pass's configurations as attributes, with
// their arrays, given back by release: an unchanged instance's is
// garbage once it is checked and fingerprinted.
var leanConfigs = sync.Pool{New: func() any { return new(leanConfig) }}

// release gives c's attributes back for another instance's, when the
// caller and everything it gave c to are done with them: providers read an
// Attrs during their call only (providers.AttrsCheck), and the object of
// the attributes holds copies. c reads as empty after.
func (c *leanConfig) release() {
	if c.pooled {
		clear(c.vals)
		c.fields, c.obj, c.pooled = schema.Fields{}, cty.NilVal, false
		leanConfigs.Put(c)
	}
}

// objectless lets evalLean give attributes; tests turn it off to compare
// what the pre-pass decides with and without them.
var objectless = true

// Attr implements providers.Attrs.
func (c *leanConfig) Attr(name string) cty.Value {
	if c.fields.Names != nil {
		return c.fields.Attr(name)
	}
	if ty := c.obj.Type(); c.obj.IsKnown() && !c.obj.IsNull() && ty.IsObjectType() && ty.HasAttribute(name) {
		return c.obj.GetAttr(name)
	}
	return cty.NilVal
}

// known reports whether the configuration is wholly known.
func (c *leanConfig) known() bool {
	if c.fields.Names == nil {
		return whollyKnown(c.obj)
	}
	for _, v := range c.fields.Vals {
		if !whollyKnown(v) {
			return false
		}
	}
	return true
}

// Object implements providers.Attrs: the configuration's object, built
// on first use.
func (c *leanConfig) Object() cty.Value {
	if c.obj == cty.NilVal {
		c.obj = c.fields.Object()
	}
	return c.obj
}

// fingerprintBuffers are the buffers fingerprints are encoded in, one per
// concurrent fingerprint rather than one allocation per instance.
var fingerprintBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// fingerprintFixed is what a resource's instances' fingerprints share: the
// encoding of its provider's configuration, its transport settings null
// (Attribute.Transport), and of its ignore_changes.
type fingerprintFixed struct {
	provider, ignore []byte
	// legacy encodes the whole configuration, as digests taken before the
	// transport settings were left out did; nil when they are all null.
	legacy []byte
	// config encodes configurations of the type the resource's schema
	// implies.
	config *codec.CanonicalEncoder
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
		legacy, err := ctymsgpack.Marshal(pc, pc.Type())
		if err != nil {
			return
		}
		pb := legacy
		if planned, ok := withoutTransport(r.prov.schema.Provider, pc); ok && transportOut {
			if pb, err = ctymsgpack.Marshal(planned, planned.Type()); err != nil {
				return
			}
		} else {
			legacy = nil
		}
		ignore := []byte(strconv.FormatBool(r.cfg.IgnoreAllChanges))
		for _, t := range r.cfg.IgnoreChanges {
			ignore = append(append(ignore, 0), pathString(traversalPath(t))...)
		}
		r.fpFixed = &fingerprintFixed{provider: pb, legacy: legacy, ignore: ignore, config: codec.NewCanonicalEncoder(hcldec.ImpliedType(r.spec))}
	})
	return r.fpFixed
}

// transportOut leaves the transport settings out of the digests; tests
// turn it off to take the digests an older daftar took.
var transportOut = true

// withoutTransport is the provider configuration pc with its transport
// settings (Attribute.Transport of block) null; ok is false, and pc
// unchanged, when they are all null already.
func withoutTransport(block *providers.Block, pc cty.Value) (_ cty.Value, ok bool) {
	if block == nil || pc.IsNull() || !pc.Type().IsObjectType() {
		return pc, false
	}
	var attrs map[string]cty.Value
	for name, a := range block.Attributes {
		if !a.Transport || !pc.Type().HasAttribute(name) || pc.GetAttr(name).IsNull() {
			continue
		}
		if attrs == nil {
			attrs = pc.AsValueMap()
		}
		attrs[name] = cty.NullVal(pc.Type().AttributeType(name))
	}
	if attrs == nil {
		return pc, false
	}
	return cty.ObjectVal(attrs), true
}

// sameDigest reports whether the stored instance of r at key holds digest
// fp and no pending intent.
func (idx *stateIndex) sameDigest(r addrs.Resource, key addrs.Key, fp string) bool {
	return digestMatches(idx.byRes[r].get(key), fp)
}

// digestMatches reports whether rec (nil when the state has no such
// instance) holds digest fp and no pending intent.
func digestMatches(rec *state.Resource, fp string) bool {
	return fp != "" && rec != nil && rec.Pending() == nil && rec.HasConfigDigest(fp)
}

// unchangedSinceApply reports whether an instance may be planned as a
// no-op without its provider: its stored digest is its configuration's,
// with no pending intent, no -replace, and a prior value refresh did not
// change.
func unchangedSinceApply(st *Step, prior cty.Value, forced bool) bool {
	rec := st.Stored
	return st.fp != "" && rec != nil && rec.Pending() == nil && rec.HasConfigDigest(st.fp) &&
		!forced && !st.Persist && !prior.IsNull()
}

// needsDigest reports whether apply should record the digest of an
// instance its provider planned a no-op against its stored record: the
// record holds no pending intent and a digest other than the
// configuration's (none, as an older daftar or an import wrote it, or one
// of inputs since changed to no effect), and refresh found it unchanged
// (the provider compared the configuration with the record itself). The
// provider's own no-op is what the digest stands for, so the next plan of
// the same configuration takes the fast path.
func needsDigest(st *Step) bool {
	rec := st.Stored
	return st.fp != "" && rec != nil && rec.Pending() == nil && !rec.HasConfigDigest(st.fp) && !st.Persist && hasAttributes(rec)
}
