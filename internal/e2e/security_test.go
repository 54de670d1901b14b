package e2e

// The tests of issue 6: the audit log, secrets kept out of every file and
// output, sealed plans, state encryption, and the auditors' report.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/daftar-dev/daftar/internal/e2e/binrun"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/daftar-dev/daftar/internal/crypt"
)

// mustEnv is must with env added.
func mustEnv(t *testing.T, want int, dir string, env []string, args ...string) result {
	t.Helper()
	r := daftarEnv(t, dir, env, args...)
	if r.code != want {
		t.Fatalf("daftar %s: want exit %d, got\n%s", strings.Join(args, " "), want, r)
	}
	return r
}

// readAuditLines returns the audit log's lines, each without its newline.
func readAuditLines(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func writeAuditLines(t *testing.T, dir string, lines []string) {
	t.Helper()
	data := strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "daftar.audit.jsonl"), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Every line of a real apply's audit log carries every field the issue
// names, with plausible values, and is chained to the one before.
func TestAuditLogRecordsEveryField(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	lines := readAuditLines(t, dir)
	if len(lines) < 6 {
		t.Fatalf("only %d audit lines for an apply of 4 resources", len(lines))
	}
	prev := hex.EncodeToString(sha256.New().Sum(nil))
	runs, resources := map[string]bool{}, map[string]bool{}
	sent := 0
	for i, line := range lines {
		var l struct {
			V              *int     `json:"v"`
			Seq            *int     `json:"seq"`
			Event          string   `json:"event"`
			Time           string   `json:"time"`
			RunID          string   `json:"run_id"`
			Command        string   `json:"command"`
			Resource       *string  `json:"resource"`
			Provider       string   `json:"provider"`
			Method         string   `json:"method"`
			Path           string   `json:"path"`
			Status         *int     `json:"status"`
			Code           *string  `json:"code"`
			DurationMS     *float64 `json:"duration_ms"`
			RequestSHA256  string   `json:"request_sha256"`
			ResponseSHA256 string   `json:"response_sha256"`
			Outcome        string   `json:"outcome"`
			Prev           string   `json:"prev"`
			Hash           string   `json:"hash"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		where := fmt.Sprintf("line %d (%s)", i+1, line)
		if _, err := time.Parse(time.RFC3339Nano, l.Time); err != nil {
			t.Errorf("%s: time %q", where, l.Time)
		}
		if l.Event == "sent" { // before a create leaves; its outcome line follows
			sent++
			switch {
			case l.V == nil || *l.V != 1 || l.Seq == nil || *l.Seq != i+1 || l.Method != "POST" || l.Resource == nil || *l.Resource == "":
				t.Errorf("%s: v, seq, method or resource of a sent line", where)
			case !hexDigest.MatchString(l.RequestSHA256) || l.Prev != prev || l.Status != nil || l.Outcome != "":
				t.Errorf("%s: a sent line has the request's digest, its prev, and no answer", where)
			}
			sum := sha256.Sum256([]byte(line))
			prev = hex.EncodeToString(sum[:])
			continue
		}
		switch {
		case l.V == nil || *l.V != 1 || l.Seq == nil || *l.Seq != i+1 || l.Event != "request":
			t.Errorf("%s: v, seq or event", where)
		case !strings.HasPrefix(l.RunID, "run-") || l.Command != "apply":
			t.Errorf("%s: run id or command", where)
		case l.Resource == nil || l.Code == nil || l.Status == nil || l.DurationMS == nil || *l.DurationMS < 0:
			t.Errorf("%s: resource, code, status or duration missing", where)
		case l.Provider != "usapi" && l.Provider != "proofylink":
			t.Errorf("%s: provider", where)
		case l.Method == "" || !strings.HasPrefix(l.Path, "/"):
			t.Errorf("%s: method or path", where)
		case !hexDigest.MatchString(l.RequestSHA256) || !hexDigest.MatchString(l.ResponseSHA256) || !hexDigest.MatchString(l.Hash):
			t.Errorf("%s: digests", where)
		case (l.Outcome != "ok" || *l.Status < 200 || *l.Status > 299) && !emptyListAnswer(l.Method, l.Path, *l.Status):
			t.Errorf("%s: outcome and status of a sandbox that never fails", where)
		case l.Prev != prev:
			t.Errorf("%s: prev is not the digest of the line before", where)
		}
		sum := sha256.Sum256([]byte(line))
		prev = hex.EncodeToString(sum[:])
		runs[l.RunID] = true
		if l.Resource != nil && *l.Resource != "" {
			resources[*l.Resource] = true
		}
	}
	if len(runs) != 1 {
		t.Errorf("one apply wrote %d run ids", len(runs))
	}
	if sent != 4 { // two sign-ups, two verifications
		t.Errorf("%d sent lines, want one per create (4)", sent)
	}
	for _, a := range []string{`usapi_account.hire["ani"]`, `usapi_account.hire["budi"]`, `proofylink_verification.check["ani"]`, `proofylink_verification.check["budi"]`} {
		if !resources[a] {
			t.Errorf("no request is recorded for %s", a)
		}
	}
	// The head is recorded outside the log, and verify checks it.
	var head struct {
		Seq    int    `json:"seq"`
		SHA256 string `json:"sha256"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".daftar", "audit.head"))
	if err != nil || json.Unmarshal(data, &head) != nil || head.Seq != len(lines) || head.SHA256 != prev {
		t.Fatalf("the recorded head %s (%v) is not line %d, %s", data, err, len(lines), prev)
	}
	r := must(t, 0, dir, "audit", "verify")
	contains(t, r, fmt.Sprintf("intact: %d lines", len(lines)), "Head (sha256 of line", prev, "as .daftar/audit.head recorded it")
}

// reseal recomputes a line's own hash after an edit, as a careful forger
// would: only the next line's prev then shows the edit.
func reseal(t *testing.T, line string) string {
	t.Helper()
	i := strings.LastIndex(line, `,"hash":"`)
	if i < 0 {
		t.Fatalf("no hash in %s", line)
	}
	body := line[:i] + "}"
	sum := sha256.Sum256([]byte(body))
	return line[:i] + `,"hash":"` + hex.EncodeToString(sum[:]) + `"}`
}

// audit verify names the first broken line, exit 1, for each kind of
// tampering; lines removed from the end are found through the recorded
// head, or through a head kept elsewhere (-head) when the head file is
// gone too.
func TestAuditVerifyFindsEveryKindOfTampering(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	orig := readAuditLines(t, dir)
	n := len(orig)
	origHead, _ := os.ReadFile(filepath.Join(dir, ".daftar", "audit.head"))
	lastDigest := func(lines []string) string {
		sum := sha256.Sum256([]byte(lines[len(lines)-1]))
		return hex.EncodeToString(sum[:])
	}
	edit := func(f func(l []string) []string) func() []string {
		return func() []string { return f(append([]string(nil), orig...)) }
	}
	tests := map[string]struct {
		log     func() []string
		noHead  bool
		args    []string
		wantErr string
	}{
		"a field edited": {log: edit(func(l []string) []string {
			// Every kind of line has a time (a "sent" line has no status).
			l[2] = strings.Replace(l[2], `"time":"20`, `"time":"19`, 1)
			return l
		}), wantErr: "broken at line 3: the line was altered"},
		"a field edited and the line resealed": {log: edit(func(l []string) []string {
			l[2] = reseal(t, strings.Replace(l[2], `"method":"POST"`, `"method":"GET"`, 1))
			return l
		}), wantErr: "broken at line 4: prev does not match"},
		"a line deleted": {log: edit(func(l []string) []string {
			return append(l[:3], l[4:]...)
		}), wantErr: "broken at line 4: seq jumps from 3 to 5"},
		"two lines swapped": {log: edit(func(l []string) []string {
			l[3], l[4] = l[4], l[3]
			return l
		}), wantErr: "broken at line 4: seq jumps from 3 to 5"},
		"a line repeated": {log: edit(func(l []string) []string {
			return append(l[:4], append([]string{l[2]}, l[4:]...)...)
		}), wantErr: "broken at line 5: seq 3 follows seq 4"},
		"the last line cut short": {log: edit(func(l []string) []string {
			l[n-1] = l[n-1][:len(l[n-1])/2]
			return l
		}), wantErr: fmt.Sprintf("broken at line %d", n)},
		"the last lines removed": {log: edit(func(l []string) []string {
			return l[:n-2]
		}), wantErr: fmt.Sprintf("the log ends at line %d, but .daftar/audit.head records line %d", n-2, n)},
		"the last lines and the head file removed, the head kept elsewhere": {log: edit(func(l []string) []string {
			return l[:n-2]
		}), noHead: true, args: []string{"-head=" + lastDigest(orig)}, wantErr: "no line of the log has the sha256 " + lastDigest(orig)},
		"the whole log rewritten from line 1": {log: edit(func(l []string) []string {
			l[0] = reseal(t, regexp.MustCompile(`"status":\d+`).ReplaceAllString(l[0], `"status":299`))
			prev := sha256.Sum256([]byte(l[0]))
			for i := 1; i < len(l); i++ {
				j := strings.Index(l[i], `"prev":"`)
				l[i] = reseal(t, l[i][:j]+`"prev":"`+hex.EncodeToString(prev[:])+l[i][j+8+64:])
				prev = sha256.Sum256([]byte(l[i]))
			}
			return l
		}), wantErr: fmt.Sprintf("line %d has sha256", n)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			writeAuditLines(t, dir, tc.log())
			if strings.Contains(name, "cut short") { // no newline after the torn line
				data, _ := os.ReadFile(filepath.Join(dir, "daftar.audit.jsonl"))
				os.WriteFile(filepath.Join(dir, "daftar.audit.jsonl"), bytes.TrimSuffix(data, []byte("\n")), 0o600)
			}
			os.WriteFile(filepath.Join(dir, ".daftar", "audit.head"), origHead, 0o600)
			if tc.noHead {
				os.Remove(filepath.Join(dir, ".daftar", "audit.head"))
			}
			r := must(t, 1, dir, append([]string{"audit", "verify"}, tc.args...)...)
			contains(t, r, tc.wantErr)
		})
	}
	writeAuditLines(t, dir, orig)
	os.WriteFile(filepath.Join(dir, ".daftar", "audit.head"), origHead, 0o600)
	must(t, 0, dir, "audit", "verify", "-head="+lastDigest(orig))
}

// scanLines reads r's lines into a channel until it closes.
func scanLines(r *bufio.Scanner, out chan<- string) {
	for r.Scan() {
		out <- r.Text()
	}
	close(out)
}

// The secrets scenario: a configuration (testdata/secrets) whose every
// secret is known, so that a test can search every byte daftar writes and
// prints for them.

// secretValues are the scenario's secrets: passwords, API credentials, an
// access token, NIKs (one of them invalid, for an error), and the marks
// inside the KTP photos, the consent form and the profile photo.
var secretValues = []string{
	"Rahasia-Sekali-2026!", "sandbox-usapi-key", "sandbox-proofylink-token", "sbx-citra-dewi",
	"3171015504960001", "3171011208900000", "317101550496001",
	"KTP-PHOTO-BYTES-OF-ANI-5c2f91", "KTP-PHOTO-BYTES-OF-BUDI-83be07",
	"CONSENT-FORM-SIGNED-BY-BUDI-1d94a0", "PROFILE-PHOTO-OF-ANI-77c1d3",
}

// secretInputs are the scenario's input files (the user's own, not
// written by daftar).
var secretInputs = map[string]string{
	"ktp/ani.jpg":      "\xff\xd8\xff\xe0KTP-PHOTO-BYTES-OF-ANI-5c2f91",
	"ktp/budi.jpg":     "\xff\xd8\xff\xe0KTP-PHOTO-BYTES-OF-BUDI-83be07",
	"consent/budi.pdf": "%PDF-1.4 CONSENT-FORM-SIGNED-BY-BUDI-1d94a0",
	"photos/ani.jpg":   "\xff\xd8\xff\xe0PROFILE-PHOTO-OF-ANI-77c1d3",
	// Uploaded by TestEchoedRequestsShowNoSecret's refused verification.
	"ktp/echo.jpg":     "\xff\xd8\xff\xe0KTP-ECHO-MARK-aa11\x00\x01",
	"consent/echo.pdf": "%PDF-1.4 CONSENT-ECHO-MARK-bb22",
}

// secretsDir makes a working directory of the scenario.
func secretsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg, err := os.ReadFile(testdata("secrets", "main.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"main.hcl": string(cfg)}
	for k, v := range secretInputs {
		files[k] = v
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// isInput says whether a path of the scenario's directory is not
// daftar's: the configuration, the input files, and the sandbox's records
// (the fake remote API, which holds what an API would).
func isInput(rel string) bool {
	_, input := secretInputs[filepath.ToSlash(rel)]
	return input || strings.HasSuffix(rel, ".hcl") || strings.HasPrefix(filepath.ToSlash(rel), ".daftar/sandbox/")
}

// leakScan gathers what daftar wrote and printed, and searches it, its
// base64 parts and, with the passphrase, its decrypted content.
type leakScan struct {
	t          *testing.T
	passphrase string
	blobs      map[string][]byte
}

func newLeakScan(t *testing.T, passphrase string) *leakScan {
	return &leakScan{t: t, passphrase: passphrase, blobs: map[string][]byte{}}
}

func (s *leakScan) add(name string, data []byte) {
	s.blobs[name] = append(s.blobs[name], data...)
}

func (s *leakScan) addOutput(args []string, r result) {
	s.add("the output of daftar "+strings.Join(args, " "), []byte(r.stdout+r.stderr))
}

// addFiles adds every file under dir that daftar wrote.
func (s *leakScan) addFiles(dir string) []string {
	var names []string
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		rel, _ := filepath.Rel(dir, path)
		if err != nil || info.IsDir() || isInput(rel) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			s.t.Fatal(err)
		}
		s.add(rel, data)
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	return names
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{12,}={0,2}`)

// views returns data and what can be read out of it: its decryption, and
// the decoding of every base64 run in it (msgpack values in plan files,
// encrypted journal lines), recursively.
func (s *leakScan) views(data []byte, depth int) [][]byte {
	out := [][]byte{data}
	if depth > 3 {
		return out
	}
	if plain := s.decrypt(data); plain != nil {
		out = append(out, s.views(plain, depth+1)...)
	}
	for _, run := range base64Run.FindAll(data, -1) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if dec, err := enc.DecodeString(string(run)); err == nil {
				out = append(out, s.views(dec, depth+1)...)
				break
			}
		}
	}
	return out
}

// decrypt opens data when it is encrypted, failing the test when the
// passphrase does not open it.
func (s *leakScan) decrypt(data []byte) []byte {
	if !crypt.IsEncrypted(data) {
		return nil
	}
	c, err := crypt.New(s.passphrase, crypt.Params{})
	if err != nil {
		s.t.Fatalf("an encrypted file, and no passphrase to open it: %v", err)
	}
	plain, err := c.Decrypt(data)
	if err != nil {
		s.t.Fatalf("an encrypted file does not open with the passphrase: %v", err)
	}
	return plain
}

// find fails the test for every secret found anywhere.
func (s *leakScan) find(secrets []string) {
	s.t.Helper()
	for name, blob := range s.blobs {
		for _, view := range s.views(blob, 0) {
			for _, secret := range secrets {
				if bytes.Contains(view, []byte(secret)) {
					s.t.Errorf("%s holds %q in clear", name, secret)
				}
			}
		}
	}
}

// killedApply starts an apply, kills it (SIGKILL) once the verifications
// are being created, so that the journal holds the accounts' outcomes and
// the verifications' intents, and returns the journal it left.
func killedApply(t *testing.T, dir string, env []string, scan *leakScan) []byte {
	t.Helper()
	cmd := exec.Command(bin(t), "apply", "-auto-approve")
	cmd.Dir = dir
	cmd.Env = binrun.Env(env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 256)
	go scanLines(bufio.NewScanner(stdout), lines)
	var printed strings.Builder
	deadline := time.After(2 * time.Minute)
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("the apply ended before it was killed:\n%s\n%s", printed.String(), stderr.String())
			}
			printed.WriteString(line + "\n")
			if strings.HasPrefix(line, "proofylink_verification.") && strings.HasSuffix(line, "Creating...") {
				break wait
			}
		case <-deadline:
			t.Fatalf("the apply never started creating a verification:\n%s", printed.String())
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	for line := range lines {
		printed.WriteString(line + "\n")
	}
	scan.add("the output of the killed apply", []byte(printed.String()+stderr.String()))
	journal, err := os.ReadFile(filepath.Join(dir, ".daftar", "journal", "daftar.state.json.journal"))
	if err != nil || len(journal) == 0 {
		t.Fatalf("the killed apply left no journal (%v)", err)
	}
	return journal
}

// runSecretsScenario runs the whole life of the scenario (validate, a
// saved plan, an apply killed halfway, the stale plan refused, apply,
// every read command, reports in each format, an error) with env, and
// returns the scan of everything written and printed, the names of the
// files daftar wrote, and the journal the killed apply left.
func runSecretsScenario(t *testing.T, env []string, passphrase string) (*leakScan, []string, []byte, string) {
	dir := secretsDir(t)
	scan := newLeakScan(t, passphrase)
	run := func(want int, args ...string) result {
		t.Helper()
		r := mustEnv(t, want, dir, env, args...)
		scan.addOutput(args, r)
		return r
	}
	run(0, "validate", "-json")
	run(0, "plan", "-json")
	run(0, "plan", "-out=review.plan")
	run(0, "show", "review.plan")
	run(0, "show", "-json", "review.plan")
	journal := killedApply(t, dir, env, scan)
	scan.add("the journal of the killed apply", journal)
	r := run(1, "apply", "review.plan")
	contains(t, r, "is stale")
	r = run(0, "apply", "-auto-approve")
	contains(t, r, "Apply complete!")
	run(0, "plan", "-out=again.plan")
	run(0, "show", "again.plan")
	for _, args := range [][]string{{"show"}, {"show", "-json"}, {"output"}, {"output", "-json"}, {"output", "password"},
		{"output", "-json", "password"}, {"output", "credibility"}, {"state", "list"},
		{"state", "show", "proofylink_verification.budi"}, {"state", "show", "usapi_account.ani"},
		{"report", "-out=report.html"}, {"report", "-out=report.csv"}, {"report", "-out=report.json"},
		{"report", "-format=json"}, {"report", "-format=csv"}, {"audit", "verify"}} {
		run(0, args...)
	}
	r = run(1, "plan", "-var", "extra_nik=317101550496001")
	contains(t, r, "is not valid")
	files := scan.addFiles(dir)
	return scan, files, journal, dir
}

// dirFiles reads every file under dir, by relative path.
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files[rel], _ = os.ReadFile(path)
		}
		return nil
	})
	return files
}

// sameFiles fails the test unless every file under dir is as before.
func sameFiles(t *testing.T, dir string, before map[string][]byte) {
	t.Helper()
	after := dirFiles(t, dir)
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s was created", name)
		}
	}
}

func encryptedFile(t *testing.T, path string) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return crypt.IsEncrypted(data)
}

const (
	passphraseA = "correct horse battery staple"
	passphraseB = "a new passphrase, long enough"
)

var (
	withA = []string{"DAFTAR_STATE_PASSPHRASE=" + passphraseA}
	withB = []string{"DAFTAR_STATE_PASSPHRASE=" + passphraseB}
)

// An encrypted state works like a plaintext one with the passphrase, and a
// wrong or missing passphrase is a clear error that changes no file, for
// every command that reads the state.
func TestEncryptedStateRoundTripAndWrongPassphrase(t *testing.T) {
	dir := example(t, "quickstart")
	mustEnv(t, 0, dir, withA, "apply", "-auto-approve")
	r := mustEnv(t, 0, dir, withA, "plan", "-detailed-exitcode", "-out=nothing.plan")
	contains(t, r, "No changes.")
	for _, f := range []string{"daftar.state.json", "nothing.plan"} {
		if !encryptedFile(t, filepath.Join(dir, f)) {
			t.Fatalf("%s is not encrypted", f)
		}
	}
	r = mustEnv(t, 0, dir, withA, "state", "list")
	if len(strings.Fields(r.stdout)) != 4 {
		t.Fatalf("state list with the passphrase:\n%s", r)
	}

	before := dirFiles(t, dir)
	for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}, {"show"}, {"state", "list"}, {"output"}, {"report"},
		{"state", "rm", `usapi_account.hire["ani"]`}, {"import", `usapi_account.hire["ani"]`, "ani"}, {"show", "nothing.plan"}, {"apply", "nothing.plan"}} {
		r := mustEnv(t, 1, dir, withB, args...)
		if !strings.Contains(r.stderr, "passphrase") || strings.Contains(r.stderr, "panic") {
			t.Errorf("daftar %s with the wrong passphrase:\n%s", strings.Join(args, " "), r)
		}
		r = mustEnv(t, 1, dir, nil, args...)
		if !strings.Contains(r.stderr, "encrypted") {
			t.Errorf("daftar %s without a passphrase:\n%s", strings.Join(args, " "), r)
		}
	}
	r = mustEnv(t, 1, dir, withB, "state", "list")
	contains(t, r, "the state file daftar.state.json cannot be decrypted: the state passphrase is wrong", "Nothing was changed")
	r = mustEnv(t, 1, dir, nil, "state", "list")
	contains(t, r, "is encrypted: set DAFTAR_STATE_PASSPHRASE")
	sameFiles(t, dir, before)
}

// Plaintext to encrypted, to a new passphrase, and back, one command each;
// each step leaves a state the old settings refuse and the new ones read.
func TestStateEncryptDecryptRekey(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "apply", "-auto-approve")
	mustEnv(t, 0, dir, nil, "state", "rm", `usapi_account.hire["budi"]`) // a backup too
	want := mustEnv(t, 0, dir, nil, "state", "list").stdout
	state, backup := filepath.Join(dir, "daftar.state.json"), filepath.Join(dir, "daftar.state.json.backup")

	r := mustEnv(t, 1, dir, nil, "state", "encrypt")
	contains(t, r, "set DAFTAR_STATE_PASSPHRASE")
	r = mustEnv(t, 0, dir, withA, "state", "encrypt")
	contains(t, r, "now encrypted")
	if !encryptedFile(t, state) || !encryptedFile(t, backup) {
		t.Fatal("state encrypt left a file in plaintext")
	}
	mustEnv(t, 1, dir, nil, "state", "list")
	if got := mustEnv(t, 0, dir, withA, "state", "list").stdout; got != want {
		t.Fatalf("after encrypt: %q, want %q", got, want)
	}
	r = mustEnv(t, 1, dir, withA, "state", "encrypt")
	contains(t, r, "already encrypted", "daftar state rekey")

	r = mustEnv(t, 1, dir, withA, "state", "rekey")
	contains(t, r, "DAFTAR_NEW_STATE_PASSPHRASE")
	before := dirFiles(t, dir)
	mustEnv(t, 1, dir, append([]string{"DAFTAR_NEW_STATE_PASSPHRASE=" + passphraseA}, withB...), "state", "rekey")
	sameFiles(t, dir, before) // rekey with the wrong current passphrase changes nothing
	mustEnv(t, 0, dir, append([]string{"DAFTAR_NEW_STATE_PASSPHRASE=" + passphraseB}, withA...), "state", "rekey")
	mustEnv(t, 1, dir, withA, "state", "list")
	if got := mustEnv(t, 0, dir, withB, "state", "list").stdout; got != want {
		t.Fatalf("after rekey: %q, want %q", got, want)
	}

	r = mustEnv(t, 0, dir, withB, "state", "decrypt")
	contains(t, r, "now in plaintext", "Unset DAFTAR_STATE_PASSPHRASE")
	if encryptedFile(t, state) || encryptedFile(t, backup) {
		t.Fatal("state decrypt left a file encrypted")
	}
	r = mustEnv(t, 1, dir, withB, "plan")
	contains(t, r, "is not encrypted, yet a state passphrase is set", "daftar state encrypt")
	r = must(t, 0, dir, "plan")
	contains(t, r, `usapi_account.hire["budi"] will be created`) // the state removed above, as it was
	r = mustEnv(t, 1, dir, nil, "state", "decrypt")
	contains(t, r, "set DAFTAR_STATE_PASSPHRASE")
}

// The passphrase can come from the configuration's daftar block, through
// a variable.
func TestEncryptionBlockInTheConfiguration(t *testing.T) {
	dir := example(t, "quickstart")
	f, err := os.OpenFile(filepath.Join(dir, "main.hcl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`
variable "state_passphrase" {
  type      = string
  sensitive = true
}

daftar {
  encryption {
    passphrase = var.state_passphrase
  }
}
`)
	f.Close()
	env := []string{"DAFTAR_VAR_state_passphrase=" + passphraseA}
	mustEnv(t, 0, dir, env, "apply", "-auto-approve")
	if !encryptedFile(t, filepath.Join(dir, "daftar.state.json")) {
		t.Fatal("the daftar { encryption } block did not encrypt the state")
	}
	mustEnv(t, 0, dir, env, "state", "list") // read-only commands find the block too
	mustEnv(t, 0, dir, withA, "output")      // the environment variable works alike
	r := mustEnv(t, 1, dir, []string{"DAFTAR_VAR_state_passphrase=" + passphraseB}, "show")
	contains(t, r, "passphrase is wrong")
}

// A saved plan is refused, naming why, when one byte of it was edited,
// when an action was changed, when its seal is gone, and when the state
// moved on since it was made.
func TestTamperedAndStalePlansRefused(t *testing.T) {
	dir := example(t, "quickstart")
	must(t, 0, dir, "plan", "-out=review.plan")
	path := filepath.Join(dir, "review.plan")
	orig, _ := os.ReadFile(path)
	tampered := map[string][]byte{
		"one byte edited":    bytes.Replace(orig, []byte(`"refresh":true`), []byte(`"refresh":fals`), 1),
		"an action changed":  bytes.Replace(orig, []byte(`"action":"create"`), []byte(`"action":"update"`), 1),
		"an address changed": bytes.Replace(orig, []byte(`usapi_account.hire[\"budi\"]`), []byte(`usapi_account.hire[\"eve\"]`), 1),
		"the seal removed":   orig[:bytes.LastIndex(orig, []byte(`{"seal":`))],
	}
	for name, data := range tampered {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(data, orig) {
				t.Fatal("test bug: nothing was changed")
			}
			os.WriteFile(path, data, 0o600)
			for _, args := range [][]string{{"apply", "review.plan"}, {"show", "review.plan"}} {
				r := must(t, 1, dir, args...)
				contains(t, r, "the plan file review.plan cannot be trusted")
			}
			if _, err := os.Stat(filepath.Join(dir, "daftar.state.json")); err == nil {
				t.Fatal("a refused plan wrote the state")
			}
		})
	}
	os.WriteFile(path, orig, 0o600)

	// Stale: another apply moved the state on.
	must(t, 0, dir, "apply", "-auto-approve", `-target=usapi_account.hire["budi"]`)
	r := must(t, 1, dir, "apply", "review.plan")
	contains(t, r, "the plan review.plan is stale: the state changed since it was made (serial 0 then, 1 now)")
	// Made with another digest key (another machine): refused too.
	must(t, 0, dir, "plan", "-out=fresh.plan")
	otherKey := []string{"DAFTAR_DIGEST_KEY=" + strings.Repeat("ab", 32)}
	r = mustEnv(t, 1, dir, otherKey, "apply", "fresh.plan")
	contains(t, r, "the digest key differs from the one this state was written with")
	// Accepting a new key does not make a plan sealed with the old one
	// trustworthy.
	r = mustEnv(t, 1, dir, otherKey, "apply", "-accept-new-digest-key", "fresh.plan")
	contains(t, r, "cannot be trusted", "another digest key")
	must(t, 0, dir, "apply", "fresh.plan")
}

// -show-sensitive is the only way to see a sensitive value, and shows only
// what the configuration still holds.
func TestShowSensitiveShowsOnlyConfiguredValues(t *testing.T) {
	dir := example(t, "quickstart")
	f, _ := os.OpenFile(filepath.Join(dir, "main.hcl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\noutput \"first_password\" {\n  value     = var.initial_password\n  sensitive = true\n}\n")
	f.Close()
	must(t, 0, dir, "apply", "-auto-approve")
	for _, args := range [][]string{{"show"}, {"show", "-json"}, {"output"}, {"output", "first_password"}} {
		r := must(t, 0, dir, args...)
		if strings.Contains(r.stdout, "Selamat-Datang-2026") || strings.Contains(r.stdout, "3171015504960001") {
			t.Fatalf("daftar %s shows a secret:\n%s", strings.Join(args, " "), r)
		}
	}
	r := must(t, 0, dir, "show", "-show-sensitive")
	contains(t, r, "# Sensitive values are shown as the configuration gives them now",
		`password         = "Selamat-Datang-2026"`, `id_number            = "3171015504960001"`, `first_password = "Selamat-Datang-2026"`)
	r = must(t, 0, dir, "show", "-show-sensitive", "-json")
	contains(t, r, `"password": "Selamat-Datang-2026"`)
	editFile(t, filepath.Join(dir, "main.hcl"), `"3171015504960001"`, `"3171015504960009"`)
	r = must(t, 0, dir, "show", "-show-sensitive")
	contains(t, r, `id_number            = "3171015504960009"`) // what the configuration says now, not what was stored
	editFile(t, filepath.Join(dir, "main.hcl"), `"3171015504960009"`, `"3171015504960001"`)

	// A resource no longer configured keeps (sensitive value): its values
	// are only in the state, as digests.
	editFile(t, filepath.Join(dir, "main.hcl"), "for_each = local.hires\n\n  username", "for_each = { ani = local.hires.ani }\n\n  username")
	r = must(t, 0, dir, "show", "-show-sensitive")
	ani := r.stdout[strings.Index(r.stdout, `# usapi_account.hire["ani"]`):]
	budi := r.stdout[strings.Index(r.stdout, `# usapi_account.hire["budi"]`):]
	if !strings.Contains(ani, `"Selamat-Datang-2026"`) || !strings.Contains(budi[:strings.Index(budi, "}")], "password         = (sensitive value)") {
		t.Fatalf("show -show-sensitive after budi left the configuration:\n%s", r)
	}
	r = must(t, 1, dir, "show", "-show-sensitive", "x.plan")
	contains(t, r, "a saved plan holds no sensitive value")
}

// chromiumArgs are the flags the report is opened with: headless, no
// network of its own, a fresh profile.
func chromiumArgs(t *testing.T, extra ...string) []string {
	return append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,900"}, extra...)
}

// runChromium runs Debian's chromium, bounded in time.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// The HTML report, opened offline in a real browser, renders, and its
// chart is there: in the DOM the browser built, and in the pixels of a
// screenshot.
func TestHTMLReportInABrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI must open the report in a browser: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed here (apt-get install chromium); CI installs it and runs this test")
	}
	dir := example(t, "quickstart")
	editFile(t, filepath.Join(dir, "main.hcl"), `"3171011208900002"`, `"3171011208900000"`) // budi's check fails
	editFile(t, filepath.Join(dir, "main.hcl"), "  wait_for_result = true\n", "  wait_for_result = true\n  archive_reports = true\n")
	must(t, 0, dir, "apply", "-auto-approve")
	r := must(t, 0, dir, "report", "-out=report.html")
	contains(t, r, "Wrote the html report to report.html: 2 accounts, 2 verifications, 1 failures; audit log verified")
	page := "file://" + filepath.Join(dir, "report.html")

	dom := string(runChromium(t, bin, chromiumArgs(t, "--dump-dom", page)...))
	for _, want := range []string{`<svg id="credibility-chart"`, `data-level="E" data-count="1"`, `data-level="none" data-count="1"`,
		"OCR data mismatch", "ani.lestari@example.id", "3171********0000", "daftar audit verify passes"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the page the browser built lacks %q", want)
		}
	}
	if n := strings.Count(dom, `<rect class="bar level-`); n != 6 {
		t.Errorf("the chart has %d bars in the browser's DOM, want 6 (A to E and none)", n)
	}
	if strings.Contains(dom, "3171011208900000") || strings.Contains(dom, "3171015504960001") {
		t.Error("the report shows a NIK in clear")
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	runChromium(t, bin, chromiumArgs(t, "--screenshot="+shot, page)...)
	checkScreenshot(t, shot)

	checkPhoneWidth(t, bin, filepath.Join(dir, "report.html"))
	checkPrintedReport(t, bin, page, dir)
}

// checkPhoneWidth lays the report out in the browser at a phone's width
// (asked for 390 CSS pixels; headless Chromium lays a window out at least
// 500 wide, still inside the report's phone layout, max-width 700px) and
// checks that nothing is wider than the screen: no
// column hidden behind a sideways scroll. A copy of the page measures
// itself with a script (the report's own policy allows none).
func checkPhoneWidth(t *testing.T, bin, report string) {
	t.Helper()
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	page := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(string(html), "")
	measure := `<script>document.body.setAttribute("data-overflow", String(document.documentElement.scrollWidth - window.innerWidth));` +
		`document.body.setAttribute("data-viewport", String(window.innerWidth));` +
		`var wide=[];document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();` +
		`if(r.right>window.innerWidth+1&&wide.length<5)wide.push(e.tagName+"."+e.className+"#"+e.id+"("+Math.round(r.right)+")")});` +
		`document.body.setAttribute("data-wide", wide.join(" "));</script></body>`
	if !strings.Contains(page, "</body>") {
		t.Fatal("the report has no </body>")
	}
	page = strings.Replace(page, "</body>", measure, 1)
	copyPath := filepath.Join(t.TempDir(), "phone.html")
	if err := os.WriteFile(copyPath, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	args := chromiumArgs(t, "--window-size=390,844", "--dump-dom", "file://"+copyPath)
	for i, a := range args {
		if a == "--window-size=1200,900" {
			args = append(args[:i], args[i+1:]...)
			break
		}
	}
	dom := string(runChromium(t, bin, args...))
	m := regexp.MustCompile(`data-overflow="(-?\d+)"`).FindStringSubmatch(dom)
	v := regexp.MustCompile(`data-viewport="(\d+)"`).FindStringSubmatch(dom)
	if m == nil || v == nil {
		t.Fatalf("the phone-width page did not measure itself:\n%.2000s", dom)
	}
	if w, _ := strconv.Atoi(v[1]); w > 500 {
		t.Fatalf("the page was laid out %s pixels wide, want a phone's width (at most 500)", v[1])
	}
	if m[1] != "0" && !strings.HasPrefix(m[1], "-") {
		wide := regexp.MustCompile(`data-wide="([^"]*)"`).FindStringSubmatch(dom)
		t.Errorf("at a phone's width the report is %s pixels wider than the screen: something is cut or scrolls sideways (%v)", m[1], wide)
	}
}

// checkPrintedReport prints the report to PDF in the browser and checks,
// in the PDF's text (pdftotext), that every column header of the tables,
// every person and every evidence digest is on paper: none cut off at the
// page's edge.
func checkPrintedReport(t *testing.T, bin, page, dir string) {
	t.Helper()
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed, and CI must check the printed report: .ci/run installs it (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is not installed here (apt-get install poppler-utils); CI installs it and runs this test")
	}
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	runChromium(t, bin, chromiumArgs(t, "--no-pdf-header-footer", "--print-to-pdf="+pdf, page)...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, pdftotext, "-raw", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Words may be broken across lines in narrow columns: compare
	// without whitespace.
	text := strings.Join(strings.Fields(string(out)), "")
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	headers := []string{"Address", "Username", "Name", "E-mail", "Registration", "Registered at", "Last changed by",
		"Reference", "NIK", "Consent", "Status", "Score", "Level", "Updated", "KTP photo (keyed digest)", "Evidence files",
		"Kind", "Reason", "Last seen", "Key", "Done", "Failed", "Skipped", "Pending"}
	for _, h := range headers {
		if !strings.Contains(text, squeeze(h)) {
			t.Errorf("the printed report lacks the column header %q", h)
		}
	}
	for _, who := range []string{"Ani Lestari", "Budi Santoso", "ani.lestari@example.id", "budi.santoso@example.id", "3171********0001", "3171********0000"} {
		if !strings.Contains(text, squeeze(who)) {
			t.Errorf("the printed report lacks %q", who)
		}
	}
	lines := evidenceLines(t, dir)
	if len(lines) != 6 {
		t.Fatalf("%d evidence lines, want 6", len(lines))
	}
	for _, l := range lines {
		if !strings.Contains(text, l.SHA256) {
			t.Errorf("the printed report lacks the sha256 of %s", l.File)
		}
	}
	if strings.Contains(text, "3171011208900000") || strings.Contains(text, "3171015504960001") {
		t.Error("the printed report shows a NIK in clear")
	}
}

// checkScreenshot checks the screenshot is a 1200x900 PNG with a page on
// it, and the chart's bars: pixels of level E's red and of the grey of
// "none", as the report's CSS colours them.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 900 {
		t.Fatalf("the screenshot is %dx%d", b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]int{}
	for y := 0; y < 900; y++ {
		for x := 0; x < 1200; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}]++
		}
	}
	if len(colours) < 20 {
		t.Errorf("the screenshot has %d colours: the page did not render", len(colours))
	}
	levelE, none := [3]uint32{0xc0, 0x39, 0x2b}, [3]uint32{0xa0, 0xa7, 0xb4}
	if colours[levelE] < 500 || colours[none] < 500 {
		t.Errorf("the chart's bars are not in the screenshot: %d pixels of level E's colour, %d of none's", colours[levelE], colours[none])
	}
}

// emptyListAnswer is Proofylink's documented answer to a list with nothing
// on it, 400 "Data not found.": before creating verifications, the plan
// looks for existing ones, and a new tenant has none.
func emptyListAnswer(method, path string, status int) bool {
	return method == "GET" && strings.HasPrefix(path, "/proofylink/api/v1/external/verifications?") && status == 400
}
