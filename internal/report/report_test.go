package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/state"
)

func resource(addr, typ, attrs string) *state.Resource {
	return (&state.Resource{Address: addr}).WithKind(state.Kind{Mode: "managed", Type: typ, Name: "x", Provider: strings.Split(typ, "_")[0]}).WithAttributes(json.RawMessage(attrs))
}

// testReport is a report of two accounts, three verifications (one
// failed, one still processing, one whose state holds a NIK in clear) and
// a pending create.
func testReport(t *testing.T) *Report {
	t.Helper()
	st, span, ev := testInputs(t)
	return mustBuild(t, st, StateID{Path: "daftar.state.json", Lineage: st.Lineage, Serial: st.Serial}, span, ev, nil, time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC))
}

// testInputs are testReport's state, audit span and evidence.
func testInputs(t *testing.T) (*state.State, AuditSpan, map[string]Evidence) {
	t.Helper()
	st := state.New()
	st.Lineage, st.Serial = "lin-1", 4
	st.Apply(state.Update{Set: []*state.Resource{
		resource(`usapi_account.hire["ani"]`, "usapi_account", `{"username":"ani","first_name":"Ani","last_name":"Lestari","email":"ani@example.id","registration":"signup","registered_at":"2026-11-22T10:00:00Z","password":"hmac-sha256:aa"}`),
		resource(`usapi_account.hire["eve"]`, "usapi_account", `{"username":"eve","first_name":"=HYPERLINK(\"http://x\")","last_name":"","email":"eve@example.id"}`),
		resource(`proofylink_verification.check["ani"]`, "proofylink_verification", `{"reference_code":"EMP-1","full_name":"Ani Lestari","email":"ani@example.id","id_number":"3171********0001","status":"completed","credibility_score":87,"credibility_level":"A","ktp_image_sha256":"hmac-sha256:bb","updated_at":"2026-11-22T10:27:41.000000Z","evidence":{"credit_report":{"file":".daftar/evidence/EMP-1.credit.pdf","sha256":"cdcd","size":1200,"archived_at":"2026-11-22T10:30:00Z"}}}`),
		resource(`proofylink_verification.check["budi"]`, "proofylink_verification", `{"reference_code":"EMP-2","full_name":"Budi <b>Santoso</b>","id_number":"3171011208900000","status":"failed","failed_message":"OCR data mismatch"}`),
		resource(`proofylink_verification.check["citra"]`, "proofylink_verification", `{"reference_code":"EMP-3","full_name":"Citra","id_number":"3171********0003","status":"processing","updated_at":"2026-11-22T10:05:00.000000Z"}`),
		(&state.Resource{Address: `usapi_account.hire["dodi"]`}).WithKind(state.Kind{Mode: "managed", Type: "usapi_account", Name: "hire", Provider: "usapi"}).
			WithPending(&state.Intent{ID: "i", Operation: "create", Started: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), RunID: "run-7"}),
	}})
	span := AuditSpan{Path: "daftar.audit.jsonl", Present: true, Lines: 12, Requests: 12, Runs: 2, Head: strings.Repeat("ab", 32), Verified: true,
		First: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), Last: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	record, ev := EvidenceFrom()
	for _, r := range testAudit() {
		record(r)
	}
	return st, span, ev
}

// testAudit are the audit records of testInputs' evidence.
func testAudit() []audit.Record {
	return []audit.Record{
		{Seq: 1, RunID: "run-1", Resource: `usapi_account.hire["ani"]`, Method: "POST", Path: "/usapi/signup", Outcome: audit.OK},
		{Seq: 2, RunID: "run-1", Resource: `usapi_account.hire["ani"]`, Method: "POST", Path: "/usapi/update-basic-profile", Outcome: audit.OK},
		{Seq: 3, RunID: "run-1", Resource: `proofylink_verification.check["ani"]`, Method: "POST", Path: "/proofylink/x", Outcome: audit.HTTPError},
		{Seq: 4, RunID: "run-2", Resource: `proofylink_verification.check["ani"]`, Method: "POST", Path: "/proofylink/x", Outcome: audit.OK},
	}
}

// evidenceLog is the EvidenceLog of records, its temporary files in dir.
func evidenceLog(t *testing.T, dir string, records []audit.Record) *EvidenceLog {
	t.Helper()
	e := NewEvidenceLog(dir)
	t.Cleanup(e.Close)
	for _, r := range records {
		e.Add(r)
	}
	return e
}

func TestBuild(t *testing.T) {
	r := testReport(t)
	if len(r.Accounts) != 2 || len(r.Verifications) != 3 {
		t.Fatalf("%d accounts, %d verifications", len(r.Accounts), len(r.Verifications))
	}
	if a := r.Accounts[0]; a.Name != "Ani Lestari" || a.Evidence.Request != "POST /usapi/signup" || a.Evidence.Seq != 1 {
		t.Errorf("account: %+v", a)
	}
	if v := r.Verifications[0]; v.Evidence.RunID != "run-2" || v.Evidence.Seq != 4 || *v.CredibilityScore != 87 {
		t.Errorf("verification: %+v", v)
	}
	if got := r.Verifications[1].NIK; got != "3171********0000" {
		t.Errorf("a NIK in clear in the state is reported as %q, want it masked", got)
	}
	wantLevels := []Count{{"A", 1}, {"B", 0}, {"C", 0}, {"D", 0}, {"E", 0}, {"none", 2}}
	if !equalCounts(r.Levels, wantLevels) {
		t.Errorf("levels %v, want %v", r.Levels, wantLevels)
	}
	if !equalCounts(r.Statuses, []Count{{"completed", 1}, {"failed", 1}, {"processing", 1}}) {
		t.Errorf("statuses %v", r.Statuses)
	}
	if len(r.Failures) != 2 || !strings.Contains(r.Failures[0].Reason, "OCR data mismatch") || !strings.Contains(r.Failures[1].Reason, "run-7") {
		t.Errorf("failures %+v", r.Failures)
	}
}

func equalCounts(a, b []Count) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHTMLIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, testReport(t)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`<svg id="credibility-chart"`, `data-level="A" data-count="1"`, `Content-Security-Policy`, "OCR data mismatch", "3171********0000", "Budi &lt;b&gt;Santoso&lt;/b&gt;", strings.Repeat("ab", 32)} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(page, `<rect class="bar level-`); n != len(LevelNames) {
		t.Errorf("%d bars, want %d", n, len(LevelNames))
	}
	// Nothing is loaded from anywhere: no script, no link, no src, no url().
	external := regexp.MustCompile(`(?i)<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import`)
	if m := external.FindString(page); m != "" {
		t.Errorf("the page refers to an external resource or runs a script: %q", m)
	}
	if strings.Contains(page, "3171011208900000") {
		t.Error("the page shows a NIK in clear")
	}
}

func TestChartScales(t *testing.T) {
	c := chart([]Count{{"A", 1000}, {"B", 1}, {"C", 0}})
	if c.Bars[0].Height != c.BaseY-chartTop || c.Bars[1].Height != 2 || c.Bars[2].Height != 0 {
		t.Fatalf("bars %+v", c.Bars)
	}
	for _, b := range c.Bars {
		if b.X < 0 || b.X+b.Width > c.Width || b.Y < 0 {
			t.Fatalf("a bar leaves the chart: %+v", b)
		}
	}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, testReport(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: %.10q", buf.Bytes())
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	kinds := map[string]int{}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != len(csvHeader) {
			t.Fatalf("row %v has %d cells", r, len(r))
		}
		kinds[r[0]]++
		byID[r[col["id"]]] = r
	}
	if kinds["account"] != 2 || kinds["verification"] != 3 || kinds["failure"] != 2 || kinds["audit"] != 1 {
		t.Fatalf("rows by kind: %v", kinds)
	}
	if got := rows[2][col["name"]]; !strings.HasPrefix(got, "'=") {
		t.Errorf("a formula-like cell is written as %q, want it defused", got)
	}
	ani := byID["EMP-1"]
	if ani[col["updated_at"]] != "2026-11-22T10:27:41Z" || ani[col["credit_report_sha256"]] != "cdcd" || ani[col["credit_report_file"]] != ".daftar/evidence/EMP-1.credit.pdf" ||
		ani[col["changed_by_run"]] != "run-2" || ani[col["audit_line"]] != "4" || ani[col["last_seen"]] != "" {
		t.Errorf("completed verification row %v", ani)
	}
	if citra := byID["EMP-3"]; citra[col["last_seen"]] != "2026-11-22T10:05:00Z" {
		t.Errorf("a pending verification's last_seen is %q, want its last status change", citra[col["last_seen"]])
	}
	for _, r := range rows[1:] {
		if r[0] == "failure" && r[col["status"]] == "pending" && r[col["last_seen"]] != "2026-11-22T09:00:00Z" {
			t.Errorf("a pending create's last_seen is %q, want when it started", r[col["last_seen"]])
		}
	}
	last := rows[len(rows)-1]
	if last[col["status"]] != "verified" || last[col["audit_head_sha256"]] != strings.Repeat("ab", 32) || last[col["audit_first"]] != "2026-11-22T09:00:00Z" {
		t.Errorf("audit row %v", last)
	}
	buf.Reset()
	if err := WriteCSVWith(&buf, testReport(t), CSVOptions{NoBOM: true}); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("kind,")) {
		t.Errorf("NoBOM wrote %.10q (%v)", buf.Bytes(), err)
	}
}

func TestJSONRoundTrips(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, testReport(t), "json"); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Audit.Head != strings.Repeat("ab", 32) || len(back.Verifications) != 3 || back.State.Serial != 4 {
		t.Fatalf("%+v", back)
	}
	if err := Write(&buf, testReport(t), "pdf"); err == nil || !strings.Contains(err.Error(), "html, csv or json") {
		t.Fatalf("an unknown format: %v", err)
	}
}

// TestBuildWithLastApply: the last apply's failures, skips and changes not
// attempted are reported per person, unless the state shows them done
// since; what is in the state is done.
func TestBuildWithLastApply(t *testing.T) {
	finished := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	st := state.New()
	done := resource(`usapi_account.hire["ani"]`, "usapi_account", `{"username":"ani"}`)
	done.SetUpdatedAt(finished.Add(-time.Minute))
	later := resource(`usapi_account.hire["eko"]`, "usapi_account", `{"username":"eko"}`)
	later.SetUpdatedAt(finished.Add(time.Hour)) // failed then, applied since
	st.Apply(state.Update{Set: []*state.Resource{done, later}})
	la := &LastApply{RunID: "run-9", Finished: finished,
		Failed:       []Outcome{{`usapi_account.hire["budi"]`, "Username already taken"}, {`usapi_account.hire["eko"]`, "Username already taken"}},
		Skipped:      []Outcome{{`proofylink_verification.check["budi"]`, `usapi_account.hire["budi"]`}},
		NotAttempted: []string{`proofylink_verification.check["ani"]`},
	}
	r := mustBuild(t, st, StateID{}, AuditSpan{}, nil, la, finished.Add(2*time.Hour))
	people := map[string]Person{}
	for _, p := range r.People {
		people[p.Key] = p
	}
	budi, ani, eko := people["budi"], people["ani"], people["eko"]
	if len(budi.Failed) != 1 || !strings.Contains(budi.Failed[0], "Username already taken") || len(budi.Skipped) != 1 || !strings.Contains(budi.Skipped[0], `because usapi_account.hire["budi"] failed`) {
		t.Errorf("budi: %+v", budi)
	}
	if len(ani.Done) != 1 || len(ani.Pending) != 1 || !strings.Contains(ani.Pending[0], "not attempted") {
		t.Errorf("ani: %+v", ani)
	}
	if len(eko.Failed) != 0 || len(eko.Done) != 1 {
		t.Errorf("eko, applied since the failure: %+v", eko)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), `<td data-label="Key">budi</td>`) || !strings.Contains(html.String(), `Username already taken`) {
		t.Errorf("the HTML report lacks the people section:\n%s", html.String())
	}
}

// A value from a sensitive variable (the state's sensitive_paths) is not
// in the report, as show does not print it.
func TestSensitivePathsHidden(t *testing.T) {
	st := state.New()
	acc := resource(`usapi_account.a`, "usapi_account", `{"username":"a","first_name":"Ani","last_name":"Kerahasiaan","email":"a@example.id"}`)
	acc.SetSensitivePaths([][]any{{"last_name"}})
	ver := resource(`proofylink_verification.a`, "proofylink_verification", `{"reference_code":"EMP-1","full_name":"Ani Kerahasiaan","status":"completed"}`)
	ver.SetSensitivePaths([][]any{{"full_name"}})
	st.Apply(state.Update{Set: []*state.Resource{acc, ver}})
	r := mustBuild(t, st, StateID{}, AuditSpan{}, nil, nil, time.Now())
	for _, format := range []string{"html", "csv", "json"} {
		var buf bytes.Buffer
		if err := Write(&buf, r, format); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "Kerahasiaan") || !strings.Contains(buf.String(), SensitiveValue) {
			t.Errorf("the %s report shows a sensitive value, or does not say it hides one:\n%s", format, buf.String())
		}
	}
}

// mustBuild is Build, failing t on its error.
func mustBuild(t testing.TB, st *state.State, id StateID, span AuditSpan, evidence map[string]Evidence, la *LastApply, now time.Time) *Report {
	t.Helper()
	r, err := Build(st, id, span, evidence, la, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
