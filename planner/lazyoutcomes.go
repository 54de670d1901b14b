package planner

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// This file keeps a batch's refreshed no-ops, in a plan that apply makes
// and carries out itself (Request.LazyCreates), as a lazy block
// (plans.Lazy), as lazycreates.go keeps a batch's creates: no Step and no
// plans.Change an instance until the executor takes it, only what apply
// needs to write its record. Such a no-op is a verification whose
// refresh found its outcome (Persist): apply writes the refreshed value
// with no provider call. Its step and change took about 700 bytes an
// instance from the walk to its apply (at a million verifications, 820
// MB beside their deferred values); kept here, it holds its encoded
// value, its stored record and the outcome refresh found, 48 bytes and
// the value.

// lazyOutcome is a refreshed no-op kept without its step: attrs its
// refreshed value's attribute values (plans.Change.DeferValue) without
// what they repeat of the block's base (shareOutcome), rec the
// record it was planned from, whose configuration digest is the
// instance's (Step.fp), and fin what refresh found final (one value of
// the block's for each kind, nil when none). The zero lazyOutcome is
// none (taken, or not kept). attrs is held as its first byte and its
// length (bytes): 32 bytes an instance, not a slice's 40 (8 MB at a
// million verifications).
type lazyOutcome struct {
	attrs *byte
	n     uint32
	rec   *state.Resource
	fin   *plans.Finished
}

// bytes are o's attribute values, to be read only.
func (o lazyOutcome) bytes() []byte { return unsafe.Slice(o.attrs, o.n) }

// lazyOutcomeResource reports whether the walk may keep r's refreshed
// no-ops without steps: as lazyResource for creates (an apply of the plan
// it makes; a batch of the root module's managed resource, with no
// condition, read by its keys alone or not at all; every upstream
// resource planned without a step; the whole configuration planned,
// with no import or moved block, and no check of the walk reading its
// configurations), but for a resource whose records the state holds.
func (p *planner) lazyOutcomeResource(r *resource, n int) bool {
	return p.lazyAllowed(r, n) && p.req.Options.Refresh && p.walkChecks[r.prov.name] == nil && p.sel.wholeResource(r.addr) && p.upstreamKept(r)
}

// keepOutcome takes the encoded value of st, the i-th instance's step,
// and reports whether the instance is kept without its step: a no-op
// whose refresh found a value apply writes (Persist), deferred
// (keepOutcomeLean), its configuration let go of, with nothing of its
// own but its key, that value, its stored record (whose digest is the
// configuration's) and what refresh found final: no mark, diagnostic,
// reason or digest to take at apply; the value dependents read
// lazyValue, its dependencies those of every other with its own key; the
// same flags as every other kept one.
func (lz *lazyCreates) keepOutcome(p *planner, i int, st *Step) bool {
	c, r, rec := st.Change, lz.r, st.Stored
	if !st.Persist || c.Persist || c.Action != plans.NoOp || rec == nil || rec.Pending() != nil || st.fp == "" || !rec.HasConfigDigest(st.fp) ||
		st.Config != cty.NilVal || st.packed || st.bound || st.backfill || st.fpLater || st.fields != nil || !st.value.RawEquals(r.lazyValue()) ||
		!lonelyFinished(st) || c.Before != cty.NilVal || c.After != cty.NilVal || c.Config != cty.NilVal || !samePaths(c.Sensitive, r.sensitive) ||
		len(c.RequiresReplace) > 0 || c.Reason != "" || c.Spends != 0 || c.ConfigDigest != "" || !sameResources(c.Deps, r.deps) ||
		len(c.DependsOn) > 0 || c.PrevAddr() != nil || c.Importing() != "" || c.Provider != r.prov.name || c.Addr != r.addr.Instance(lz.keys[i].key) {
		return false
	}
	attrs := lz.shareOutcome(c.DeferredAttrs(), rec) // out of lz.mu, as share
	if attrs == nil || uint64(len(attrs)) > math.MaxUint32 {
		return false
	}
	return lz.join(p, st, func() bool {
		lz.outs[i] = lazyOutcome{attrs: unsafe.SliceData(attrs), n: uint32(len(attrs)), rec: rec, fin: lz.finished(st.finished())}
		return true
	})
}

// shareOutcome is attrs, a refreshed value's attribute values, without
// what they repeat of the block's base (the first refreshed value kept,
// plans.TupleBase.Share) or of rec, the record it was refreshed from
// (recordTuple): most of a verification's outcome is the same in every
// row (its consent, file names and their digests, type, status, the
// nulls), and the rest but its status, score, level and time is its
// record's (its e-mail, name, NIK, digests, reference code). nil when it
// cannot be kept so: the instance keeps its step.
func (lz *lazyCreates) shareOutcome(attrs []byte, rec *state.Resource) []byte {
	if attrs == nil {
		return nil
	}
	lz.baseOnce.Do(func() {
		lz.tbase, _ = plans.NewTupleBase(attrs)
		lz.records, _ = plans.NewRecordTuples(lz.r.ty)
	})
	if lz.tbase == nil || lz.records == nil {
		return nil
	}
	own, err := recordTuple(lz.records, rec, lz.r.ty)
	if err != nil {
		own = nil // kept against the base alone; Unshare reads none
	}
	b, _ := lz.tbase.Share(attrs, own)
	return b
}

// recordTuple is rec's stored value as the attribute values of type ty
// (plans.AttrValues), what a kept outcome is shared with besides the
// block's base, read by rt where it can read them; nil, with no error,
// for a record without a value. Those left in the state file are read
// back from it, as each is needed: made again, the same record gives the
// same bytes (nothing changes a record of the state before apply writes
// the instance's).
func recordTuple(rt *plans.RecordTuples, rec *state.Resource, ty cty.Type) ([]byte, error) {
	raw, err := rec.Attributes()
	if err != nil {
		return nil, err
	}
	if b, ok := rt.Of(raw); ok {
		return b, nil
	}
	v, err := decodeAttrs(raw, ty)
	if err != nil || v.IsNull() {
		return nil, err
	}
	b, ok := plans.AttrValues(v, ty)
	if !ok {
		return nil, fmt.Errorf("the stored value of %s cannot be encoded", rec.Address)
	}
	return b, nil
}

// samePaths reports whether a and b hold the same paths: the sensitive
// paths of a step the walk adopted from the pre-pass are those of the
// pre-pass's resource, the walk's resource's own in another slice.
func samePaths(a, b []cty.Path) bool {
	return sameSlice(a, b) || slices.EqualFunc(a, b, cty.Path.Equals)
}

// lonelyFinished reports whether st's rare fields hold nothing but what
// refresh found final.
func lonelyFinished(st *Step) bool {
	rare := st.rare
	return rare == nil || len(rare.marks) == 0 && len(rare.checks) == 0 && rare.final == cty.NilVal
}

// finished is f as the block keeps it, under lz.mu: one value for each
// noun and outcome.
func (lz *lazyCreates) finished(f *plans.Finished) *plans.Finished {
	if f == nil {
		return nil
	}
	for _, g := range lz.fins {
		if *g == *f {
			return g
		}
	}
	lz.fins = append(lz.fins, f)
	return f
}

// remakeOutcome is the step of keys[k], the refreshed no-op o, as the
// walk had it when keepOutcome took it (with its count and each while
// the keys hold them: apply evaluates nothing of a no-op), and with what
// plan gives every step after the walk: its DependsOn and Persist.
func (lz *lazyCreates) remakeOutcome(k int, o lazyOutcome) *Step {
	r := lz.r
	lz.mu.Lock()
	key := lz.keyLocked(k)
	var rep *instanceKey
	if lz.keys != nil {
		rep = &lz.keys[k]
	}
	lz.mu.Unlock()
	st := newKeyStep(r, key, o.rec)
	if rep != nil {
		st.rep = &rep.rep
	}
	lz.flags.setOn(st)
	st.Persist, st.fp, st.value = true, o.rec.ConfigDigest(), r.lazyValue()
	if o.fin != nil {
		st.more().finished = o.fin
	}
	c := st.Change
	c.Defer(lz.outcomeValue(o))
	c.Persist = true
	c.DependsOn = lz.dependsOn(key)
	return st
}

// outcomeValue is o's refreshed value, made again from its shared bytes,
// the block's base and its record (read back from the state file when
// left there). A value that cannot be made again (its record, which it
// shares, no longer readable) is an error of whoever reads it: apply's
// reading of the deferred change fails the instance, which is then not
// recorded.
func (lz *lazyCreates) outcomeValue(o lazyOutcome) codec.Lazy {
	own, err := recordTuple(lz.records, o.rec, lz.r.ty)
	if err != nil {
		own = nil // enough for a value kept without its record's (shareOutcome could not read it either)
	}
	if attrs, ok := lz.tbase.Unshare(o.bytes(), own); ok {
		return codec.LazyMsgpackAttrs(attrs, lz.r.ty)
	}
	if err == nil {
		err = errors.New("its kept value could not be read again")
	}
	return codec.LazyLoad(func() (json.RawMessage, error) { return nil, err }, lz.r.ty)
}

// finishedLazy counts, into counts, what refresh found final of the
// instances the plan's lazy blocks keep.
func (p *planner) finishedLazy(counts map[[2]string]int) {
	for _, r := range p.res {
		lz := r.lazy
		if lz == nil || lz.outs == nil {
			continue
		}
		for _, k := range lz.order {
			if f := lz.outs[k].fin; f != nil {
				counts[[2]string{f.Noun, f.Outcome}]++
			}
		}
	}
}

// current is how many of lz's instances hold their stored record
// (storedAllCurrent): a kept refreshed no-op was planned from its key's.
func (lz *lazyCreates) current() int {
	if lz == nil || lz.outs == nil {
		return 0
	}
	return lz.kept
}
