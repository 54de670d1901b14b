package report

import (
	"iter"
	"slices"
	"time"
)

// parts is a report as its writers read it: each list a sequence, read
// once, in the order the formats write them, with the counts that the HTML
// page shows before them. A report built whole (partsOf) and one streamed
// from a state's view (Stream) are written by the same code, and so give
// the same bytes.
type parts struct {
	Generated     time.Time
	State         StateID
	Accounts      iter.Seq[Account]
	Verifications iter.Seq[Verification]
	Levels        []Count
	Statuses      []Count
	Failures      iter.Seq[Failure]
	People        iter.Seq[Person]
	Audit         AuditSpan

	NAccounts, NVerifications, NFailures int
	// HasPeople says People has a person.
	HasPeople bool
	// FailureKinds counts the failures by kind, sorted.
	FailureKinds []Count
	// nilLists writes the lists as JSON null: a Report whose slices are
	// nil, as encoding/json writes it.
	nilLists bool
	// err is the first error met reading the sequences (a damaged state).
	err func() error
}

// partsOf gives the parts of a report built whole.
func partsOf(r *Report) *parts {
	kinds := map[string]int{}
	for _, f := range r.Failures {
		kinds[f.Kind]++
	}
	return &parts{Generated: r.Generated, State: r.State,
		Accounts: slices.Values(r.Accounts), Verifications: slices.Values(r.Verifications),
		Levels: r.Levels, Statuses: r.Statuses, Failures: slices.Values(r.Failures), People: slices.Values(r.People),
		Audit: r.Audit, NAccounts: len(r.Accounts), NVerifications: len(r.Verifications), NFailures: len(r.Failures),
		HasPeople: len(r.People) > 0, FailureKinds: countsOf(kinds),
		nilLists: r.Accounts == nil && r.Verifications == nil && r.Failures == nil && r.People == nil,
		err:      func() error { return nil }}
}

// countsOf lists counts by value, sorted; nil when there are none.
func countsOf(m map[string]int) []Count {
	var out []Count
	for _, k := range sortedKeys(m) {
		out = append(out, Count{k, m[k]})
	}
	return out
}
