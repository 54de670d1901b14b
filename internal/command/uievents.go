package command

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/render"
	"github.com/daftar-dev/daftar/planner"
	"github.com/hashicorp/hcl/v2"
)

// The -json streams of apply follow Terraform's machine-readable UI
// (docs/json.md): one JSON object per line, each starting with uiHeader.
const (
	uiModule  = "daftar.ui"
	uiVersion = "1.2" // the version of Terraform's UI format followed
)

// uiHeader is what every -json event carries, as Terraform's do: @level
// (info, warn or error), @message (what a person would read), @module
// and @timestamp (RFC 3339, UTC).
type uiHeader struct {
	Level     string `json:"@level"`
	Message   string `json:"@message"`
	Module    string `json:"@module"`
	Timestamp string `json:"@timestamp"`
}

// stamp fills the header at the time of writing; level defaults to info.
func (h *uiHeader) stamp(now time.Time) {
	if h.Level == "" {
		h.Level = "info"
	}
	h.Module = uiModule
	h.Timestamp = now.Format(time.RFC3339Nano)
}

// uiResource is Terraform's hook.resource and change.resource: the
// resource instance an event is about.
type uiResource struct {
	Addr            string `json:"addr"`
	Module          string `json:"module"`
	Resource        string `json:"resource"`
	ImpliedProvider string `json:"implied_provider"`
	ResourceType    string `json:"resource_type"`
	ResourceName    string `json:"resource_name"`
	ResourceKey     any    `json:"resource_key"`
}

// uiHook is Terraform's hook (apply_start, apply_complete, apply_errored)
// and change (planned_change) object.
type uiHook struct {
	Resource   uiResource `json:"resource"`
	Action     string     `json:"action"`
	Reason     string     `json:"reason,omitempty"`
	ElapsedSec *float64   `json:"elapsed_seconds,omitempty"`
}

func hookOf(c *plans.Change) *uiHook {
	r := c.Addr.Resource
	res := uiResource{Addr: c.Addr.String(), Resource: c.Addr.String(), ImpliedProvider: c.Provider, ResourceType: r.Type, ResourceName: r.Name}
	if c.Addr.Key != nil {
		res.ResourceKey = render.KeyValue(c.Addr.Key)
	}
	return &uiHook{Resource: res, Action: c.Action.String()}
}

// uiChanges is change_summary's changes: Terraform's add, change, import,
// remove and operation, with daftar's replace and forget. add counts
// creates only (not replacements, which replace counts) and remove is
// always 0: daftar never deletes a record.
type uiChanges struct {
	Add       int    `json:"add"`
	Change    int    `json:"change"`
	Import    int    `json:"import"`
	Remove    int    `json:"remove"`
	Replace   int    `json:"replace"`
	Forget    int    `json:"forget"`
	Operation string `json:"operation"`
}

// versionEvent is the stream's first event, as Terraform's: which daftar
// wrote it and which version of the UI format it follows.
func versionEvent(w io.Writer) {
	version := readBuildInfo().Version // as daftar version shows it
	e := struct {
		uiHeader
		Type   string `json:"type"`
		Daftar string `json:"daftar"`
		UI     string `json:"ui"`
	}{uiHeader{Message: "daftar " + version}, "version", version, uiVersion}
	writeEvent(w, &e.uiHeader, &e)
}

// plannedEvents emits a planned_change per change the plan carries out,
// then the plan's change_summary, before apply starts.
func plannedEvents(w io.Writer, res *planner.Result) {
	h := &jsonHooks{w: w}
	for _, c := range res.Plan.Changes {
		if c.Action == plans.NoOp {
			continue
		}
		hook := hookOf(c)
		hook.Reason = c.Reason
		h.emit(jsonEvent{uiHeader: uiHeader{Message: fmt.Sprintf("%s: Plan to %s", c.Addr, c.Action)}, Type: "planned_change",
			Address: c.Addr.String(), Action: c.Action.String(), Change: hook})
	}
	s := res.Plan.Summary()
	h.emit(jsonEvent{uiHeader: uiHeader{Message: render.SummaryLine(res.Plan)}, Type: "change_summary",
		Changes: &uiChanges{Add: s.Add, Change: s.Change, Replace: s.Replace, Forget: s.Forget, Operation: "plan"}})
}

// uiDiagnostic is Terraform's diagnostic object.
type uiDiagnostic struct {
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail"`
	Address  string   `json:"address,omitempty"`
	Range    *uiRange `json:"range,omitempty"`
}

type uiRange struct {
	Filename string `json:"filename"`
	Start    uiPos  `json:"start"`
	End      uiPos  `json:"end"`
}

type uiPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// diagnosticEvents emits a diagnostic event per diagnostic (standard error
// shows them too), redacted as standard error is.
func (m *Meta) diagnosticEvents(diags hcl.Diagnostics) {
	for _, d := range diags {
		e := struct {
			uiHeader
			Type       string       `json:"type"`
			Diagnostic uiDiagnostic `json:"diagnostic"`
		}{Type: "diagnostic", Diagnostic: uiDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}}
		e.Level, e.Message = "error", "Error: "+d.Summary
		if d.Severity == hcl.DiagWarning {
			e.Diagnostic.Severity, e.Level, e.Message = "warning", "warn", "Warning: "+d.Summary
		}
		if r := d.Subject; r != nil {
			e.Diagnostic.Range = &uiRange{r.Filename, uiPos{r.Start.Line, r.Start.Column, r.Start.Byte}, uiPos{r.End.Line, r.End.Column, r.End.Byte}}
		}
		e.stamp(time.Now().UTC())
		data, _ := json.Marshal(e)
		m.Stdout.Write(append(m.redact(data), '\n'))
	}
}

// writeEvent stamps header, the header embedded in event, and writes event
// as one line.
func writeEvent(w io.Writer, header *uiHeader, event any) {
	header.stamp(time.Now().UTC())
	data, _ := json.Marshal(event)
	w.Write(append(data, '\n'))
}
