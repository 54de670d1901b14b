package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/progress"
	"github.com/daftar-dev/daftar/planner"
	"golang.org/x/term"
)

// How apply reports progress (docs/performance.md):
//   - up to perChangeLimit changes: one line as each change starts and ends;
//   - more, on a terminal: a live bar per provider (progress.Display), with
//     failures printed above the bars;
//   - more, in a log (cron): a line every progressInterval, and failures;
//   - -json: every change's events, and a progress event per provider every
//     progressInterval.
const (
	perChangeLimit   = 50
	progressInterval = 10 * time.Second
	// progressIntervalEnv overrides progressInterval (a Go duration).
	progressIntervalEnv = "DAFTAR_PROGRESS_INTERVAL"
)

// progressHooks adds progress to apply's hooks: it counts every change in
// a progress.Tracker and, for a large apply, shows the counts instead of a
// line per change.
type progressHooks struct {
	applyHooks // the per-change lines or events, and the summary
	tracker    *progress.Tracker
	perChange  bool // forward every change to applyHooks

	mu      sync.Mutex
	started map[*plans.Change]time.Time

	display *progress.Display
	logger  *progress.Logger
	ticker  *time.Ticker  // -json progress events
	every   time.Duration // between -json progress events
	done    chan struct{}
	wg      sync.WaitGroup
}

// withProgress wraps hooks with the progress of res's changes. stop must be
// called once the apply has returned, before the summary.
func (m *Meta) withProgress(hooks applyHooks, res *planner.Result, jsonOut bool) *progressHooks {
	totals, n := workByProvider(res)
	h := &progressHooks{applyHooks: hooks, tracker: progress.NewTracker(totals), started: map[*plans.Change]time.Time{}, done: make(chan struct{})}
	every := m.progressInterval()
	switch {
	case jsonOut:
		h.perChange = true
		if jh, ok := hooks.(*jsonHooks); ok {
			h.startEvents(jh, every)
		}
	case n <= perChangeLimit:
		h.perChange = true
	case m.stdoutIsTerminal():
		h.display = progress.NewDisplay(m.liveStdout(), h.tracker)
	default:
		fmt.Fprintf(m.Stdout, "apply: %s changes; progress every %s, and each failure as it happens.\n", progress.Thousands(n), progress.Duration(every))
		h.logger = progress.StartLogger(m.Stdout, h.tracker, "apply", every)
	}
	return h
}

// workByProvider counts the steps apply carries out, per provider.
func workByProvider(res *planner.Result) (map[string]int, int) {
	totals := map[string]int{}
	n := 0
	for _, s := range res.StepsButLazy() {
		if s.Change.Action != plans.NoOp || s.Persist {
			totals[s.Change.Provider]++
			n++
		}
	}
	for _, l := range res.Plan.Lazy { // a batch's creates, made as apply takes them
		totals[l.Provider] += l.N
		n += l.N
	}
	return totals, n
}

func (h *progressHooks) ChangeStarted(c *plans.Change) {
	h.mu.Lock()
	h.started[c] = time.Now()
	h.mu.Unlock()
	h.tracker.Start(c.Provider)
	if h.perChange {
		h.applyHooks.ChangeStarted(c)
	}
}

func (h *progressHooks) ChangeFinished(c *plans.Change, err error) {
	h.mu.Lock()
	start, started := h.started[c]
	delete(h.started, c)
	h.mu.Unlock()
	h.tracker.Finish(c.Provider, started, err != nil && !errors.As(err, new(*executor.Warning)))
	switch {
	case h.perChange:
		h.applyHooks.ChangeFinished(c, err)
	case h.display != nil:
		h.display.Finished(c.Provider)
		if err != nil {
			h.display.Println(failureLine(c, start, started, err))
		}
	case h.logger != nil && err != nil:
		h.logger.Println(failureLine(c, start, started, err))
	}
}

// ChangeSkipped takes a change that will not run out of the work left.
// Only an apply that shows every change shows it: one failure can skip
// thousands, which the counts and the closing summary tell at once.
func (h *progressHooks) ChangeSkipped(c *plans.Change, failed string) {
	h.tracker.Skip(c.Provider)
	if h.perChange { // a large apply counts them, and the summary groups them
		h.applyHooks.ChangeSkipped(c, failed)
	}
}

// failureLine is the line of a failed change in a large apply; the full
// diagnostics come at the end.
func failureLine(c *plans.Change, start time.Time, started bool, err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	msg = strings.TrimPrefix(msg, c.Addr.String()+": ")
	if !started {
		return fmt.Sprintf("%s: not applied: %s", c.Addr, msg)
	}
	return fmt.Sprintf("%s: failed after %s: %s", c.Addr, time.Since(start).Round(time.Second), msg)
}

// startEvents emits a progress event per provider at every tick.
func (h *progressHooks) startEvents(jh *jsonHooks, every time.Duration) {
	h.every = every
	h.ticker = time.NewTicker(every)
	h.wg.Go(func() {
		for {
			select {
			case <-h.ticker.C:
				h.emitProgress(jh)
			case <-h.done:
				return
			}
		}
	})
}

// progressEvent is the -json event of one provider's progress:
//
//	{"@level":"info","@message":"usapi: 12345 of 100000 done","@module":"daftar.ui","@timestamp":"...",
//	 "type":"progress","time":"...","provider":"usapi","total":100000,"done":12345,
//	 "failed":3,"skipped":0,"in_flight":40,"rate_per_second":1234.5,"elapsed_seconds":10.0,"eta_seconds":70.5}
//
// eta_seconds is absent while nothing has finished.
type progressEvent struct {
	uiHeader
	Type       string   `json:"type"`
	Time       string   `json:"time"`
	Provider   string   `json:"provider"`
	Total      int      `json:"total"`
	Done       int      `json:"done"`
	Failed     int      `json:"failed"`
	Skipped    int      `json:"skipped"`
	InFlight   int      `json:"in_flight"`
	RatePerSec float64  `json:"rate_per_second"`
	ElapsedSec float64  `json:"elapsed_seconds"`
	ETASec     *float64 `json:"eta_seconds,omitempty"`
}

func (h *progressHooks) emitProgress(jh *jsonHooks) {
	at := time.Now().UTC()
	now := at.Format(time.RFC3339Nano)
	var lines []byte
	for _, c := range h.tracker.Providers() {
		e := progressEvent{Type: "progress", Time: now, Provider: c.Provider, Total: c.Total, Done: c.Done, Failed: c.Failed, Skipped: c.Skipped,
			InFlight: c.InFlight, RatePerSec: math.Round(c.Rate()*10) / 10, ElapsedSec: math.Round(c.Elapsed.Seconds()*10) / 10}
		e.Message = fmt.Sprintf("%s: %d of %d done", c.Provider, c.Done, c.Total)
		e.stamp(at)
		if eta, ok := c.ETA(); ok {
			s := math.Round(eta.Seconds()*10) / 10
			e.ETASec = &s
		}
		data, _ := json.Marshal(e)
		lines = append(append(lines, data...), '\n')
	}
	lines = append(lines, h.stillRunning(at)...)
	jh.mu.Lock()
	defer jh.mu.Unlock()
	jh.w.Write(lines)
}

// stillRunning is Terraform's apply_progress: one event per change that
// has been running for at least the interval ("Still creating... [20s
// elapsed]"), such as a verification waiting for its result. There are
// at most as many as changes in flight.
func (h *progressHooks) stillRunning(at time.Time) []byte {
	h.mu.Lock()
	var running []*plans.Change
	elapsed := map[*plans.Change]time.Duration{}
	for c, start := range h.started {
		if d := at.Sub(start); d >= h.every {
			running, elapsed[c] = append(running, c), d
		}
	}
	h.mu.Unlock()
	sort.Slice(running, func(i, j int) bool { return running[i].Addr.String() < running[j].Addr.String() })
	var lines []byte
	for _, c := range running {
		secs := math.Round(elapsed[c].Seconds())
		hook := hookOf(c)
		hook.ElapsedSec = &secs
		e := jsonEvent{uiHeader: uiHeader{Message: fmt.Sprintf("%s: Still %s [%s elapsed]", c.Addr, strings.ToLower(verb(c.Action)[0]), elapsed[c].Round(time.Second))},
			Type: "apply_progress", Address: c.Addr.String(), Action: c.Action.String(), ElapsedSec: secs, Hook: hook}
		e.Time = at.Format(time.RFC3339Nano)
		e.stamp(at)
		data, _ := json.Marshal(e)
		lines = append(append(lines, data...), '\n')
	}
	return lines
}

// stop ends the display, the log lines or the events: the apply has
// returned and the summary follows.
func (h *progressHooks) stop() {
	close(h.done)
	if h.ticker != nil {
		h.ticker.Stop()
	}
	h.wg.Wait()
	if h.display != nil {
		h.display.Stop()
	}
	if h.logger != nil {
		h.logger.Stop()
	}
}

// progressInterval is how often progress is logged: DAFTAR_PROGRESS_INTERVAL
// when set to a positive duration, else progressInterval.
func (m *Meta) progressInterval() time.Duration {
	for _, kv := range m.Environ {
		if v, ok := strings.CutPrefix(kv, progressIntervalEnv+"="); ok {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				return d
			}
			m.warnf("%s=%q is not a positive duration such as 30s or 1m; progress is logged every %s.", progressIntervalEnv, v, progressInterval)
		}
	}
	return progressInterval
}

// stdoutIsTerminal reports whether standard output is an interactive
// terminal, where a live display can redraw itself.
func (m *Meta) stdoutIsTerminal() bool {
	f := streamFile(m.Stdout)
	return f != nil && term.IsTerminal(int(f.Fd()))
}
