package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// evidenceLine is an audit log's evidence line, as the test reads it.
type evidenceLine struct {
	Event     string `json:"event"`
	Resource  string `json:"resource"`
	Kind      string `json:"kind"`
	File      string `json:"file"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Encrypted bool   `json:"encrypted"`
}

func evidenceLines(t *testing.T, dir string) []evidenceLine {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []evidenceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l evidenceLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Event == "evidence" {
			out = append(out, l)
		}
	}
	return out
}

// archiveExample is the quickstart with archive_reports set.
func archiveExample(t *testing.T) string {
	dir := example(t, "quickstart")
	editFile(t, filepath.Join(dir, "main.hcl"), "  wait_for_result = true\n", "  wait_for_result = true\n  archive_reports = true\n")
	return dir
}

// TestEvidenceArchived: an apply that waits for the verifications archives
// their two reports and their analysis from the sandbox, records each
// file's digest in the state and the audit log, and audit verify finds a
// file changed afterwards.
func TestEvidenceArchived(t *testing.T) {
	dir := archiveExample(t)
	r := must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete!")
	lines := evidenceLines(t, dir)
	if len(lines) != 6 {
		t.Fatalf("%d evidence lines in the audit log, want 3 for each of the 2 verifications:\n%v", len(lines), lines)
	}
	state, err := os.ReadFile(filepath.Join(dir, "daftar.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, l := range lines {
		kinds[l.Kind]++
		if !strings.HasPrefix(l.File, ".daftar/evidence/") || l.Encrypted {
			t.Errorf("evidence %s is at %s (encrypted %v), want under .daftar/evidence/ in clear", l.Kind, l.File, l.Encrypted)
		}
		data, err := os.ReadFile(filepath.Join(dir, l.File))
		if err != nil {
			t.Fatalf("%s: %v", l.File, err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != l.SHA256 || int64(len(data)) != l.Size {
			t.Errorf("%s does not match its audit line", l.File)
		}
		if strings.HasSuffix(l.File, ".pdf") && !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s is not a PDF: %.40q", l.File, data)
		}
		if strings.HasSuffix(l.File, ".analysis.json") && !bytes.Contains(data, []byte("credit_summary")) {
			t.Errorf("%s holds no analysis: %s", l.File, data)
		}
		if bytes.Contains(data, []byte("3171015504960001")) || bytes.Contains(data, []byte("3171011208900002")) {
			t.Errorf("%s holds a NIK in clear", l.File)
		}
		if !bytes.Contains(state, []byte(l.SHA256)) {
			t.Errorf("the state does not record %s's sha256", l.File)
		}
	}
	for _, k := range []string{"analysis", "credit_report", "proofylink_report"} {
		if kinds[k] != 2 {
			t.Errorf("%d %s evidence lines, want 2", kinds[k], k)
		}
	}
	r = must(t, 0, dir, "audit", "verify")
	contains(t, r, "Its 6 evidence files still have the digests it recorded.")
	// Nothing more to archive: the plan is empty.
	r = must(t, 0, dir, "plan")
	contains(t, r, "No changes.")

	// An evidence file changed afterwards fails the check, by name.
	if err := os.WriteFile(filepath.Join(dir, lines[1].File), []byte("%PDF-1.4 forged"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = must(t, 1, dir, "audit", "verify")
	contains(t, r, lines[1].File, "the file was changed or replaced")
}

// TestEvidenceArchivedLater: archive_reports set on verifications already
// completed is an in-place update that archives their evidence, spending
// nothing.
func TestEvidenceArchivedLater(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	if n := len(evidenceLines(t, dir)); n != 0 {
		t.Fatalf("%d evidence lines without archive_reports", n)
	}
	editFile(t, filepath.Join(dir, "main.hcl"), "  wait_for_result = true\n", "  wait_for_result = true\n  archive_reports = true\n")
	r := must(t, 0, dir, "plan")
	contains(t, r, "2 to change")
	r = must(t, 0, dir, "apply", "-auto-approve")
	contains(t, r, "Apply complete!")
	if n := len(evidenceLines(t, dir)); n != 6 {
		t.Fatalf("%d evidence lines after archive_reports was set, want 6\n%s", n, r)
	}
	must(t, 0, dir, "audit", "verify")
}

// TestEvidenceEncrypted: with the state encrypted, the evidence files are
// too, and audit verify checks them with the passphrase.
func TestEvidenceEncrypted(t *testing.T) {
	dir := archiveExample(t)
	env := []string{"DAFTAR_STATE_PASSPHRASE=correct horse battery staple 2026"}
	r := daftarEnv(t, dir, env, "apply", "-auto-approve")
	if r.code != 0 {
		t.Fatalf("apply: %s", r)
	}
	lines := evidenceLines(t, dir)
	if len(lines) != 6 {
		t.Fatalf("%d evidence lines, want 6", len(lines))
	}
	for _, l := range lines {
		data, err := os.ReadFile(filepath.Join(dir, l.File))
		if err != nil {
			t.Fatal(err)
		}
		if !l.Encrypted || !strings.HasSuffix(l.File, ".enc") || bytes.Contains(data, []byte("%PDF")) || bytes.Contains(data, []byte("credit_summary")) {
			t.Errorf("%s is not encrypted", l.File)
		}
	}
	r = daftarEnv(t, dir, env, "audit", "verify")
	if r.code != 0 {
		t.Fatalf("audit verify: %s", r)
	}
	contains(t, r, "Its 6 evidence files")
	r = daftarEnv(t, dir, withoutEnv(nil, "DAFTAR_STATE_PASSPHRASE"), "audit", "verify")
	if r.code != 1 {
		t.Fatalf("audit verify without the passphrase: %s", r)
	}
	contains(t, r, "is encrypted; set DAFTAR_STATE_PASSPHRASE")
}

// TestPlanSaysWhatFinishedOvernight: verifications that reached their
// result since the last apply are announced by the plan, with their
// outcomes, although nothing else changes; once applied, no longer.
func TestPlanSaysWhatFinishedOvernight(t *testing.T) {
	dir := example(t, "quickstart")
	hcl := filepath.Join(dir, "main.hcl")
	editFile(t, hcl, "  wait_for_result = true\n", "")
	editFile(t, hcl, `"3171011208900002"`, `"3171011208900000"`) // a sequence of 0000: the sandbox fails it
	must(t, 0, dir, "apply", "-auto-approve")
	// The sandbox finishes a verification a few seconds after its
	// creation: plan until both are final (plan does not write the state).
	var r result
	for i := 0; i < 60; i++ {
		r = must(t, 0, dir, "plan")
		if strings.Contains(r.stdout, "2 verifications finished") {
			break
		}
		if i == 59 {
			t.Fatalf("the plans never said both verifications finished:\n%s", r)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// Nothing to create or change; the quickstart's credibility output
	// shows the results, an output-only change (Terraform's rule).
	contains(t, r, "2 verifications finished since the last run: 1 completed, 1 failed.", "Plan: 0 to add, 0 to change, 0 to replace, 0 to forget.")
	must(t, 0, dir, "apply", "-auto-approve")
	r = must(t, 0, dir, "plan")
	if strings.Contains(r.stdout, "finished since the last run") {
		t.Errorf("a plan after the apply that recorded the results still announces them:\n%s", r)
	}
}

// TestReportWithoutStateOrWithBrokenLog: report in a directory where
// nothing was applied says so and exits 1; a report over a broken audit
// log puts that first, in red, and exits 1; a CSV report starts with a
// byte-order mark unless -bom=false.
func TestReportWithoutStateOrWithBrokenLog(t *testing.T) {
	empty := t.TempDir()
	r := must(t, 1, empty, "report")
	contains(t, r, "there is no state at daftar.state.json: nothing was applied from this directory")

	dir := archiveExample(t)
	must(t, 0, dir, "apply", "-auto-approve")
	must(t, 0, dir, "report", "-out=report.csv")
	csvData, err := os.ReadFile(filepath.Join(dir, "report.csv"))
	if err != nil || !bytes.HasPrefix(csvData, []byte("\xEF\xBB\xBFkind,")) {
		t.Fatalf("the CSV report does not start with a byte-order mark: %.12q (%v)", csvData, err)
	}
	for _, l := range evidenceLines(t, dir) {
		if !bytes.Contains(csvData, []byte(l.SHA256)) {
			t.Errorf("the CSV report lacks the sha256 of %s", l.File)
		}
	}
	r = must(t, 0, dir, "report", "-format=csv", "-bom=false")
	if !strings.HasPrefix(r.stdout, "kind,") {
		t.Errorf("-bom=false still writes a byte-order mark: %.12q", r.stdout)
	}

	log := filepath.Join(dir, "daftar.audit.jsonl")
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(log, bytes.Replace(data, []byte(`"command":"apply"`), []byte(`"command":"APPLY"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	r = must(t, 1, dir, "report", "-out=report.html")
	contains(t, r, "does not verify")
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	alarm, summary := bytes.Index(page, []byte(`<p class="alarm" id="audit-alarm">The audit log`)), bytes.Index(page, []byte(`<section id="summary">`))
	if alarm < 0 || summary < 0 || alarm > summary {
		t.Errorf("the broken log is not said first (alarm at %d, summary at %d)", alarm, summary)
	}
}
