package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/crashtest"
)

// The batch-as-rows behaviour of issue 13 end to end: one person's failure
// never holds back another.

// rowsDir writes a batch of n people against the sandbox at url: an
// account per row, a verification per row that takes its e-mail from the
// row's account (one instance), and a team lead account whose name counts
// every account (the whole resource).
func rowsDir(t *testing.T, url string, n int) string {
	t.Helper()
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("username,first_name,last_name,email,phone_number,nik\n")
	for i := range n {
		p := crashtest.PersonAt(i)
		fmt.Fprintf(&csv, "%s,%s,%s,%s,%s,%s\n", p.Username, p.FirstName, p.LastName, p.Email, p.Phone, p.NIK)
	}
	src := fmt.Sprintf(`
provider "usapi" {
  endpoint   = "%[1]s/usapi"
  basic_auth = "sandbox-usapi-key"
  rate_limit = 0
}

provider "proofylink" {
  endpoint   = "%[1]s/proofylink"
  token      = "sandbox-proofylink-token"
  rate_limit = 0
}

locals {
  people = { for row in csvdecode(file("people.csv")) : row.username => row }
}

resource "usapi_account" "person" {
  for_each     = local.people
  username     = each.key
  password     = "Batch-Onboarding-2026"
  first_name   = each.value.first_name
  last_name    = each.value.last_name
  email        = each.value.email
  phone_number = each.value.phone_number
  registration = "internal"
}

resource "proofylink_verification" "person" {
  for_each             = local.people
  consent              = "upload"
  verification_type_id = 1
  id_number            = each.value.nik
  full_name            = "${each.value.first_name} ${each.value.last_name}"
  email                = usapi_account.person[each.key].email
  phone_number         = each.value.phone_number
  ktp_image            = "ktp.jpg"
  form_consent         = "ktp.jpg"
}

resource "usapi_account" "lead" {
  username     = "teamlead"
  password     = "Batch-Onboarding-2026"
  first_name   = "Lead of ${length(usapi_account.person)}"
  last_name    = "Tim"
  email        = "lead@example.id"
  phone_number = "6281399999999"
  registration = "internal"
}

output "accounts" {
  value = length(usapi_account.person)
}
`, url)
	files := map[string]string{"main.hcl": src, "people.csv": csv.String(), "ktp.jpg": "\xff\xd8\xff\xe0 a KTP photo\xff\xd9"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// preRegister registers username on the sandbox as someone else did,
// with an e-mail and phone number of its own.
func preRegister(t *testing.T, url, username string, i int) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{
		"username": username, "password": "Someone-Else-2026", "first_name": "Orang", "last_name": "Lain",
		"email": fmt.Sprintf("other%d@example.id", i), "phone_number": fmt.Sprintf("62819%08d", i),
	})
	req, _ := http.NewRequest("POST", url+"/usapi/internal/register", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Basic sandbox-usapi-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("pre-registering %s: %s", username, resp.Status)
	}
}

// TestBatchFailedRowsHoldBackNoOne: with two usernames already taken
// remotely, the first apply creates every other person's account and
// verification; the two verifications that need the failed accounts are
// skipped naming them, and the lead, who needs every account, waits for
// all and is skipped too.
func TestBatchFailedRowsHoldBackNoOne(t *testing.T) {
	sb := startSandbox(t)
	const n = 8
	dir := rowsDir(t, sb.URL(), n)
	taken := []int{2, 5}
	for _, i := range taken {
		preRegister(t, sb.URL(), crashtest.PersonAt(i).Username, i)
	}
	r := daftar(t, dir, "apply", "-auto-approve", "-parallelism=4")
	if r.code != 1 {
		t.Fatalf("apply: want exit 1, got\n%s", r)
	}
	if got, want := lastLine(r), fmt.Sprintf("Apply failed! Resources: %d added, 0 changed, 0 replaced, 0 forgotten.", 2*(n-len(taken))); got != want {
		t.Errorf("last line %q, want %q", got, want)
	}
	u2, u5 := crashtest.PersonAt(2).Username, crashtest.PersonAt(5).Username
	contains(t, r,
		"Failed (2):\n  2 usapi_account.person ("+u2+", "+u5+"): Username already taken\n",
		"Skipped because a change they depend on failed (3):\n",
		fmt.Sprintf(`  proofylink_verification.person["%s"]: usapi_account.person["%s"] failed`, u2, u2),
		fmt.Sprintf(`  proofylink_verification.person["%s"]: usapi_account.person["%s"] failed`, u5, u5),
		"  usapi_account.lead: usapi_account.person[",
		"Changes: 2 failed (see the errors above), 3 skipped because a change they depend on failed.",
		"The same error for 2 usapi_account.person ("+u2+", "+u5+").")
	if n := strings.Count(r.stderr, "Error: usapi_account.person["); n != 1 {
		t.Errorf("the two identical failures are shown %d times on standard error, want once:\n%s", n, r.stderr)
	}
	recs := sb.Records()
	if len(recs.Verifications) != n-len(taken) {
		t.Errorf("%d verifications created, want %d", len(recs.Verifications), n-len(taken))
	}
	var st struct {
		Resources []struct{ Address string } `json:"resources"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "daftar.state.json"))), &st); err != nil {
		t.Fatal(err)
	}
	inState := map[string]bool{}
	for _, res := range st.Resources {
		inState[res.Address] = true
	}
	for i := range n {
		u := crashtest.PersonAt(i).Username
		failed := i == taken[0] || i == taken[1]
		for _, addr := range []string{fmt.Sprintf(`usapi_account.person["%s"]`, u), fmt.Sprintf(`proofylink_verification.person["%s"]`, u)} {
			if inState[addr] == failed {
				t.Errorf("%s in the state: %v, want %v", addr, inState[addr], !failed)
			}
		}
	}
	if inState["usapi_account.lead"] {
		t.Error("usapi_account.lead was created before every account was")
	}

	// daftar report knows, per person, what failed and why, and what was
	// skipped; it exits 1 once the audit chain is broken.
	r = must(t, 0, dir, "report", "-format=json")
	var rep struct {
		People []struct {
			Key                            string
			Done, Failed, Skipped, Pending []string
		} `json:"people"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report -format=json: %v\n%s", err, r)
	}
	people := map[string]int{}
	for i, p := range rep.People {
		people[p.Key] = i
	}
	p2 := rep.People[people[u2]]
	if len(p2.Failed) != 1 || !strings.Contains(p2.Failed[0], "Username already taken") || len(p2.Skipped) != 1 || !strings.Contains(p2.Skipped[0], "because usapi_account.person[\""+u2+"\"] failed") {
		t.Errorf("report of %s: %+v", u2, p2)
	}
	if p0 := rep.People[people[crashtest.PersonAt(0).Username]]; len(p0.Done) != 2 || len(p0.Failed)+len(p0.Skipped)+len(p0.Pending) != 0 {
		t.Errorf("report of %s: %+v", crashtest.PersonAt(0).Username, p0)
	}
	lines := readAuditLines(t, dir)
	// Tamper with the first request line (the workers' sent lines may
	// come first, and have no status).
	tampered := false
	for i := 1; i < len(lines) && !tampered; i++ {
		if strings.Contains(lines[i], `"event":"request"`) {
			lines[i], tampered = strings.Replace(lines[i], `"status":`, `"status":1`, 1), true
		}
	}
	if !tampered {
		t.Fatal("no request line to tamper with")
	}
	writeAuditLines(t, dir, lines)
	r = daftar(t, dir, "report", "-format=json")
	if r.code != 1 || !strings.Contains(r.stderr, "does not verify") {
		t.Errorf("report with a broken audit chain: want exit 1 and why, got\n%s", r)
	}
}

// jsonEvents parses standard output as one JSON object per line, failing
// the test on any other line.
func jsonEvents(t *testing.T, r result) []map[string]any {
	t.Helper()
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("standard output holds a line that is not a JSON object: %q\n%s", line, r)
		}
		events = append(events, e)
	}
	return events
}

// TestApplyJSONIsOnlyJSON: apply -json prints one JSON object per line and
// nothing else, on failure and on success: skips and failure groups are
// events, skips carry no elapsed time, the outputs are an event, and the
// summary is last.
func TestApplyJSONIsOnlyJSON(t *testing.T) {
	sb := startSandbox(t)
	dir := rowsDir(t, sb.URL(), 4)
	u1 := crashtest.PersonAt(1).Username
	preRegister(t, sb.URL(), u1, 1)
	r := daftar(t, dir, "apply", "-auto-approve", "-json")
	if r.code != 1 {
		t.Fatalf("apply: want exit 1, got\n%s", r)
	}
	byType := map[string][]map[string]any{}
	events := jsonEvents(t, r)
	for _, e := range events {
		typ, _ := e["type"].(string)
		byType[typ] = append(byType[typ], e)
	}
	if len(byType["change_skipped"]) != 2 {
		t.Errorf("change_skipped events %v, want 2", byType["change_skipped"])
	}
	for _, e := range byType["change_skipped"] {
		if _, ok := e["elapsed_seconds"]; ok || e["depends_on_failed"] != fmt.Sprintf(`usapi_account.person["%s"]`, u1) {
			t.Errorf("skip event %v", e)
		}
	}
	if g := byType["failure_group"]; len(g) != 1 || g[0]["count"] != float64(1) || g[0]["resource"] != "usapi_account.person" {
		t.Errorf("failure_group events %v", g)
	}
	last := events[len(events)-1]
	if last["type"] != "change_summary" || last["failed"] != float64(1) || last["skipped"] != float64(2) || last["added"] != float64(6) {
		t.Errorf("last event %v", last)
	}
	if len(byType["outputs"]) != 1 {
		t.Errorf("outputs events %v, want 1", byType["outputs"])
	}
	// The failure is also Terraform's diagnostic event, and the failed
	// change's event is apply_errored at level error.
	if d := byType["diagnostic"]; len(d) == 0 || d[0]["@level"] != "error" || d[0]["diagnostic"].(map[string]any)["severity"] != "error" {
		t.Errorf("diagnostic events %v", d)
	}
	if e := byType["apply_errored"]; len(e) != 1 || e[0]["@level"] != "error" || e[0]["address"] != fmt.Sprintf(`usapi_account.person["%s"]`, u1) {
		t.Errorf("apply_errored events %v", e)
	}

	// Once the username is the person's own again (another row), the
	// next apply succeeds, still with JSON only.
	editFile(t, filepath.Join(dir, "people.csv"), u1+",", "renamed1,")
	r = daftar(t, dir, "apply", "-auto-approve", "-json")
	if r.code != 0 {
		t.Fatalf("second apply: %s", r)
	}
	events = jsonEvents(t, r)
	var outputs map[string]any
	for _, e := range events {
		if e["type"] == "outputs" {
			outputs = e["outputs"].(map[string]any)
		}
	}
	if acc, _ := outputs["accounts"].(map[string]any); acc == nil || acc["value"] != float64(4) {
		t.Errorf("outputs event %v", outputs)
	}
	if last := events[len(events)-1]; last["type"] != "change_summary" || last["failed"] != float64(0) {
		t.Errorf("last event %v", last)
	}
}

// TestWrongKeyStopsAfterAFewRequests: with a wrong USAPI key, apply stops
// starting USAPI changes after a few refusals instead of sending one per
// row, lets what is in flight finish, and says once why, with the count
// of changes not attempted (the verifications waiting for the accounts
// included); nothing reaches Proofylink.
func TestWrongKeyStopsAfterAFewRequests(t *testing.T) {
	sb := startSandbox(t)
	const n, parallelism = 40, 4
	dir := rowsDir(t, sb.URL(), n)
	editFile(t, filepath.Join(dir, "main.hcl"), `basic_auth = "sandbox-usapi-key"`, `basic_auth = "a-wrong-key"`)
	r := daftar(t, dir, "apply", "-auto-approve", "-parallelism=4", "-json")
	if r.code != 1 {
		t.Fatalf("apply: want exit 1, got\n%s", r)
	}
	recs := sb.Records()
	// USAPI's requests, from the audit log: the sandbox's total also counts
	// the plan's two reads of Proofylink (the list of verifications looked
	// through before creating, and the token balance).
	usapi := 0
	for _, line := range readAuditLines(t, dir) {
		var e struct{ Event, Provider string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.Event == "request" && e.Provider == "usapi" {
			usapi++
		}
	}
	if usapi > 3+parallelism || recs.Requests.Total > usapi+2 {
		t.Errorf("USAPI got %d requests, want at most %d; the sandbox %d in all", usapi, 3+parallelism, recs.Requests.Total)
	}
	if len(recs.Accounts) != 0 || len(recs.Verifications) != 0 {
		t.Errorf("records created: %d accounts, %d verifications", len(recs.Accounts), len(recs.Verifications))
	}
	events := jsonEvents(t, r)
	last := events[len(events)-1]
	failed, skipped, notAttempted := last["failed"].(float64), last["skipped"].(float64), last["not_attempted"].(float64)
	if failed < 3 || failed > 3+parallelism || failed+skipped+notAttempted != 2*n+1 || notAttempted < 2*(n-3-parallelism) {
		t.Errorf("summary %v: want 3..%d failed, their dependents skipped, and the rest of %d not attempted", last, 3+parallelism, 2*n+1)
	}
	var halts []map[string]any
	for _, e := range events {
		if e["type"] == "provider_halted" {
			halts = append(halts, e)
		}
	}
	if len(halts) != 1 || halts[0]["provider"] != "usapi" || !strings.Contains(halts[0]["message"].(string), "401") {
		t.Errorf("provider_halted events %v", halts)
	}
	if strings.Count(r.stderr, "Stopped starting usapi changes") != 1 {
		t.Errorf("standard error:\n%s", r.stderr)
	}
	if got := strings.Count(r.stderr, "Error: "); got > 3 {
		t.Errorf("%d errors on standard error, want the refusals grouped and the stop:\n%s", got, r.stderr)
	}
}

// TestExcludeInvalidRows: with bad rows in the CSV (a NIK whose month is
// 13, an e-mail without @), plan fails without -exclude-invalid; with it,
// the bad instances and those that name them are listed with the CSV line,
// left out, counted before the summary line, and apply creates the rest
// (the lead, who counts the accounts whole, too),
// sends nothing about them, and exits 3.
func TestExcludeInvalidRows(t *testing.T) {
	sb := startSandbox(t)
	const n = 6
	dir := rowsDir(t, sb.URL(), n)
	p1, p3, p4 := crashtest.PersonAt(1), crashtest.PersonAt(3), crashtest.PersonAt(4)
	csv := filepath.Join(dir, "people.csv")
	editFile(t, csv, p1.NIK, p1.NIK[:8]+"13"+p1.NIK[10:])
	editFile(t, csv, p4.NIK, p4.NIK[:8]+"13"+p4.NIK[10:])
	editFile(t, csv, p3.Email, "not-an-email")

	r := daftar(t, dir, "plan")
	if r.code != 1 {
		t.Fatalf("plan without -exclude-invalid: want exit 1, got\n%s", r)
	}
	r = daftar(t, dir, "plan", "-exclude-invalid")
	if r.code != 3 {
		t.Fatalf("plan -exclude-invalid: want exit 3, got\n%s", r)
	}
	contains(t, r,
		fmt.Sprintf(`4 instances excluded: invalid input (proofylink_verification.person["%s"], proofylink_verification.person["%s"], proofylink_verification.person["%s"], usapi_account.person["%s"]).`, p1.Username, p3.Username, p4.Username, p3.Username),
		"Plan: 9 to add, 0 to change, 0 to replace, 0 to forget.")
	if got := lastLine(r); !strings.HasPrefix(got, "Plan: ") {
		t.Errorf("last line %q, want the summary", got)
	}
	flat := strings.Join(strings.Fields(r.stderr), " ")
	for _, want := range []string{
		`Warning: Excluded usapi_account.person["` + p3.Username + `"]: Invalid e-mail address on main.hcl:24:3`,
		"The instance comes from line 5 of people.csv.",
		`Warning: Excluded proofylink_verification.person["` + p1.Username + `"]: Invalid NIK on main.hcl:33:3`,
		"The instance comes from line 3 of people.csv.", "The instance comes from line 6 of people.csv.",
		`proofylink_verification.person["` + p3.Username + `"] refers to usapi_account.person["` + p3.Username + `"], which is excluded as invalid.`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("standard error lacks %q:\n%s", want, r.stderr)
		}
	}
	r = daftar(t, dir, "plan", "-exclude-invalid", "-json")
	var pj struct {
		Excluded []struct{ Address, Reason string } `json:"excluded"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &pj); err != nil || len(pj.Excluded) != 4 {
		t.Fatalf("plan -json: %v, %+v\n%s", err, pj, r)
	}
	if got := pj.Excluded[0].Reason; !strings.Contains(got, "main.hcl:33: Invalid NIK (line 3 of people.csv)") {
		t.Errorf("reason %q", got)
	}

	r = daftar(t, dir, "apply", "-auto-approve", "-exclude-invalid")
	if r.code != 3 {
		t.Fatalf("apply -exclude-invalid: want exit 3, got\n%s", r)
	}
	contains(t, r, "4 instances excluded: invalid input", "Apply complete! Resources: 9 added, 0 changed, 0 replaced, 0 forgotten.")
	recs := sb.Records()
	if len(recs.Accounts) != n-1+1 || len(recs.Verifications) != n-3 {
		t.Errorf("%d accounts and %d verifications created, want %d and %d", len(recs.Accounts), len(recs.Verifications), n, n-3)
	}
	for _, a := range recs.Accounts {
		if a.Username == p3.Username {
			t.Errorf("the excluded account %s was registered", p3.Username)
		}
	}
}

// TestInvalidRowsOfALargeBatch: in a batch of more than a hundred new
// accounts, which usapi validates from their attributes before any
// object is built, a bad e-mail and a bad phone number are still refused
// at plan time with their CSV lines, and -exclude-invalid leaves out just
// those rows (and the verifications that read them).
func TestInvalidRowsOfALargeBatch(t *testing.T) {
	sb := startSandbox(t)
	const n = 150
	dir := rowsDir(t, sb.URL(), n)
	bad, worse := crashtest.PersonAt(120), crashtest.PersonAt(37)
	csv := filepath.Join(dir, "people.csv")
	editFile(t, csv, bad.Email, "not-an-email")
	editFile(t, csv, worse.Phone, "0812")

	r := daftar(t, dir, "plan")
	if r.code != 1 {
		t.Fatalf("plan: want exit 1, got\n%s", r)
	}
	flat := strings.Join(strings.Fields(r.stderr), " ")
	for _, want := range []string{
		"Error: Invalid e-mail address", "The instance comes from line 122 of people.csv.",
		"Error: Invalid phone number", "The instance comes from line 39 of people.csv.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("standard error lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := strings.Count(r.stderr, "Error: "); got != 3 { // Proofylink checks the phone number too
		t.Errorf("%d errors, want 3:\n%s", got, r.stderr)
	}
	r = daftar(t, dir, "plan", "-exclude-invalid")
	if r.code != 3 {
		t.Fatalf("plan -exclude-invalid: want exit 3, got\n%s", r)
	}
	// The two rows' accounts and verifications are left out; the others
	// and the lead are planned, each from its own row.
	contains(t, r, "4 instances excluded", fmt.Sprintf("Plan: %d to add, 0 to change, 0 to replace, 0 to forget.", 2*(n-2)+1))
	r = daftar(t, dir, "plan", "-exclude-invalid", "-out=rows.plan")
	if r.code != 3 {
		t.Fatalf("plan -exclude-invalid -out: want exit 3, got\n%s", r)
	}
	r = daftar(t, dir, "show", "-json", "rows.plan")
	var pj struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Index   string `json:"index"`
			Type    string `json:"type"`
			Change  struct {
				After map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &pj); err != nil {
		t.Fatalf("show -json: %v\n%s", err, r)
	}
	people := map[string]crashtest.Person{}
	for i := range n {
		p := crashtest.PersonAt(i)
		people[p.Username] = p
	}
	accounts := 0
	for _, rc := range pj.ResourceChanges {
		if rc.Type != "usapi_account" || rc.Index == "" {
			continue
		}
		accounts++
		p, after := people[rc.Index], rc.Change.After
		if rc.Index == bad.Username || rc.Index == worse.Username {
			t.Errorf("%s planned though excluded", rc.Address)
		}
		if after["username"] != p.Username || after["email"] != p.Email || after["phone_number"] != p.Phone {
			t.Errorf("%s planned with another row: %v", rc.Address, after)
		}
	}
	if accounts != n-2 {
		t.Errorf("%d accounts planned, want %d", accounts, n-2)
	}
}

// TestImpossibleChangeNamesRow: a change the API cannot make to an
// account of the batch (a last name: USAPI has no endpoint for it) is an
// error that names the CSV row it comes from, as a rejected value is.
func TestImpossibleChangeNamesRow(t *testing.T) {
	sb := startSandbox(t)
	dir := rowsDir(t, sb.URL(), 4)
	if r := daftar(t, dir, "apply", "-auto-approve", "-target=usapi_account.person"); r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	p2 := crashtest.PersonAt(2)
	row := p2.Username + "," + p2.FirstName + "," + p2.LastName + ","
	editFile(t, filepath.Join(dir, "people.csv"), row, p2.Username+","+p2.FirstName+",Another,")
	r := daftar(t, dir, "plan", "-target=usapi_account.person")
	if r.code != 1 {
		t.Fatalf("plan: want exit 1, got\n%s", r)
	}
	flat := strings.Join(strings.Fields(r.stderr), " ")
	for _, want := range []string{
		"Error: USAPI cannot change last_name on main.hcl:",
		`(in usapi_account.person["` + p2.Username + `"]) The instance comes from line 4 of people.csv.`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("standard error lacks %q:\n%s", want, r.stderr)
		}
	}
}
