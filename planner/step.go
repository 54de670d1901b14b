package planner

import (
	"strconv"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Step is one change of a plan with what the executor needs beyond the
// plain plan value. Result.Steps lists them in the order of Plan.Changes.
type Step struct {
	Change *plans.Change
	// Stored is the state record the plan started from; nil when the
	// state had none. A replace keeps its attributes in the intent record.
	Stored *state.Resource
	// Persist says apply must write the record to the state even when it
	// calls no provider: a record adopted from an interrupted create, a
	// value refreshed from the remote, or (with a null After) a pending
	// intent the remote showed was never carried out. A no-op writes
	// Change.After; an update writes Change.Before, then sends the update
	// (only a refresh-only plan writes its After with no call). The plan
	// value carries it as plans.Change.Persist.
	Persist bool
	// taken is set on a pre-pass step the walk adopted, whose
	// configuration checkedConfig takes over; dropped when the pre-pass
	// dropped Config, evaluated without error, because the walk plans the
	// instance without it (dropConfig); dataOK on a data source read at
	// plan time. (Kept together: a batch holds 100,000 steps.)
	taken, dropped, dataOK bool
	// predicted is set on a pre-pass step whose value (the value dependents
	// see) is the one the walk will give it (predict.go); keptPredicted
	// once the walk planned it so (keepPredicted), its value untouched.
	// unexact is set on a pre-pass step of a resource evaluated exactly
	// whose own evaluation read a hole of what it depends on
	// (predictColumn): the walk evaluates it again.
	predicted, keptPredicted, unexact bool
	// bound is set on the step of a saved plan's change (Bind): Config is
	// the configuration reviewed, which Final completes and does not
	// evaluate again. backfill is set on a no-op its provider planned
	// against the stored record, which lacks the configuration's digest
	// fp (or holds another): apply records fp (Evaluation.Backfill).
	bound, backfill bool
	// packed is set on a batch's create whose configuration waits encoded
	// in its change (plans.Change.Pack): Config is cty.NilVal until apply
	// reads the change, and Change.Config then holds it. packedKnown says
	// that configuration was wholly known. fpLater is set on an instance
	// the state does not hold, whose digest fp no plan compares with
	// anything: it is taken when apply needs it for the record
	// (Result.Final, Result.ConfigDigest), not for every new instance of a
	// plan that may only be printed or saved.
	packed, packedKnown, fpLater bool
	// finishedSame is set by Finish on the step of a resource read by its
	// keys alone whose value for dependents after apply is the one planned,
	// which the resource's value holds: nothing reads the step again
	// (releasable).
	finishedSame bool
	// idx is the step's index in its resource's steps, set when apply
	// starts (StartApply), for Release. (Beside the flags: it takes no
	// room of its own.)
	idx int32
	// rare holds the fields a step seldom sets (stepRare): nil until one
	// of them is set. A batch of a million creates holds a step each until
	// apply reaches it; kept apart, they take 8 bytes of it, not 88.
	rare *stepRare
	// Config is the configuration as planned (marks stripped; it may hold
	// unknown values). The executor evaluates it again (Result.Evaluate)
	// before a create or update, never sending this one.
	Config cty.Value

	res   *resource
	rep   *schema.Repetition // count and each of the instance (in its resource's keys); nil when none
	value cty.Value          // the value dependents see during planning
	fp    string             // the configuration's digest (state.Resource.ConfigDigest); "" when not known
	// fields are Config's attributes, from the walk's evaluation of a
	// batch's new instance, until pack encodes Config from them
	// (plans.Change.PackAttrs); nil otherwise.
	fields *schema.Fields
}

// stepRare is what a step holds that most steps of a batch do not: the
// marks of its configuration, its validation's diagnostics, the outcome
// refresh found final, and its value after apply.
type stepRare struct {
	marks    []cty.PathValueMarks // marks of Config, re-applied to the values dependents see
	checks   hcl.Diagnostics      // validation's diagnostics of Config (pre-pass)
	finished *plans.Finished      // set by refresh when the provider says the record became final since the last run (providers.Finisher): its noun and outcome
	final    cty.Value            // the value dependents see after apply (refValue of it), set by Result.Finish
}

// more is s.rare, made when s has none.
func (s *Step) more() *stepRare {
	if s.rare == nil {
		s.rare = &stepRare{}
	}
	return s.rare
}

// marks are the marks of s's configuration (nil when none).
func (s *Step) marks() []cty.PathValueMarks {
	if s.rare == nil {
		return nil
	}
	return s.rare.marks
}

// setMarks sets s's marks; none makes no stepRare.
func (s *Step) setMarks(m []cty.PathValueMarks) {
	if len(m) == 0 {
		m = nil
	}
	if m != nil || s.rare != nil {
		s.more().marks = m
	}
}

// checks are validation's diagnostics of s's configuration (nil when none).
func (s *Step) checks() hcl.Diagnostics {
	if s.rare == nil {
		return nil
	}
	return s.rare.checks
}

// setChecks sets s's validation diagnostics; none makes no stepRare.
func (s *Step) setChecks(d hcl.Diagnostics) {
	if len(d) == 0 {
		d = nil
	}
	if d != nil || s.rare != nil {
		s.more().checks = d
	}
}

// finished is the outcome refresh found final since the last run (nil when none).
func (s *Step) finished() *plans.Finished {
	if s.rare == nil {
		return nil
	}
	return s.rare.finished
}

// final is the value dependents see after apply; cty.NilVal until
// Result.Finish sets it (under its resource's mu).
func (s *Step) final() cty.Value {
	if s.rare == nil {
		return cty.NilVal
	}
	return s.rare.final
}

// repetition is the instance's count and each (none when nil).
func (s *Step) repetition() schema.Repetition {
	if s.rep == nil {
		return schema.Repetition{}
	}
	return *s.rep
}

// Addr spells the step's instance address (the state key).
func (s *Step) Addr() string {
	var buf [128]byte
	return string(appendInstanceAddr(buf[:0], s.Change.Addr))
}

// appendInstanceAddr appends a.String() to b: the address of an instance
// of the root module in one allocation at most (String builds it in
// four), which a batch spells for each instance to fingerprint and check
// it.
func appendInstanceAddr(b []byte, a addrs.Instance) []byte {
	if a.Resource.Module != "" {
		return append(b, a.String()...)
	}
	if a.Resource.Mode == addrs.Data {
		b = append(b, "data."...)
	}
	b = append(append(append(b, a.Resource.Type...), '.'), a.Resource.Name...)
	switch k := a.Key.(type) {
	case nil:
		return b
	case addrs.StringKey:
		return append(appendQuoted(append(b, '['), string(k)), ']')
	case addrs.IntKey:
		return append(strconv.AppendInt(append(b, '['), int64(k), 10), ']')
	default:
		return append(b, k.String()...)
	}
}

// appendQuoted is strconv.AppendQuote: a key of printable ASCII with no
// quote or backslash (a batch's usernames) is quoted as it is, without
// AppendQuote's rune by rune.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}
