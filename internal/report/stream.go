package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/daftar-dev/daftar/state"
)

// Input is what a streamed report reads.
type Input struct {
	// View is the state, read resource by resource.
	View state.View
	// ID names the state.
	ID StateID
	// Audit is the audit log's span; Evidence the request that last
	// changed each resource (EvidenceFrom).
	Audit    AuditSpan
	Evidence map[string]Evidence
	// LastApply is the last apply's run record; may be nil.
	LastApply *LastApply
	// Now is when the report is made.
	Now time.Time
}

// Summary counts what a streamed report holds.
type Summary struct {
	Accounts, Verifications, Failures int
}

// Stream writes the report of in.View in format ("html", "csv" or
// "json"), the same bytes Write writes for Build's report of the state
// loaded whole, reading the state a resource at a time: a first pass
// counts what the HTML page shows before the lists (accounts,
// verifications, levels, statuses, failures by kind), then each list is
// written as a pass over the state makes it. The state's resources are
// never held together; the people's table is (see docs/report.md).
func Stream(ctx context.Context, w io.Writer, in Input, format string, opts CSVOptions) (Summary, error) {
	if !slices.Contains(Formats, format) {
		return Summary{}, fmt.Errorf("there is no report format %q: choose html, csv or json", format)
	}
	s := &source{ctx: ctx, in: in}
	p := s.prepare()
	if format != "csv" {
		s.addPeople(p)
	}
	if s.failed != nil {
		return Summary{}, s.failed
	}
	sum := Summary{Accounts: p.NAccounts, Verifications: p.NVerifications, Failures: p.NFailures}
	switch format {
	case "html":
		return sum, writeHTML(w, p)
	case "csv":
		return sum, writeCSV(w, p, opts)
	}
	return sum, writeJSON(w, p)
}

// source makes a report's lists from passes over a view.
type source struct {
	ctx context.Context
	in  Input
	// failed is the first error of a pass.
	failed error
	// lastApply are the run record's failures that still hold.
	lastApply []Failure
}

var errStop = errors.New("stop")

// each hands every resource to fn, in address order, until fn returns
// false; an error reading the state is kept in s.failed.
func (s *source) each(fn func(*state.Resource) bool) {
	if s.failed != nil {
		return
	}
	err := s.in.View.Each(s.ctx, func(r *state.Resource) error {
		if !fn(r) {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		s.failed = err
	}
}

// prepare makes the first pass and returns the report's parts.
func (s *source) prepare() *parts {
	named := s.in.LastApply.addresses()
	found := map[string]*state.Resource{}
	levels, statuses, kinds := map[string]int{}, map[string]int{}, map[string]int{}
	p := &parts{Generated: s.in.Now.UTC(), State: s.in.ID, Audit: s.in.Audit,
		Accounts: s.accounts(), Verifications: s.verifications(), Failures: s.failures(),
		err: func() error { return s.failed }}
	s.each(func(res *state.Resource) bool {
		if named[res.Address] {
			found[res.Address] = res
		}
		if res.Pending != nil {
			kinds["pending"]++
		}
		switch res.Type {
		case "usapi_account":
			if isObject(res.Attributes) {
				p.NAccounts++
			}
		case "proofylink_verification":
			if a := attributes(res); a != nil {
				p.NVerifications++
				countLevel(levels, str(a, "credibility_level"))
				statuses[orDash(str(a, "status"))]++
				if str(a, "status") == "failed" {
					kinds["verification"]++
				}
			}
		}
		return true
	})
	s.lastApply = lastApplyFailures(s.in.LastApply, func(a string) *state.Resource { return found[a] })
	for _, f := range s.lastApply {
		kinds[f.Kind]++
	}
	for _, n := range kinds {
		p.NFailures += n
	}
	p.Levels, p.Statuses, p.FailureKinds = levelsOf(levels), statusesOf(statuses), countsOf(kinds)
	return p
}

// addPeople groups the instances by key, for the formats that show them
// (the CSV has no people): two more passes, and the table held whole.
func (s *source) addPeople(p *parts) {
	people := peopleOf(s.failures(), func(done func(*state.Resource)) {
		s.each(func(r *state.Resource) bool { done(r); return true })
	})
	p.NPeople, p.People = len(people), slices.Values(people)
}

// isObject reports whether attrs, valid JSON, is an object: what
// attributes decodes to a map.
func isObject(attrs []byte) bool {
	a := bytes.TrimLeft(attrs, " \t\r\n")
	return len(a) > 0 && a[0] == '{'
}

// accounts are the state's accounts, in address order.
func (s *source) accounts() iter.Seq[Account] {
	return func(yield func(Account) bool) {
		s.each(func(res *state.Resource) bool {
			if res.Type != "usapi_account" {
				return true
			}
			a := attributes(res)
			return a == nil || yield(account(res.Address, a, s.in.Evidence[res.Address]))
		})
	}
}

// verifications are the state's verifications, in address order.
func (s *source) verifications() iter.Seq[Verification] {
	return func(yield func(Verification) bool) {
		s.each(func(res *state.Resource) bool {
			if res.Type != "proofylink_verification" {
				return true
			}
			a := attributes(res)
			return a == nil || yield(verification(res.Address, a, s.in.Evidence[res.Address]))
		})
	}
}

// failures are the state's failures in address order (pending creates,
// failed verifications), then the run record's.
func (s *source) failures() iter.Seq[Failure] {
	return func(yield func(Failure) bool) {
		stopped := false
		s.each(func(res *state.Resource) bool {
			if res.Pending != nil && !yield(pendingFailure(res)) {
				stopped = true
				return false
			}
			if res.Type != "proofylink_verification" {
				return true
			}
			if a := attributes(res); a != nil && str(a, "status") == "failed" {
				if !yield(verificationFailure(verification(res.Address, a, Evidence{}))) {
					stopped = true
					return false
				}
			}
			return true
		})
		for _, f := range s.lastApply {
			if stopped || s.failed != nil || !yield(f) {
				return
			}
		}
	}
}
