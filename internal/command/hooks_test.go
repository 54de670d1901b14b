package command

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
)

func TestSummaryReportsRetries(t *testing.T) {
	report := &executor.Report{Added: 3}
	tests := map[string]struct {
		retries retryCount
		text    string // the line before the summary; "" for none
		json    string
	}{
		"none":    {retryCount{Max: 1000}, "", `"retries":0,"retry_budget":1000`},
		"some":    {retryCount{Used: 7, Max: 1000}, "Retried 7 requests (budget 1000).", `"retries":7,"retry_budget":1000`},
		"refused": {retryCount{Used: 1000, Max: 1000, Denied: 4}, "Retried 1000 requests (budget 1000); 4 more retries were refused once the budget was spent.", `"retries":1000,"retry_budget":1000,"retries_refused":4`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var text bytes.Buffer
			(&textHooks{w: &text}).Summary(report, false, tc.retries)
			want := "\nApply complete! Resources: 3 added, 0 changed, 0 replaced, 0 forgotten.\n"
			if tc.text != "" {
				want = "\n" + tc.text + "\n" + want
			}
			if text.String() != want {
				t.Errorf("text:\n%q\nwant\n%q", text.String(), want)
			}
			var js bytes.Buffer
			(&jsonHooks{w: &js}).Summary(report, false, tc.retries)
			var event map[string]any
			if err := json.Unmarshal(js.Bytes(), &event); err != nil || event["type"] != "summary" {
				t.Fatalf("json summary %s: %v", js.String(), err)
			}
			if !strings.Contains(js.String(), tc.json) {
				t.Errorf("json summary %s lacks %s", js.String(), tc.json)
			}
		})
	}
}

func TestResolutionEvents(t *testing.T) {
	addr, err := addrs.ParseInstance(`proofylink_verification.check["ani"]`)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	resolutionEvents(&out, []plans.Resolution{{Addr: addr, Outcome: "adopted", Message: "adopted reference_code EMP-260211-0001 created by an interrupted apply"}})
	var e map[string]any
	if err := json.Unmarshal(out.Bytes(), &e); err != nil {
		t.Fatalf("%s: %v", out.String(), err)
	}
	if e["type"] != "resolution" || e["address"] != addr.String() || e["outcome"] != "adopted" || !strings.Contains(e["message"].(string), "EMP-260211-0001") {
		t.Errorf("event %v", e)
	}
}

func TestSummaryEndsWithTheContractsCounts(t *testing.T) {
	tests := map[string]struct {
		report      executor.Report
		interrupted bool
		want        string
	}{
		"complete": {executor.Report{Added: 2}, false,
			"\nApply complete! Resources: 2 added, 0 changed, 0 replaced, 0 forgotten.\n"},
		"failed": {executor.Report{Added: 1, Failed: 1, Skipped: 2}, false,
			"\nChanges: 1 failed (see the errors above), 2 skipped because a change they depend on failed. Run daftar apply again to finish the work.\n" +
				"\nApply failed! Resources: 1 added, 0 changed, 0 replaced, 0 forgotten.\n"},
		"interrupted": {executor.Report{Added: 1, NotStarted: 3, Interrupted: true}, true,
			"\nChanges: 3 not started. Run daftar apply again to finish the work.\n" +
				"\nApply interrupted! Resources: 1 added, 0 changed, 0 replaced, 0 forgotten.\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var text bytes.Buffer
			(&textHooks{w: &text}).Summary(&tc.report, tc.interrupted, retryCount{Max: 1000})
			if text.String() != tc.want {
				t.Errorf("got\n%q\nwant\n%q", text.String(), tc.want)
			}
		})
	}
}
