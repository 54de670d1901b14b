package command

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/executor"
	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/daftar-dev/daftar/internal/plans"
	"github.com/hashicorp/hcl/v2"
)

func TestSummaryReportsRetries(t *testing.T) {
	report := &executor.Report{Added: 3}
	tests := map[string]struct {
		retries retryCount
		text    string // the line before the summary; "" for none
		json    string
	}{
		"none":    {retryCount{Max: 1000}, "", `"retries":0,"retry_budget":1000`},
		"one":     {retryCount{Used: 1, Max: 1000}, "Retried 1 request (budget 1000).", `"retries":1,"retry_budget":1000`},
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
			if err := json.Unmarshal(js.Bytes(), &event); err != nil || event["type"] != "change_summary" {
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
			"\nChanges: 3 not attempted. Run daftar apply again to finish the work.\n" +
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

func planned(t *testing.T, addr string) *plans.Change {
	t.Helper()
	a, err := addrs.ParseInstance(addr)
	if err != nil {
		t.Fatal(err)
	}
	return &plans.Change{Addr: a, Action: plans.Create}
}

// usernameTaken is the diagnostic of one account whose username is taken.
func usernameTaken(addr string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: addr + ": Username already taken",
		Detail: addr + ": POST /usapi/internal/register answered 400 Bad Request: Username already exist. (in " + addr + ")"}
}

// TestSummaryGroupsFailuresAndSkips: identical errors of one resource are
// one line naming the keys, the skipped changes are listed with the
// failed change they waited for, and the stderr diagnostics show a group
// once.
func TestSummaryGroupsFailuresAndSkips(t *testing.T) {
	r := &executor.Report{Added: 5, Failed: 3, Skipped: 2}
	for _, addr := range []string{`usapi_account.p["u2"]`, `usapi_account.p["u1"]`} {
		d := usernameTaken(addr)
		r.Diagnostics = append(r.Diagnostics, d)
		r.Failures = append(r.Failures, executor.Failure{Change: planned(t, addr), Diags: hcl.Diagnostics{d}})
	}
	other := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "usapi_account.p[\"u3\"]: Invalid e-mail", Detail: "The API refused it."}
	r.Diagnostics = append(r.Diagnostics, other)
	r.Failures = append(r.Failures, executor.Failure{Change: planned(t, `usapi_account.p["u3"]`), Diags: hcl.Diagnostics{other}})
	r.Skips = []executor.Skip{
		{Change: planned(t, `proofylink_verification.v["u1"]`), Failed: `usapi_account.p["u1"]`},
		{Change: planned(t, `usapi_account.lead`), Failed: `usapi_account.p["u2"]`},
	}
	var text bytes.Buffer
	(&textHooks{w: &text}).Summary(r, false, retryCount{Max: 1000})
	want := "\nFailed (3):\n" +
		"  2 usapi_account.p (u1, u2): Username already taken\n" +
		"  usapi_account.p[\"u3\"]: Invalid e-mail\n" +
		"Skipped because a change they depend on failed (2):\n" +
		"  proofylink_verification.v[\"u1\"]: usapi_account.p[\"u1\"] failed\n" +
		"  usapi_account.lead: usapi_account.p[\"u2\"] failed\n" +
		"\nChanges: 3 failed (see the errors above), 2 skipped because a change they depend on failed. Run daftar apply again to finish the work.\n" +
		"\nApply failed! Resources: 5 added, 0 changed, 0 replaced, 0 forgotten.\n"
	if text.String() != want {
		t.Errorf("got\n%s\nwant\n%s", text.String(), want)
	}
	diags := groupedDiagnostics(r)
	if len(diags) != 2 {
		t.Fatalf("grouped diagnostics: %d, want 2: %v", len(diags), diags)
	}
	if !strings.Contains(diags[0].Detail, "The same error for 2 usapi_account.p (u1, u2).") || diags[1] != other {
		t.Errorf("grouped diagnostics: %q / %q", diags[0].Detail, diags[1].Summary)
	}
	var js bytes.Buffer
	(&jsonHooks{w: &js}).Summary(r, false, retryCount{Max: 1000})
	lines := strings.Split(strings.TrimSpace(js.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("json: %s", js.String())
	}
	var group, summary map[string]any
	if json.Unmarshal([]byte(lines[0]), &group) != nil || json.Unmarshal([]byte(lines[2]), &summary) != nil {
		t.Fatalf("json: %s", js.String())
	}
	if group["type"] != "failure_group" || group["count"] != float64(2) || group["message"] != "Username already taken" {
		t.Errorf("failure group %v", group)
	}
	if summary["skipped"] != float64(2) || summary["failed"] != float64(3) || summary["not_attempted"] != float64(0) {
		t.Errorf("summary %v", summary)
	}
}
