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
	// changed each resource (nil: none).
	Audit    AuditSpan
	Evidence *EvidenceLog
	// LastApply is the last apply's run record; may be nil.
	LastApply *LastApply
	// Now is when the report is made.
	Now time.Time
	// TempDir is where the people's table is sorted when it does not fit
	// in memory (os.TempDir when empty).
	TempDir string
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
// written as a pass over the state makes it. Neither the state's
// resources nor the people's table nor the evidence are held together:
// the people and the evidence are sorted in bounded memory, on disk
// (encrypted) past a bound (see spill).
func Stream(ctx context.Context, w io.Writer, in Input, format string, opts CSVOptions) (Summary, error) {
	if !slices.Contains(Formats, format) {
		return Summary{}, fmt.Errorf("there is no report format %q: choose html, csv or json", format)
	}
	s := &source{ctx: ctx, in: in}
	defer s.close()
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
	// people are the people's records, sorted by key (see addPeople).
	people *spill
}

func (s *source) close() {
	if s.people != nil {
		s.people.close()
	}
}

// fail keeps err, the first error.
func (s *source) fail(err error) {
	if err != nil && s.failed == nil {
		s.failed = err
	}
}

var errStop = errors.New("stop")

// each hands every resource to fn, in address order, until fn returns
// false; an error reading the state is kept in s.failed.
func (s *source) each(fn func(*state.Resource) bool) {
	if s.failed != nil {
		return
	}
	err := s.in.View.Each(s.ctx, func(r *state.Resource) error {
		if err := readable(r); err != nil {
			return err
		}
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
		if res.Pending() != nil {
			kinds["pending"]++
		}
		switch res.Type() {
		case "usapi_account":
			if a, _ := res.Attributes(); isObject(a) { // each checked it is readable
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
// (the CSV has no people), as peopleOf does: one pass over the state adds
// a record per instance with a key (its person's key, the list it goes
// to, the line), then the run record's failures; the records are sorted
// by key, then in the order they were added, and read back a person at a
// time as the table is written.
func (s *source) addPeople(p *parts) {
	s.people = newSpill(s.in.TempDir)
	var n uint64
	add := func(addr string, list byte, line string) {
		k, ok := personKey(addr)
		if !ok {
			return
		}
		n++
		s.people.add(k, n, append([]byte{list}, line...))
	}
	notDone := map[string]bool{}
	for _, f := range s.lastApply {
		notDone[f.Address] = true
	}
	failure := func(f Failure) {
		line := f.Address + ": " + f.Reason
		switch f.Kind {
		case "skipped":
			add(f.Address, 'S', line)
		case "pending", "excluded":
			add(f.Address, 'P', line)
		default:
			add(f.Address, 'F', line)
		}
	}
	s.each(func(res *state.Resource) bool {
		if res.Pending() != nil {
			failure(pendingFailure(res))
		}
		failed := false
		if res.Type() == "proofylink_verification" {
			if a := attributes(res); a != nil && str(a, "status") == "failed" {
				failure(verificationFailure(verification(res.Address, a, Evidence{})))
				failed = true
			}
		}
		if res.Pending() == nil && !failed && !notDone[res.Address] {
			add(res.Address, 'D', res.Address)
		}
		return true
	})
	for _, f := range s.lastApply {
		failure(f)
	}
	p.HasPeople = n > 0
	p.People = func(yield func(Person) bool) {
		var cur *Person
		stopped := false
		err := s.people.each(func(r record) bool {
			if cur != nil && cur.Key != r.key {
				if !yield(*cur) {
					stopped = true
					return false
				}
				cur = nil
			}
			if cur == nil {
				cur = newPerson(r.key)
			}
			line := string(r.data[1:])
			switch r.data[0] {
			case 'D':
				cur.Done = append(cur.Done, line)
			case 'F':
				cur.Failed = append(cur.Failed, line)
			case 'S':
				cur.Skipped = append(cur.Skipped, line)
			default:
				cur.Pending = append(cur.Pending, line)
			}
			return true
		})
		s.fail(err)
		if err == nil && !stopped && cur != nil {
			yield(*cur)
		}
	}
}

// readable reports why r's attributes cannot be read back from the state
// file, or nil: what reads them after takes them for read.
func readable(r *state.Resource) error {
	_, err := r.Attributes()
	return err
}

// isObject reports whether attrs, valid JSON, is an object: what
// attributes decodes to a map.
func isObject(attrs []byte) bool {
	a := bytes.TrimLeft(attrs, " \t\r\n")
	return len(a) > 0 && a[0] == '{'
}

// accounts are the state's accounts, in address order.
func (s *source) accounts() iter.Seq[Account] {
	return records(s, "usapi_account", account)
}

// verifications are the state's verifications, in address order.
func (s *source) verifications() iter.Seq[Verification] {
	return records(s, "proofylink_verification", verification)
}

// records are the rows row builds of the state's resources of type typ
// that hold attributes, in address order, each with its evidence.
func records[T any](s *source, typ string, row func(addr string, a map[string]any, ev Evidence) T) iter.Seq[T] {
	return func(yield func(T) bool) {
		ev, err := s.in.Evidence.cursor()
		if err != nil {
			s.fail(err)
			return
		}
		s.each(func(res *state.Resource) bool {
			if res.Type() != typ {
				return true
			}
			a := attributes(res)
			return a == nil || yield(row(res.Address, a, ev.of(res.Address)))
		})
		s.fail(ev.close())
	}
}

// failures are the state's failures in address order (pending creates,
// failed verifications), then the run record's.
func (s *source) failures() iter.Seq[Failure] {
	return func(yield func(Failure) bool) {
		stopped := false
		s.each(func(res *state.Resource) bool {
			if res.Pending() != nil && !yield(pendingFailure(res)) {
				stopped = true
				return false
			}
			if res.Type() != "proofylink_verification" {
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
