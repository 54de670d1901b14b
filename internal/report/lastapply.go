package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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

// addLastApply adds the run record's outcomes that still hold (the
// instance is not in the state as applied since) to the failures.
func (r *Report) addLastApply(st *state.State, la *LastApply) {
	if la == nil {
		return
	}
	current := func(addr string) bool {
		res := st.Resources[addr]
		return res == nil || res.UpdatedAt.Before(la.Finished.Add(-time.Second)) || res.Pending != nil
	}
	when := la.Finished.UTC().Format(time.RFC3339)
	for _, o := range la.Failed {
		if current(o.Address) {
			r.Failures = append(r.Failures, Failure{o.Address, "failed in the apply of " + when + ": " + o.Reason, "failed", la.Finished.UTC()})
		}
	}
	for _, o := range la.Skipped {
		if current(o.Address) {
			r.Failures = append(r.Failures, Failure{o.Address, "not applied in the apply of " + when + " because " + o.Reason + " failed", "skipped", la.Finished.UTC()})
		}
	}
	for _, a := range la.NotAttempted {
		if current(a) {
			r.Failures = append(r.Failures, Failure{a, "not attempted in the apply of " + when + " (interrupted, or its provider stopped): the next apply does it", "pending", la.Finished.UTC()})
		}
	}
	for _, o := range la.Excluded {
		r.Failures = append(r.Failures, Failure{o.Address, "excluded as invalid from the apply of " + when + ": " + o.Reason, "excluded", la.Finished.UTC()})
	}
}

// people groups the state's instances and the failures by key.
func (r *Report) people(st *state.State) {
	byKey := map[string]*Person{}
	get := func(addr string) *Person {
		inst, err := addrs.ParseInstance(addr)
		if err != nil || inst.Key == nil {
			return nil
		}
		// A person is an instance's outermost key: module.hire["ani"]'s
		// records, its own keyed ones too, are ani's.
		first := addrs.KeyParts(inst.Key)[0]
		k := first.String()
		if sk, ok := first.(addrs.StringKey); ok {
			k = string(sk)
		} else {
			k = strings.Trim(k, "[]")
		}
		p := byKey[k]
		if p == nil {
			p = &Person{Key: k, Done: []string{}, Failed: []string{}, Skipped: []string{}, Pending: []string{}}
			byKey[k] = p
		}
		return p
	}
	notDone := map[string]bool{}
	for _, f := range r.Failures {
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
	for _, addr := range st.Addresses() {
		if res := st.Resources[addr]; res.Pending == nil && !notDone[addr] {
			if p := get(addr); p != nil {
				p.Done = append(p.Done, addr)
			}
		}
	}
	r.People = make([]Person, 0, len(byKey))
	for _, p := range byKey {
		r.People = append(r.People, *p)
	}
	sort.Slice(r.People, func(i, j int) bool { return r.People[i].Key < r.People[j].Key })
}
