package progress

import (
	"sort"
	"sync"
	"time"
)

// Tracker counts the changes of one apply per provider. It is safe for
// concurrent use: the executor's workers call Start and Finish.
type Tracker struct {
	now   func() time.Time
	start time.Time

	mu    sync.Mutex
	provs map[string]*Counts
	names []string // sorted
}

// Counts are one provider's changes at one moment (or every provider's,
// for Tracker.Total, with Provider empty).
type Counts struct {
	Provider string
	// Total is the number of changes the apply will carry out.
	Total int
	// Done counts the changes that succeeded, Failed those that failed.
	Done, Failed int
	// InFlight counts the changes started and not yet finished.
	InFlight int
	// Skipped counts the changes that will not run (something they
	// depend on failed, or the apply stopped starting changes): they are
	// not in Total, so that the rate and the ETA are of work that can
	// still run.
	Skipped int
	// Elapsed is the time since the apply started.
	Elapsed time.Duration
}

// NewTracker starts counting an apply that carries out totals[provider]
// changes per provider.
func NewTracker(totals map[string]int) *Tracker {
	return newTracker(totals, time.Now)
}

func newTracker(totals map[string]int, now func() time.Time) *Tracker {
	t := &Tracker{now: now, start: now(), provs: map[string]*Counts{}}
	for name, n := range totals {
		t.provs[name] = &Counts{Provider: name, Total: n}
		t.names = append(t.names, name)
	}
	sort.Strings(t.names)
	return t
}

// counts returns the counts of provider, adding it when the totals did
// not name it. The caller holds t.mu.
func (t *Tracker) counts(provider string) *Counts {
	c := t.provs[provider]
	if c == nil {
		c = &Counts{Provider: provider}
		t.provs[provider] = c
		t.names = append(t.names, provider)
		sort.Strings(t.names)
	}
	return c
}

// Start records that a change of provider started.
func (t *Tracker) Start(provider string) {
	t.mu.Lock()
	t.counts(provider).InFlight++
	t.mu.Unlock()
}

// Finish records the outcome of a change of provider; started says
// whether Start was called for it (a change skipped because something it
// depends on failed finishes without starting).
func (t *Tracker) Finish(provider string, started, failed bool) {
	t.mu.Lock()
	c := t.counts(provider)
	if started && c.InFlight > 0 {
		c.InFlight--
	}
	if failed {
		c.Failed++
	} else {
		c.Done++
	}
	t.mu.Unlock()
}

// Skip takes a change of provider that will not run out of its total.
func (t *Tracker) Skip(provider string) {
	t.mu.Lock()
	c := t.counts(provider)
	if c.Total > 0 {
		c.Total--
	}
	c.Skipped++
	t.mu.Unlock()
}

// Providers returns the counts of every provider, sorted by name.
func (t *Tracker) Providers() []Counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	elapsed := t.now().Sub(t.start)
	out := make([]Counts, len(t.names))
	for i, name := range t.names {
		out[i] = *t.provs[name]
		out[i].Elapsed = elapsed
	}
	return out
}

// Provider returns the counts of one provider.
func (t *Tracker) Provider(name string) Counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := *t.counts(name)
	c.Elapsed = t.now().Sub(t.start)
	return c
}

// Total sums the counts of every provider.
func (t *Tracker) Total() Counts {
	var sum Counts
	for _, c := range t.Providers() {
		sum.Total += c.Total
		sum.Done += c.Done
		sum.Failed += c.Failed
		sum.InFlight += c.InFlight
		sum.Skipped += c.Skipped
		sum.Elapsed = c.Elapsed
	}
	return sum
}

// Finished counts the changes that ended, well or not.
func (c Counts) Finished() int { return c.Done + c.Failed }

// Rate is the changes finished per second since the apply started.
func (c Counts) Rate() float64 {
	if c.Elapsed <= 0 {
		return 0
	}
	return float64(c.Finished()) / c.Elapsed.Seconds()
}

// ETA is the time left at the rate so far; false while nothing has
// finished yet.
func (c Counts) ETA() (time.Duration, bool) {
	left := c.Total - c.Finished()
	switch rate := c.Rate(); {
	case left <= 0:
		return 0, true
	case rate <= 0:
		return 0, false
	default:
		return time.Duration(float64(left) / rate * float64(time.Second)), true
	}
}
