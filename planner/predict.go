package planner

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/codec"
	"github.com/daftar-dev/daftar/internal/panics"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/zclconf/go-cty/cty"
)

// Plan's pre-pass evaluates a resource that depends on others (a
// verification per row reading usapi_account.person[each.key].email) with
// their values unknown, so that every input error is known before the first
// request; the walk then evaluated each instance again with the real values.
// When every instance of the resources it depends on is unchanged since its
// last clean apply, and nothing in this plan can change them (no refresh
// that reads them, no pending intent, no -target, import or moved block;
// an instance -replace names is a hole), the pre-pass already knows the values the walk will give
// them: their stored records. It then predicts those values (the same
// refValue of the same records the walk computes), evaluates the dependent
// resource with them, exactly as the walk would, and the walk takes that
// evaluation over (reusable) once it has checked that what it planned for
// every resource the dependent reads is the value predicted (confirmed).
// Should anything differ, the walk evaluates the dependent itself, as
// before. A batch with a verification per row evaluates each verification
// once, and validates none again that is unchanged since apply.

// mayPredict reports whether the pre-pass may predict values: a plan (not a
// refresh-only one) of the whole configuration, with no import or moved
// blocks (which change what a stored record stands for). An instance
// -replace names is a hole of its resource's prediction (validateResource).
func (p *planner) mayPredict() bool {
	opts := p.req.Options
	if !predicting || p.known == nil || p.req.Digester == nil || opts.RefreshOnly || len(opts.Targets) > 0 {
		return false
	}
	return !p.hasImports() && !slices.ContainsFunc(p.req.Config.AllModules(), func(m *schema.Config) bool { return len(m.Moved) > 0 })
}

// predicting lets the pre-pass predict values; tests turn it off to
// compare a plan with the one made without predictions.
var predicting = true

// depsPredicted reports whether the pre-pass knows the walk's value of
// every resource r depends on (through locals too): r's evaluation in the
// pre-pass is then the walk's. A resource that depends on none qualifies
// (reusable takes it over anyway).
func (p *planner) depsPredicted(r *resource) bool {
	if p.predicted == nil || r.cfg == nil || r.cfg.Module != nil {
		return false
	}
	for _, d := range r.deps {
		if _, ok := p.predicted[d]; !ok {
			return false
		}
	}
	return true
}

// predict sets, after the pre-pass checked r, the value the walk will give
// r when it is sure of it: r's own evaluation is the walk's (exact), and
// each of its instances is a no-op from its digest that no refresh reads.
// matched marks the instances whose fingerprint is their record's digest,
// recs holds their records (nil for an instance the state does not hold),
// both by index in r's keys: the steps, and the instances kept compactly
// (r.compact, whose predicted values it keeps in compact.vals).
func (p *planner) predict(r *resource, matched []bool, recs []*state.Resource) {
	// Every instance kept compactly: what the dependents read of them is
	// decoded into a column (column.go), no object per instance made, and
	// the resource's value built only where something reads it whole.
	c := r.compact
	if c != nil && !r.referenced {
		return // nothing reads it, nothing depends on it: nothing to predict
	}
	if c != nil && len(r.steps) == 0 && r.keysOnly() {
		// Read by its keys alone (length(R)): a column of no attribute,
		// the object of a million empty objects (and its type's map of a
		// million attributes) built only if something reads it whole.
		if p.predictable(r, len(c.keys), matched, recs) {
			p.predicted[r.addr] = schema.ColumnsVal(emptyColumn(c, nil, cty.NilType))
		}
		return
	}
	if c != nil && r.projected() && !r.keysOnly() && p.predictColumn(r, matched, recs) {
		return
	}
	p.predictValues(r, matched, recs)
}

// predictable reports whether predict may predict r's instances, n of
// them, from their records recs (matched marks those whose fingerprint is
// their record's digest).
func (p *planner) predictable(r *resource, n int, matched []bool, recs []*state.Resource) bool {
	c := r.compact
	if !r.exact || r.addr.Mode != addrs.Managed || r.checkedKeys == nil || len(matched) != n || len(recs) != n || c != nil && len(c.steps) != n {
		return false
	}
	for i, rec := range recs {
		if !matched[i] || rec == nil || rec.Pending() != nil || !hasAttributes(rec) || (p.req.Options.Refresh && !rec.Settled) {
			return false
		}
	}
	// A record the configuration no longer produces (a row deleted) is
	// planned as a forget, which no value of r includes (buildOf): the
	// value is its current instances', as predicted.
	return true
}

// readRecords calls decode on the records recs, a batch at a time, with
// the attributes of the record i in raws[i%predictReadBatch]: the
// records are read in the steps' order (the state file's, for a batch) by
// one goroutine, a batch at a time, and decoded on every core. Read by the
// workers in turn, a read often missed the window another had just read
// (state's readAt), and the accounts' records were read about 2.5 times
// over, 64 KB a read. They are read into one buffer per batch, used again
// (state.ReadAttributes), not into windows of the file allocated for each
// read. The next batch is read while one is decoded: read in between, the
// reads ran alone on one core, a third of the time the accounts' e-mails
// took in the no-change plan with dependents. raws is nil when read is
// not set (nothing read of them).
func (p *planner) readRecords(recs []*state.Resource, read bool, failed *atomic.Bool, decode func(i int, raws []json.RawMessage)) {
	n := len(recs)
	var next, cur recordsBatch // the batch read ahead, and the one decoded
	if read && n > 0 {
		next.read(recs, 0, failed)
	}
	for start := 0; start < n && !failed.Load(); start += predictReadBatch {
		end := min(n, start+predictReadBatch)
		cur, next = next, cur
		var ahead sync.WaitGroup
		var crash panics.First
		if read && end < n {
			ahead.Go(func() {
				defer crash.Recover(nil)
				next.read(recs, end, failed)
			})
		}
		// Decoding computes only: in runs (parallelRuns), not an index
		// at a time from a counter both cores take.
		p.parallelRuns(end-start, cpuRun, func(j int) { decode(start+j, cur.raws) })
		ahead.Wait()
		crash.Repanic()
	}
}

// recordsBatch is a batch of records' attributes read by readRecords, in
// buf.
type recordsBatch struct {
	raws []json.RawMessage
	buf  []byte
}

// read reads the attributes of recs[start:], up to predictReadBatch of
// them, into b; failed is set when they cannot be read (the walk reports
// it, reading the record again).
func (b *recordsBatch) read(recs []*state.Resource, start int, failed *atomic.Bool) {
	end := min(len(recs), start+predictReadBatch)
	if b.raws == nil {
		b.raws = make([]json.RawMessage, min(len(recs), predictReadBatch))
	}
	var err error
	if b.buf, err = state.ReadAttributes(recs[start:end], b.raws[:end-start], b.buf); err != nil {
		failed.Store(true)
	}
}

// predictColumn is predict of a resource kept compactly whose dependents
// read some of its attributes: their values, decoded and marked as
// predictValues does, are kept as a column.
// It reports false, having predicted nothing, when an instance's value is
// not a known, unmarked, non-null object (predictValues then decides).
//
// The instances not kept compactly (a row added, one whose e-mail changed,
// one with a pending intent) are holes: their attributes are unknown in
// the column, and the walk fills them with its values (filledColumn).
func (p *planner) predictColumn(r *resource, matched []bool, recs []*state.Resource) bool {
	c := r.compact
	n := len(c.keys)
	holes := n - c.n
	sens := r.projectMarks(r.sensMarks)
	switch {
	case holes > 0 && p.predictable(r, n, matched, recs):
		return false // every instance predictable, some with a step: predictValues
	case holes > 0 && (len(sens) > 0 || !mostlyPredicted(holes, n) || !p.holesPredictable(r, n, matched, recs)):
		// With marks, a hole would need those of its value, which only
		// the walk knows.
		return true // nothing to predict
	case holes > 0:
		recs = holesUnread(c, recs)
	case !p.predictable(r, n, matched, recs):
		return true // nothing to predict
	}
	var names []string
	for a := range r.use.attrs {
		if r.ty.HasAttribute(a) {
			names = append(names, a)
		}
	}
	col := emptyColumn(c, names, r.ty)
	col.holes = holes
	var failed, irregular atomic.Bool
	p.readRecords(recs, true, &failed, func(i int, raws []json.RawMessage) {
		if !c.is[i] {
			col.setHole(i, r.ty)
			return
		}
		if len(sens) == 0 {
			col.decode(i, raws[i%predictReadBatch], r.ty, &failed, &irregular)
			return
		}
		v, err := decodeProjected(raws[i%predictReadBatch], r.ty, r.use.attrs)
		if err != nil {
			failed.Store(true) // the walk reports it
			return
		}
		if !col.set(i, r.refProjected(v, sens, nil)) { // one kept compactly has no marks of its own (compactInstance)
			irregular.Store(true)
		}
	})
	switch {
	case failed.Load():
		return true // the walk decodes them, and reports it
	case irregular.Load():
		return false
	}
	c.col = col
	p.predicted[r.addr] = schema.ColumnsVal(col)
	p.setHoles(r, holes)
	return true
}

// holesPredictable is predictable for predictColumn of a resource with
// holes: every instance kept compactly is a no-op from its digest that no
// refresh reads (compactInstance checked it), and every other has a step
// the walk takes over by index. r's instances are n.
func (p *planner) holesPredictable(r *resource, n int, matched []bool, recs []*state.Resource) bool {
	c := r.compact
	if !r.exact || r.addr.Mode != addrs.Managed || r.checkedKeys == nil || len(matched) != n || len(recs) != n || len(c.steps) != n || len(c.is) != n {
		return false
	}
	for i, is := range c.is {
		if is && (!matched[i] || recs[i] == nil) {
			return false
		}
	}
	return true
}

// holesUnread is recs with an empty record in place of each instance
// not kept compactly (a hole): readRecords reads nothing of it, and a new
// instance has none.
func holesUnread(c *compact, recs []*state.Resource) []*state.Resource {
	out := slices.Clone(recs)
	for i, is := range c.is {
		if !is {
			out[i] = &noRecord
		}
	}
	return out
}

// noRecord is the record of no attributes holesUnread reads in place of
// a hole's.
var noRecord state.Resource

// predictValues is predict of the instances' values one by one. The
// instances predictable would refuse are holes when valueHoles allows
// them: an unknown value of their projected type each.
func (p *planner) predictValues(r *resource, matched []bool, recs []*state.Resource) {
	c := r.compact
	n := len(r.steps) + c.count()
	// stepAt is the step of the instance i, nil for one kept compactly.
	stepAt := func(i int) *Step { return r.steps[i] }
	if c != nil {
		stepAt = func(i int) *Step { return c.steps[i] }
	}
	var holes []bool
	hole := cty.NilVal
	if !p.predictable(r, n, matched, recs) {
		if holes = p.valueHoles(r, n, matched, recs, stepAt); holes == nil {
			return
		}
		hole = cty.UnknownVal(r.projectedType())
		recs = slices.Clone(recs)
		for i, h := range holes {
			if h {
				recs[i] = &noRecord // read nothing of it (a new instance has none)
			}
		}
	}
	isHole := func(i int) bool { return holes != nil && holes[i] }
	var failed atomic.Bool
	var sens []cty.PathValueMarks
	if r.projected() {
		sens = r.projectMarks(r.sensMarks)
	}
	vals := make([]cty.Value, n)
	p.readRecords(recs, r.referenced && !r.keysOnly(), &failed, func(i int, raws []json.RawMessage) {
		if isHole(i) {
			vals[i] = hole
			return
		}
		p.predictStep(r, stepAt(i), i, raws, vals, &failed)
	})
	if failed.Load() {
		for _, st := range r.steps {
			st.value, st.predicted = cty.NilVal, false
		}
		return
	}
	if r.projected() && !r.keysOnly() {
		shareTypeBut(vals, holes)
		p.parallelRuns(n, cpuRun, func(i int) {
			if isHole(i) {
				return // unmarked, as the walk's value must be (sameAsPredicted)
			}
			var marks []cty.PathValueMarks
			if st := stepAt(i); st != nil {
				marks = st.marks()
			} // one kept compactly has none (compactInstance)
			vals[i] = r.refProjected(vals[i], sens, marks)
		})
	}
	for i, v := range vals {
		if st := stepAt(i); st != nil && !isHole(i) {
			st.value = v
			vals[i] = cty.NilVal
		}
	}
	if c != nil && r.referenced && !r.keysOnly() {
		c.vals = vals
	}
	p.predicted[r.addr] = r.buildWithCompact(func(s *Step) cty.Value {
		if holes != nil && !s.predicted { // a hole (predictStep marks every other step)
			return hole
		}
		return s.value
	})
	p.setHoles(r, countTrue(holes))
}

// predictedHoles, set by tests, is told each resource predicted with
// holes, and how many.
var predictedHoles func(addr string, n int)

// setHoles notes that r was predicted with n holes.
func (p *planner) setHoles(r *resource, n int) {
	p.holes[r.addr] = n
	if predictedHoles != nil && n > 0 {
		predictedHoles(r.addr.String(), n)
	}
}

// valueHoles marks, for predictValues, the instances of r (n of them,
// stepAt(i) the step of the instance i, nil for one kept compactly)
// predictable refuses: a new instance, a changed one, one with a pending
// intent or one a refresh reads. They are holes when r's dependents read
// some of its attributes, none marked sensitive (a hole would need the
// marks of its value, which only the walk knows), and every instance kept
// compactly is predictable. Nil when they may not be.
func (p *planner) valueHoles(r *resource, n int, matched []bool, recs []*state.Resource, stepAt func(int) *Step) []bool {
	c := r.compact
	if !r.exact || r.addr.Mode != addrs.Managed || r.checkedKeys == nil || !r.projected() || r.keysOnly() || len(r.projectMarks(r.sensMarks)) > 0 ||
		len(matched) != n || len(recs) != n || c != nil && len(c.steps) != n {
		return nil
	}
	holes := make([]bool, n)
	for i, rec := range recs {
		ok := matched[i] && rec != nil && rec.Pending() == nil && hasAttributes(rec) && (!p.req.Options.Refresh || rec.Settled)
		switch {
		case ok:
		case stepAt(i) == nil:
			return nil // kept compactly, so predictable (compactable): not expected
		default:
			holes[i] = true
		}
	}
	if !mostlyPredicted(countTrue(holes), n) {
		return nil
	}
	return holes
}

// mostlyPredicted reports whether a prediction of n instances with holes
// of them is worth making: most of them predicted. A batch of new rows
// (its first apply) would be a prediction of holes, which spares no
// dependent its evaluation by the walk, and whose dependents that read
// them the pre-pass keeps a step of each (not forgettableNew).
func mostlyPredicted(holes, n int) bool { return 2*holes <= n }

// projectedType is the type of r's instances' values as its dependents
// see them (project): an object of the attributes they read.
func (r *resource) projectedType() cty.Type {
	attrs := make(map[string]cty.Type, len(r.use.attrs))
	for a := range r.use.attrs {
		if r.ty.HasAttribute(a) {
			attrs[a] = r.ty.AttributeType(a)
		}
	}
	return cty.Object(attrs)
}

// predictReadBatch is how many records predict reads before it decodes
// them: a few windows of the state file.
const predictReadBatch = 1024

// predictStep sets vals[i], the predicted value of r's instance i (st, or
// nil for one kept compactly), from its record's attributes, which raws
// holds at i modulo predictReadBatch when r's dependents read any.
func (p *planner) predictStep(r *resource, st *Step, i int, raws []json.RawMessage, vals []cty.Value, failed *atomic.Bool) {
	switch {
	case !r.referenced:
		vals[i] = cty.DynamicVal
	case r.keysOnly():
		vals[i] = cty.EmptyObjectVal // what deferStored gives
	case r.projected():
		prior, err := decodeProjected(raws[i%predictReadBatch], r.ty, r.use.attrs)
		if err != nil {
			failed.Store(true) // the walk reports it
			return
		}
		vals[i] = prior // marked once its type is shared (shareType)
	default:
		prior, err := decodeAttrs(raws[i%predictReadBatch], r.ty)
		if err != nil {
			failed.Store(true) // the walk reports it
			return
		}
		var marks []cty.PathValueMarks
		if st != nil { // one kept compactly has none (compactInstance)
			marks = st.marks()
		}
		vals[i] = r.refValue(prior, marks)
	}
	if st == nil {
		return
	}
	st.predicted = true
	if p.mayDrop[r.prov.name] && r.projected() {
		// The walk plans it without its configuration (keepPredicted),
		// and reuses this pass's check of its provider.
		st.Config, st.dropped = cty.NilVal, true
	}
}

// shareType gives the values, when they are known, unmarked, not
// null and of one type, that type as one value: the values of a
// collection's elements share its element type (cty.ListVal keeps one,
// its iterator gives it to each). A projection's values are objects of
// the same few attributes, but each cty.ObjectVal makes a type of its own
// (two maps and a struct): 22 MB kept for 100,000 accounts' {email}.
// Types are compared by their structure everywhere, never by identity.
func shareType(vals []cty.Value) {
	if len(vals) < 2 {
		return
	}
	ty := vals[0].Type()
	for _, v := range vals {
		if !v.IsKnown() || v.IsNull() || v.IsMarked() || !v.Type().Equals(ty) {
			return
		}
	}
	copy(vals, cty.ListVal(vals).AsValueSlice())
}

// shareTypeBut is shareType of the values but the holes: the values the
// pre-pass predicted of a batch with holes (predictValues) share their
// type as those of a batch without.
func shareTypeBut(vals []cty.Value, holes []bool) {
	if holes == nil {
		shareType(vals)
		return
	}
	known := make([]cty.Value, 0, len(vals))
	for i, v := range vals {
		if !holes[i] {
			known = append(known, v)
		}
	}
	shareType(known)
	j := 0
	for i := range vals {
		if !holes[i] {
			vals[i] = known[j]
			j++
		}
	}
}

// decodeProjected is decodeAttrs narrowed to the attributes keep holds,
// as project narrows it, without building the others (it fails where
// decodeAttrs fails): a dependent that reads one attribute of each
// account had each whole record decoded to keep that one.
func decodeProjected(raw json.RawMessage, ty cty.Type, keep map[string]bool) (cty.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return cty.NullVal(ty), nil
	}
	return codec.DecodeJSONProjected(raw, ty, keep)
}

// refProjected is refValue of a value decodeProjected gave, which project
// would give back: sens is projectMarks of r's sensitive marks.
func (r *resource) refProjected(v cty.Value, sens, marks []cty.PathValueMarks) cty.Value {
	if marks = r.projectMarks(marks); len(sens) > 0 {
		v = v.MarkWithPaths(sens)
	}
	if len(marks) > 0 {
		v = v.MarkWithPaths(marks)
	}
	return v
}

// readsHoles reports whether a resource r depends on was predicted with
// holes (predictColumn): an instance of r whose evaluation is not wholly
// known read one.
func (p *planner) readsHoles(r *resource) bool {
	for _, d := range r.deps {
		if p.holes[d] > 0 {
			return true
		}
	}
	return false
}

// providerChecked notes, in the pre-pass, that r's provider's check was
// given r's configurations (openCheck).
func (p *planner) providerChecked(r *resource) {
	if p.checkedProviders == nil {
		p.checkedProviders = map[string]bool{}
	}
	p.checkedProviders[r.prov.name] = true
}

// predictedValue is the value the pre-pass evaluates r's dependents with:
// its predicted value, or unknown.
func (p *planner) predictedValue(r *resource) cty.Value {
	if v, ok := p.predicted[r.addr]; ok {
		return v
	}
	return cty.DynamicVal
}

// confirmed reports whether the walk planned every resource r depends on
// with the value the pre-pass predicted for it, so that the pre-pass's
// evaluation of r is the walk's. Checked once per resource.
func (pc *preChecked) confirmed(p *planner, r *resource) bool {
	for _, d := range r.deps {
		ok, seen := pc.checked[d]
		if !seen {
			want, predicted := pc.predicted[d]
			up := p.res[d]
			ok = predicted && up != nil && (up.valuePredicted || sameAsPredicted(schema.Whole(up.value), schema.Whole(want)))
			pc.checked[d] = ok
			delete(pc.predicted, d) // the answer is kept, not the value
		}
		if !ok {
			return false
		}
	}
	return true
}

// sameAsPredicted reports whether v, the walk's value of a resource, is
// want, the value the pre-pass predicted for it: the same, or the same
// instances with the same values but where want has a hole (an unknown
// instance: predictValues), where v has a wholly known, unmarked, non-null
// value of the hole's type. A dependent whose evaluation with the hole was
// known evaluates to the same with that value (cty's contract for unknown
// values); one whose evaluation read the hole was evaluated again by the
// walk (unexact).
func sameAsPredicted(v, want cty.Value) bool {
	if v.RawEquals(want) {
		return true
	}
	ty := want.Type()
	if v.IsMarked() || want.IsMarked() || !v.IsKnown() || !want.IsKnown() || v.IsNull() || want.IsNull() || !ty.IsObjectType() || !v.Type().IsObjectType() ||
		len(v.Type().AttributeTypes()) != len(ty.AttributeTypes()) {
		return false
	}
	for k := range ty.AttributeTypes() {
		if !v.Type().HasAttribute(k) {
			return false
		}
		got, w := v.GetAttr(k), want.GetAttr(k)
		switch {
		case w.IsKnown() || w.IsMarked():
			if !got.RawEquals(w) {
				return false
			}
		case !got.Type().Equals(w.Type()) || got.IsNull() || got.ContainsMarked() || !got.IsWhollyKnown():
			return false
		}
	}
	return true
}

// keepPredicted plans, without decoding its record, an instance whose
// value the pre-pass predicted (its record's, as its dependents see it),
// when the walk finds it as the pre-pass did: a no-op from its digest, not
// forced, no pending intent, no refresh that reads it, and a resource whose
// dependents read only some attributes (settle then lets go of its values).
// It is what planManaged's unchangedSinceApply branch gives, with the value
// the same refValue of the same record computed.
func (p *planner) keepPredicted(st *Step, forced bool) bool {
	rec := st.Stored
	if !st.predicted || forced || !st.res.projected() || rec == nil || rec.Pending() != nil || st.fp == "" || !rec.HasConfigDigest(st.fp) ||
		!hasAttributes(rec) || (p.req.Options.Refresh && !rec.Settled) {
		return false
	}
	if _, imp := st.res.imports[st.Change.Addr.Key]; imp {
		return false
	}
	st.Change.Action = plans.NoOp
	p.settle(st)
	st.keptPredicted = true
	return true
}

// predictedWholeTaken, set by tests, is told each value the walk takes
// over from the prediction, with the value it would have built.
var predictedWholeTaken func(addr string, taken, built cty.Value)

// predictedWhole reports whether the walk planned every instance of r with
// the value the pre-pass predicted for it (keepPredicted, or kept
// compactly with it: compact.vals), none dropped or added (an orphan's
// forget is in no value of r), so that building r's value again would give the predicted value
// exactly (the same instances' same values, built the same way): the walk
// then takes that value over, and confirmed need not compare the two.
func (p *planner) predictedWhole(r *resource, keys int) (cty.Value, bool) {
	want, ok := p.pre.predictedOf(r.addr)
	c := r.compact
	if !ok || c != nil && !c.predictedVals() && r.referenced && !r.keysOnly() {
		return cty.NilVal, false
	}
	n := c.count()
	for _, s := range r.steps {
		if s.Change.Action == plans.Forget {
			continue // an orphan: in no value of r (buildOf)
		}
		if !s.keptPredicted {
			return cty.NilVal, false
		}
		n++
	}
	return want, n == keys
}
