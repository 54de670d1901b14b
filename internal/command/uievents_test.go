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
