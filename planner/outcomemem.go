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
