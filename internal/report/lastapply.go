package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/state"
)

// LastApplyPath is where apply records the outcome of its changes that
// the state cannot hold: what failed and why, what was skipped, what was
// not attempted, what was excluded as invalid.
const LastApplyPath = ".daftar/last-apply.json"

// LastApply is the run record apply writes (mode 0600) when it ends. It
// holds addresses and the errors' summaries only: no value, no secret.
type LastApply struct {
	RunID        string    `json:"run_id"`
	Finished     time.Time `json:"finished"`
	Failed       []Outcome `json:"failed"`
	Skipped      []Outcome `json:"skipped"`
	NotAttempted []string  `json:"not_attempted"`
	Excluded     []Outcome `json:"excluded"`
}

// Outcome is one change that did not succeed, with why.
type Outcome struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
}

// ReadLastApply reads the run record; nil, nil when there is none.
func ReadLastApply(path string) (*LastApply, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var la LastApply
	if err := json.Unmarshal(data, &la); err != nil {
		return nil, fmt.Errorf("%s is not a run record: %w", path, err)
	}
	return &la, nil
}

// Person is what was done for one row of a batch: the instances of every
// resource with its key (for_each key or count index), by outcome.
type Person struct {
	Key     string   `json:"key"`
	Done    []string `json:"done"`
	Failed  []string `json:"failed"`
	Skipped []string `json:"skipped"`
	Pending []string `json:"pending"`
}

// lastApplyFailures are the run record's outcomes that still hold (the
// instance is not in the state as applied since); resource looks an
// address up in the state (nil when absent).
func lastApplyFailures(la *LastApply, resource func(addr string) *state.Resource) []Failure {
	if la == nil {
		return nil
	}
	current := func(addr string) bool {
		res := resource(addr)
		return res == nil || res.UpdatedAt().Before(la.Finished.Add(-time.Second)) || res.Pending() != nil
	}
	var out []Failure
	when := la.Finished.UTC().Format(time.RFC3339)
	for _, o := range la.Failed {
		if current(o.Address) {
			out = append(out, Failure{o.Address, "failed in the apply of " + when + ": " + o.Reason, "failed", la.Finished.UTC()})
		}
	}
	for _, o := range la.Skipped {
		if current(o.Address) {
			out = append(out, Failure{o.Address, "not applied in the apply of " + when + " because " + o.Reason + " failed", "skipped", la.Finished.UTC()})
		}
	}
	for _, a := range la.NotAttempted {
		if current(a) {
			out = append(out, Failure{a, "not attempted in the apply of " + when + " (interrupted, or its provider stopped): the next apply does it", "pending", la.Finished.UTC()})
		}
	}
	for _, o := range la.Excluded {
		out = append(out, Failure{o.Address, "excluded as invalid from the apply of " + when + ": " + o.Reason, "excluded", la.Finished.UTC()})
	}
	return out
}

// addresses are the addresses the run record names, whose state
// lastApplyFailures looks up.
func (la *LastApply) addresses() map[string]bool {
	out := map[string]bool{}
	if la == nil {
		return out
	}
	for _, o := range la.Failed {
		out[o.Address] = true
	}
	for _, o := range la.Skipped {
		out[o.Address] = true
	}
	for _, a := range la.NotAttempted {
		out[a] = true
	}
	return out
}

// peopleOf groups the failures and the state's instances by key. each
// hands every resource of the state, in address order, to its function.
func peopleOf(failures iter.Seq[Failure], each func(func(*state.Resource))) []Person {
	byKey := map[string]*Person{}
	get := func(addr string) *Person {
		k, ok := personKey(addr)
		if !ok {
			return nil
		}
		p := byKey[k]
		if p == nil {
			p = newPerson(k)
			byKey[k] = p
		}
		return p
	}
	notDone := map[string]bool{}
	for f := range failures {
		notDone[f.Address] = true
		p := get(f.Address)
		if p == nil {
			continue
		}
		line := f.Address + ": " + f.Reason
		switch f.Kind {
		case "skipped":
			p.Skipped = append(p.Skipped, line)
		case "pending", "excluded":
			p.Pending = append(p.Pending, line)
		default:
			p.Failed = append(p.Failed, line)
		}
	}
	each(func(res *state.Resource) {
		if res.Pending() == nil && !notDone[res.Address] {
			if p := get(res.Address); p != nil {
				p.Done = append(p.Done, res.Address)
			}
		}
	})
	people := make([]Person, 0, len(byKey))
	for _, p := range byKey {
		people = append(people, *p)
	}
	sort.Slice(people, func(i, j int) bool { return people[i].Key < people[j].Key })
	return people
}

// personKey is the person an instance's address is for: its outermost
// key (module.hire["ani"]'s records, its own keyed ones too, are ani's);
// false for an address without a key.
func personKey(addr string) (string, bool) {
	inst, err := addrs.ParseInstance(addr)
	if err != nil || inst.Key == nil {
		return "", false
	}
	first := addrs.KeyParts(inst.Key)[0]
	if sk, ok := first.(addrs.StringKey); ok {
		return string(sk), true
	}
	return strings.Trim(first.String(), "[]"), true
}

func newPerson(k string) *Person {
	return &Person{Key: k, Done: []string{}, Failed: []string{}, Skipped: []string{}, Pending: []string{}}
}
