package planner

import (
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/zclconf/go-cty/cty"
)

// releaseNoOpConfigs lets go, once apply starts, of the configuration a
// no-op planned in full still holds. Apply writes such a change's record
// with no provider call and evaluates nothing of it (evaluatedAtApply):
// the record is the plan's value, with the configuration digest taken
// during the plan (Step.fp). The no-ops planned in full are those the
// refresh found changed: a batch's verifications whose outcome the next
// apply records (Persist), each of which held its evaluated configuration
// (about 2 KB) until the end of the apply. One whose digest is still to
// be taken (fpLater) keeps it; Result.Configuration evaluates a released
// one again should anything ask.
func (r *Result) releaseNoOpConfigs() {
	for _, s := range r.steps {
		if s.Change.Action == plans.NoOp && !s.fpLater && s.Config != cty.NilVal && !evaluatedAtApply(s) {
			s.Config = cty.NilVal
		}
	}
}

// keepOutcomeLean makes what a batch's refreshed no-op holds from its plan
// to its apply small, as soon as it is planned: a verification whose
// refresh found its outcome (Persist: apply writes the refreshed value,
// with no provider call). Its value, Before and After alike, is kept
// encoded in its change as its attribute values alone
// (plans.Change.DeferValue), which apply reads back when it writes the
// record (the executor reads a deferred change before it dispatches it):
// 448 bytes for a verification, where the value was an object of two
// dozen attributes and an object type of its own.
// Its configuration goes too, when nothing of the plan reads it again
// (releasableConfig); the walk's check, when there is one, lets go of it
// once it has seen it (feedWalkCheck). The value dependents see
// (Step.value) was taken before.
//
// A resource of few instances keeps its values decoded, as a plan of few
// changes prints them all; so does a null or marked value.
func (p *planner) keepOutcomeLean(st *Step) {
	c := st.Change
	if !st.res.batch || !st.Persist || st.bound || c.Action != plans.NoOp || c.After == cty.NilVal || c.After.IsNull() ||
		!c.DeferValue(st.res.ty) {
		return
	}
	if p.walkChecks[st.res.prov.name] == nil && st.res.taken && releasableConfig(st) {
		st.Config, st.dropped = cty.NilVal, true
	}
}

// releasableConfig reports whether nothing after its plan reads a
// refreshed no-op's configuration: apply writes its record with no
// provider call, with the digest the plan took (Step.fp), and evaluates
// nothing of it (no postconditions). One whose digest is still to be
// taken (fpLater) keeps it.
func releasableConfig(st *Step) bool {
	return st.Change.Action == plans.NoOp && !st.fpLater && !st.bound && !evaluatedAtApply(st)
}
