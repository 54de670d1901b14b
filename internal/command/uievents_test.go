package command

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/daftar-dev/daftar/internal/progress"
	"github.com/google/go-cmp/cmp"
)

// TestJSONEventsCarryTerraformsHeader checks every apply event for the @
// fields of Terraform's machine-readable UI, its type and its @message.
func TestJSONEventsCarryTerraformsHeader(t *testing.T) {
	change := func(s string) *plans.Change {
		a, err := addrs.ParseInstance(s)
		if err != nil {
			t.Fatal(err)
		}
		return &plans.Change{Addr: a, Provider: "usapi", Action: plans.Create}
	}
	ok, bad, later, stopped := change(`usapi_account.hire["ani"]`), change(`usapi_account.hire["budi"]`), change("usapi_account.x"), change("usapi_account.y")
	var out bytes.Buffer
	h := &jsonHooks{w: &out, started: map[string]time.Time{}}
	h.ChangeStarted(ok)
	h.ChangeFinished(ok, nil)
	h.ChangeStarted(bad)
	h.ChangeFinished(bad, errors.New("POST /signup answered 400"))
	h.ChangeSkipped(later, bad.Addr.String())
	h.ChangeSkipped(stopped, "")
	h.Summary(&executor.Report{Added: 1, Failed: 1, Skipped: 1, NotStarted: 1}, false, retryCount{Max: 1000})
	type event struct {
		Level   string `json:"@level"`
		Message string `json:"@message"`
		Type    string `json:"type"`
	}
	var got []event
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e struct {
			event
			Module    string `json:"@module"`
			Timestamp string `json:"@timestamp"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil || e.Module != "daftar.ui" || e.Timestamp == "" {
			t.Errorf("%s: %v", line, err)
		}
		got = append(got, e.event)
	}
	want := []event{
		{"info", `usapi_account.hire["ani"]: Creating...`, "apply_start"},
		{"info", `usapi_account.hire["ani"]: Creation complete after 0s`, "apply_complete"},
		{"info", `usapi_account.hire["budi"]: Creating...`, "apply_start"},
		{"error", `usapi_account.hire["budi"]: Creation errored after 0s`, "apply_errored"},
		{"warn", `usapi_account.x: skipped: usapi_account.hire["budi"] failed`, "change_skipped"},
		{"warn", "usapi_account.y: not attempted", "change_not_attempted"},
		{"error", "Apply failed! Resources: 1 added, 0 changed, 0 replaced, 0 forgotten.", "change_summary"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestApplyProgressForLongChanges: each change running for at least the
// progress interval gets Terraform's apply_progress event at a tick; one
// that started since does not.
func TestApplyProgressForLongChanges(t *testing.T) {
	var out lockedBuffer
	jh := &jsonHooks{w: &out, started: map[string]time.Time{}}
	tracker := progress.NewTracker(map[string]int{"usapi": 2})
	h := &progressHooks{applyHooks: jh, tracker: tracker, started: map[*plans.Change]time.Time{}, every: 10 * time.Second}
	long, short := change(t, `usapi_account.hire["ani"]`), change(t, `usapi_account.hire["budi"]`)
	now := time.Now()
	h.started[long], h.started[short] = now.Add(-25*time.Second), now.Add(-time.Second)
	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(h.stillRunning(now))), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got = append(got, e)
	}
	if len(got) != 1 || got[0]["type"] != "apply_progress" || got[0]["@message"] != `usapi_account.hire["ani"]: Still creating... [25s elapsed]` ||
		got[0]["elapsed_seconds"] != float64(25) || got[0]["@module"] != "daftar.ui" {
		t.Errorf("events %v", got)
	}
	if hook, _ := got[0]["hook"].(map[string]any); hook == nil || hook["elapsed_seconds"] != float64(25) || hook["action"] != "create" {
		t.Errorf("hook %v", got[0]["hook"])
	}
}

// TestVersionEventNamesTheVersionShown checks that apply -json's first
// event names the same version as daftar version, also for a build
// without -ldflags (found in review: the event said "daftar " with an
// empty version, while daftar version said 0.1.0-dev).
func TestVersionEventNamesTheVersionShown(t *testing.T) {
	var out bytes.Buffer
	versionEvent(&out)
	var e struct {
		Message string `json:"@message"`
		Daftar  string `json:"daftar"`
	}
	if err := json.Unmarshal(out.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	want := readBuildInfo().Version
	if want == "" || e.Daftar != want || e.Message != "daftar "+want {
		t.Errorf("version event = %q / %q, want daftar %q", e.Message, e.Daftar, want)
	}
}
