package command

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/state"
)

// applyHooks reports apply progress: lines for people, or one JSON event
// per line with -json.
type applyHooks interface {
	executor.Hooks
	Summary(r *executor.Report, interrupted bool, retries retryCount)
}

// retryCount is what a run's retry budget (httpx.Budget) spent: retries
// made, the most allowed, and retries refused once it was spent.
type retryCount struct{ Used, Max, Denied int }

// line reports the retries before apply's summary line; "" when there
// were none.
func (c retryCount) line() string {
	switch {
	case c.Denied > 0:
		return fmt.Sprintf("Retried %s (budget %d); %d more retries were refused once the budget was spent.", requests(c.Used), c.Max, c.Denied)
	case c.Used > 0:
		return fmt.Sprintf("Retried %s (budget %d).", requests(c.Used), c.Max)
	}
	return ""
}

// requests counts requests in English: "1 request", "7 requests".
func requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}

func (m *Meta) applyHooks(jsonOut bool) applyHooks {
	if jsonOut {
		return &jsonHooks{w: m.Stdout, started: map[string]time.Time{}}
	}
	return &textHooks{w: m.Stdout, started: map[string]time.Time{}}
}

// summaryLine is apply's last line.
func summaryLine(r *executor.Report, interrupted bool) string {
	counts := fmt.Sprintf("Resources: %d added, %d changed, %d replaced, %d forgotten.", r.Added, r.Changed, r.Replaced, r.Forgotten)
	if r.Imported > 0 {
		// As Terraform: the import count leads, and only when there is one.
		counts = fmt.Sprintf("Resources: %d imported, %d added, %d changed, %d replaced, %d forgotten.", r.Imported, r.Added, r.Changed, r.Replaced, r.Forgotten)
	}
	switch {
	case r.Interrupted || interrupted:
		return "Apply interrupted! " + counts
	case r.Failed > 0:
		return "Apply failed! " + counts
	}
	return "Apply complete! " + counts
}

// outcomeLine says what did not succeed, on the line before the summary,
// which keeps the contract's counts at its end; "" when all went well.
func outcomeLine(r *executor.Report, interrupted bool) string {
	var parts []string
	if r.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed (see the errors above)", r.Failed))
	}
	if r.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped because a change they depend on failed", r.Skipped))
	}
	if r.NotStarted > 0 {
		parts = append(parts, fmt.Sprintf("%d not attempted", r.NotStarted))
	}
	const again = "Run daftar apply again to finish the work."
	switch {
	case len(parts) > 0:
		return "Changes: " + strings.Join(parts, ", ") + ". " + again
	case r.Interrupted || interrupted:
		return again
	}
	return ""
}

var actionVerbs = map[plans.Action][2]string{
	plans.Create:  {"Creating...", "Creation complete"},
	plans.Update:  {"Modifying...", "Modifications complete"},
	plans.Replace: {"Replacing...", "Replacement complete"},
	plans.Forget:  {"Forgetting...", "Forgotten"},
	plans.Read:    {"Reading...", "Read complete"},
}

type textHooks struct {
	w       io.Writer
	mu      sync.Mutex
	started map[string]time.Time
}

func (h *textHooks) ChangeStarted(c *plans.Change) {
	verbs, ok := actionVerbs[c.Action]
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.started[c.Addr.String()] = time.Now()
	fmt.Fprintf(h.w, "%s: %s\n", c.Addr, verbs[0])
}

func (h *textHooks) ChangeFinished(c *plans.Change, err error) {
	verbs, ok := actionVerbs[c.Action]
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	start, started := h.started[c.Addr.String()]
	took := time.Since(start).Round(time.Second)
	delete(h.started, c.Addr.String())
	var warned *executor.Warning
	switch {
	case errors.As(err, &warned):
		fmt.Fprintf(h.w, "%s: Read failed after %s, a warning (the apply goes on): %s\n", c.Addr, took, warned.Summary)
		return
	case err != nil && !started:
		fmt.Fprintf(h.w, "%s: %s\n", c.Addr, err)
		return
	case err != nil:
		fmt.Fprintf(h.w, "%s: failed after %s\n", c.Addr, took)
		return
	}
	fmt.Fprintf(h.w, "%s: %s after %s\n", c.Addr, verbs[1], took)
}

// ChangeSkipped prints the change not applied and why.
func (h *textHooks) ChangeSkipped(c *plans.Change, failed string) {
	if failed == "" {
		return // the interrupt or the stop says it once
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.w, "%s: skipped: %s failed\n", c.Addr, failed)
}

func (h *textHooks) Summary(r *executor.Report, interrupted bool, retries retryCount) {
	if block := outcomeBlock(r); block != "" {
		fmt.Fprintf(h.w, "\n%s", block)
	}
	if line := retries.line(); line != "" {
		fmt.Fprintf(h.w, "\n%s\n", line)
	}
	if line := outcomeLine(r, interrupted); line != "" {
		fmt.Fprintf(h.w, "\n%s\n", line)
	}
	fmt.Fprintf(h.w, "\n%s\n", summaryLine(r, interrupted))
}

// jsonHooks streams one JSON object per line in Terraform's machine-
// readable UI shape (uievents.go): apply_start, then apply_complete or
// apply_errored per change, and a final change_summary.
type jsonHooks struct {
	w       io.Writer
	mu      sync.Mutex
	started map[string]time.Time
}

type jsonEvent struct {
	uiHeader
	Type       string  `json:"type"`
	Time       string  `json:"time"`
	Address    string  `json:"address,omitempty"`
	Action     string  `json:"action,omitempty"`
	Error      string  `json:"error,omitempty"`
	ElapsedSec float64 `json:"elapsed_seconds,omitempty"`

	Added        *int   `json:"added,omitempty"`
	Changed      *int   `json:"changed,omitempty"`
	Replaced     *int   `json:"replaced,omitempty"`
	Forgotten    *int   `json:"forgotten,omitempty"`
	Failed       *int   `json:"failed,omitempty"`
	Skipped      *int   `json:"skipped,omitempty"`
	NotAttempted *int   `json:"not_attempted,omitempty"`
	Interrupted  bool   `json:"interrupted,omitempty"`
	Message      string `json:"message,omitempty"`

	// DependsOnFailed is, in change_skipped, the failed change it waited
	// for.
	DependsOnFailed string `json:"depends_on_failed,omitempty"`
	// A failure_group's resource, count and addresses (Message is the
	// error's summary).
	Resource  string   `json:"resource,omitempty"`
	Count     int      `json:"count,omitempty"`
	Addresses []string `json:"addresses,omitempty"`
	// Reasons are, in the excluded event, why each address was left out.
	Reasons []string `json:"reasons,omitempty"`
	// Provider is a provider_halted event's provider (Message is the
	// cause, Count the changes not attempted).
	Provider string `json:"provider,omitempty"`
	// Outputs are the outputs event's values, by name.
	Outputs map[string]any `json:"outputs,omitempty"`

	// Hook is Terraform's hook object of apply_start, apply_complete and
	// apply_errored; Change its change object of planned_change.
	Hook   *uiHook `json:"hook,omitempty"`
	Change *uiHook `json:"change,omitempty"`
	// Changes is change_summary's counts in Terraform's shape.
	Changes *uiChanges `json:"changes,omitempty"`

	// Outcome is a resolution's: adopted, not-created or undecided.
	Outcome string `json:"outcome,omitempty"`

	// The summary's retries: made, allowed, refused once spent.
	Retries        *int `json:"retries,omitempty"`
	RetryBudget    *int `json:"retry_budget,omitempty"`
	RetriesRefused int  `json:"retries_refused,omitempty"`
}

// resolutionEvents streams, with -json, one "resolution" event per create
// an interrupted apply left that the plan resolved (the human output shows
// them with the plan), before any change starts.
func resolutionEvents(w io.Writer, rs []plans.Resolution) {
	h := &jsonHooks{w: w}
	for _, r := range rs {
		h.emit(jsonEvent{uiHeader: uiHeader{Message: r.Addr.String() + ": " + r.Message}, Type: "resolution", Address: r.Addr.String(), Outcome: r.Outcome, Message: r.Message})
	}
}

func (h *jsonHooks) emit(e jsonEvent) {
	now := time.Now().UTC()
	e.Time = now.Format(time.RFC3339Nano)
	e.stamp(now)
	data, _ := json.Marshal(e)
	h.w.Write(append(data, '\n'))
}

// verb is the word of Terraform's messages for an action: Creating...,
// Creation complete, Creation errored.
func verb(a plans.Action) [3]string {
	if v, ok := actionVerbs[a]; ok {
		noun, _, _ := strings.Cut(v[1], " ")
		return [3]string{v[0], v[1], noun + " errored"}
	}
	return [3]string{"Applying...", "Apply complete", "Apply errored"}
}

func (h *jsonHooks) ChangeStarted(c *plans.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.started[c.Addr.String()] = time.Now()
	h.emit(jsonEvent{uiHeader: uiHeader{Message: fmt.Sprintf("%s: %s", c.Addr, verb(c.Action)[0])}, Type: "apply_start",
		Address: c.Addr.String(), Action: c.Action.String(), Hook: hookOf(c)})
}

func (h *jsonHooks) ChangeFinished(c *plans.Change, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := jsonEvent{Type: "apply_complete", Address: c.Addr.String(), Action: c.Action.String(), Hook: hookOf(c)}
	took := time.Duration(0)
	if start, ok := h.started[c.Addr.String()]; ok {
		took = time.Since(start)
		// Milliseconds: a float's long tail (1.9114000000000001) is no
		// measure, and sixteen digits in a row read as a NIK to the
		// redactor every printed line passes through.
		e.ElapsedSec = math.Round(took.Seconds()*1000) / 1000
		e.Hook.ElapsedSec = &e.ElapsedSec
	}
	delete(h.started, c.Addr.String())
	e.uiHeader.Message = fmt.Sprintf("%s: %s after %s", c.Addr, verb(c.Action)[1], took.Round(time.Second))
	if err != nil {
		e.Type, e.Error, e.Level = "apply_errored", err.Error(), "error"
		e.uiHeader.Message = fmt.Sprintf("%s: %s after %s", c.Addr, verb(c.Action)[2], took.Round(time.Second))
		if errors.As(err, new(*executor.Warning)) {
			e.Level = "warn" // a failed read that the apply goes on from
		}
	}
	h.emit(e)
}

// ChangeSkipped emits change_skipped (with the failed change it waited
// for) or change_not_attempted.
func (h *jsonHooks) ChangeSkipped(c *plans.Change, failed string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := jsonEvent{uiHeader: uiHeader{Level: "warn", Message: fmt.Sprintf("%s: skipped: %s failed", c.Addr, failed)},
		Type: "change_skipped", Address: c.Addr.String(), Action: c.Action.String(), DependsOnFailed: failed}
	if failed == "" {
		e.Type, e.uiHeader.Message = "change_not_attempted", fmt.Sprintf("%s: not attempted", c.Addr)
	}
	h.emit(e)
}

// Summary emits a failure_group event per group of identical failures,
// then the summary.
func (h *jsonHooks) Summary(r *executor.Report, interrupted bool, retries retryCount) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, g := range groupFailures(r.Failures) {
		e := jsonEvent{uiHeader: uiHeader{Level: "error", Message: fmt.Sprintf("%d changes of %s failed: %s", len(g.Addrs), g.Resource, g.Message)}, Type: "failure_group", Resource: g.Resource, Message: g.Message, Count: len(g.Addrs)}
		for _, a := range g.Addrs {
			e.Addresses = append(e.Addresses, a.String())
		}
		h.emit(e)
	}
	for _, hl := range r.Halts {
		h.emit(jsonEvent{uiHeader: uiHeader{Level: "error", Message: fmt.Sprintf("Stopped starting %s changes: %s", hl.Provider, hl.Cause)}, Type: "provider_halted", Provider: hl.Provider, Message: hl.Cause.Error(), Count: hl.NotAttempted})
	}
	level := "info"
	if r.Failed > 0 || r.Interrupted || interrupted {
		level = "error"
	}
	h.emit(jsonEvent{uiHeader: uiHeader{Level: level, Message: summaryLine(r, interrupted)}, Type: "change_summary",
		Changes: &uiChanges{Add: r.Added, Change: r.Changed, Replace: r.Replaced, Forget: r.Forgotten, Operation: "apply"}, Added: &r.Added, Changed: &r.Changed, Replaced: &r.Replaced, Forgotten: &r.Forgotten,
		Failed: &r.Failed, Skipped: &r.Skipped, NotAttempted: &r.NotStarted, Interrupted: r.Interrupted || interrupted, Message: summaryLine(r, interrupted),
		Retries: &retries.Used, RetryBudget: &retries.Max, RetriesRefused: retries.Denied})
}

// outputsEvent emits, with -json, the outputs as recorded in the state:
// {"type":"outputs","outputs":{"name":{"value":...,"sensitive":false}}}
// sensitive values as null.
func outputsEvent(w io.Writer, st *state.State) {
	outs := outputViews(st)
	if len(outs) == 0 {
		return
	}
	(&jsonHooks{w: w}).emit(jsonEvent{uiHeader: uiHeader{Message: fmt.Sprintf("Outputs: %d", len(outs))}, Type: "outputs", Outputs: render.OutputsJSON(outs)})
}

// excludedEvent emits, with -json, the instances the plan left out as
// invalid: {"type":"excluded","count":2,"addresses":[...],"message":"..."}.
func excludedEvent(w io.Writer, ex []plans.Exclusion) {
	if len(ex) == 0 {
		return
	}
	e := jsonEvent{uiHeader: uiHeader{Level: "warn", Message: fmt.Sprintf("%d excluded: invalid input", len(ex))}, Type: "excluded", Count: len(ex), Message: fmt.Sprintf("%d excluded: invalid input", len(ex))}
	for _, x := range ex {
		e.Addresses = append(e.Addresses, x.Addr.String())
		e.Reasons = append(e.Reasons, x.Reason)
	}
	(&jsonHooks{w: w}).emit(e)
}
