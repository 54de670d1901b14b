package report

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/state"
)

// Report is everything a report shows.
type Report struct {
	// Generated is when the report was made (UTC).
	Generated time.Time `json:"generated"`
	// State identifies the state the report was made from.
	State StateID `json:"state"`

	Accounts      []Account      `json:"accounts"`
	Verifications []Verification `json:"verifications"`
	// Levels counts the verifications by credibility level, A to E, then
	// "none" for those without one (not completed, or failed).
	Levels []Count `json:"credibility_levels"`
	// Statuses counts the verifications by status, sorted by status.
	Statuses []Count `json:"statuses"`
	// Failures lists what did not succeed, with the reason: from the
	// state, and from the last apply's run record (LastApply).
	Failures []Failure `json:"failures"`
	// People groups every instance with a key (a batch's rows) by key:
	// what was done, failed, skipped, and is pending for each.
	People []Person `json:"people"`
	// Audit is the span of the audit log the report covers.
	Audit AuditSpan `json:"audit"`
}

// StateID names a state.
type StateID struct {
	Path    string `json:"path"`
	Lineage string `json:"lineage"`
	Serial  uint64 `json:"serial"`
}

// Evidence is what the audit log says about how a record came to be: the
// last request for the resource that succeeded in creating it.
type Evidence struct {
	RunID   string    `json:"run_id,omitempty"`
	Command string    `json:"command,omitempty"`
	Time    time.Time `json:"time,omitzero"`
	Request string    `json:"request,omitempty"` // "POST /usapi/signup"
	Seq     uint64    `json:"audit_line,omitempty"`
}

// Account is one registered USAPI account.
type Account struct {
	Address      string   `json:"address"`
	Username     string   `json:"username"`
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Registration string   `json:"registration"`
	RegisteredAt string   `json:"registered_at"`
	Evidence     Evidence `json:"evidence"`
}

// Verification is one Proofylink verification.
type Verification struct {
	Address          string   `json:"address"`
	ReferenceCode    string   `json:"reference_code"`
	Name             string   `json:"name"`
	Email            string   `json:"email"`
	NIK              string   `json:"nik_masked"`
	Consent          string   `json:"consent"`
	Status           string   `json:"status"`
	CredibilityScore *float64 `json:"credibility_score"`
	CredibilityLevel string   `json:"credibility_level"`
	FinalDecision    string   `json:"final_decision"`
	FailedMessage    string   `json:"failed_message"`
	CreatedAt        string   `json:"created_at"`
	UpdatedAt        string   `json:"updated_at"`
	// KTPDigest and ConsentDigest are the keyed digests of the KTP photo
	// and the consent form sent: the evidence, without its content.
	KTPDigest     string   `json:"ktp_image_sha256"`
	ConsentDigest string   `json:"form_consent_sha256"`
	Evidence      Evidence `json:"evidence"`
	// Files are the documents archived as evidence (archive_reports):
	// the analysis and the reports, with their sha256.
	Files []EvidenceFile `json:"evidence_files"`
}

// EvidenceFile is one archived document, as the state records it.
type EvidenceFile struct {
	Kind       string `json:"kind"`
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	ArchivedAt string `json:"archived_at"`
}

// Count is a number of verifications with one value.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Failure is something that did not succeed.
type Failure struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	// Kind is failed, skipped (something it depends on failed), pending
	// (an intent to resolve, or not attempted), excluded (invalid input),
	// or verification (the check ran and failed).
	Kind string `json:"kind"`
	// LastSeen is when the thing was last known in this condition: the
	// apply that left it so, or the start of the create that is pending.
	LastSeen time.Time `json:"last_seen,omitzero"`
}

// AuditSpan is the part of the audit log the report covers.
type AuditSpan struct {
	Path string `json:"path"`
	// Present is false when there is no audit log.
	Present  bool      `json:"present"`
	Lines    int       `json:"lines"`
	First    time.Time `json:"first,omitzero"`
	Last     time.Time `json:"last,omitzero"`
	Runs     int       `json:"runs"`
	Requests int       `json:"requests"`
	Failed   int       `json:"failed_requests"`
	// Head is the sha256 of the last line: keep it where the log's
	// writer cannot reach, and check it later with daftar audit verify
	// -head=<Head>.
	Head string `json:"head_sha256"`
	// Verified says daftar audit verify passes: the chain holds and the
	// log holds the head recorded in .daftar/audit.head. Problem says why
	// not.
	Verified bool   `json:"verified"`
	Problem  string `json:"problem,omitempty"`
	// RunIDs are the runs that wrote lines, in the order of their first
	// line.
	RunIDs []string `json:"run_ids"`
}

// Build makes the report of st. evidence maps resource addresses to their
// creating request in the audit log (see EvidenceFrom).
//
// la, the last apply's run record, may be nil. The error says why a
// resource's attributes could not be read back from the state file.
func Build(st *state.State, id StateID, span AuditSpan, evidence map[string]Evidence, la *LastApply, now time.Time) (*Report, error) {
	r := &Report{Generated: now.UTC(), State: id, Audit: span,
		Accounts: []Account{}, Verifications: []Verification{}, Failures: []Failure{}}
	for _, addr := range st.Addresses() {
		res := st.Resources[addr]
		if err := readable(res); err != nil {
			return nil, err
		}
		if res.Pending() != nil {
			r.Failures = append(r.Failures, pendingFailure(res))
		}
		attrs := attributes(res)
		if attrs == nil {
			continue
		}
		switch res.Type() {
		case "usapi_account":
			r.Accounts = append(r.Accounts, account(addr, attrs, evidence[addr]))
		case "proofylink_verification":
			v := verification(addr, attrs, evidence[addr])
			r.Verifications = append(r.Verifications, v)
			if v.Status == "failed" {
				r.Failures = append(r.Failures, verificationFailure(v))
			}
		}
	}
	r.Levels, r.Statuses = levels(r.Verifications), statuses(r.Verifications)
	r.Failures = append(r.Failures, lastApplyFailures(la, func(a string) *state.Resource { return st.Resources[a] })...)
	r.People = peopleOf(slices.Values(r.Failures), func(done func(*state.Resource)) {
		for _, addr := range st.Addresses() {
			done(st.Resources[addr])
		}
	})
	return r, nil
}

// pendingFailure is the failure of a resource with a pending intent.
func pendingFailure(res *state.Resource) Failure {
	return Failure{res.Address, "an apply started creating it at " + res.Pending().Started.UTC().Format(time.RFC3339) +
		" (run " + res.Pending().RunID + ") and stopped before the answer: the next plan resolves it against the API", "pending", res.Pending().Started.UTC()}
}

// verificationFailure is the failure of a verification whose status is
// failed.
func verificationFailure(v Verification) Failure {
	return Failure{v.Address, "verification " + v.ReferenceCode + " failed: " + orDash(v.FailedMessage), "verification", time.Time{}}
}

// attributes decodes a resource's attributes, nil when it has none (or
// when they cannot be read back from the state file: the callers checked
// that first, readable). An
// attribute whose value came from a sensitive value of the configuration
// (state's SensitivePaths: last_name = var.secret) reads as
// SensitiveValue, as show prints it.
func attributes(r *state.Resource) map[string]any {
	var m map[string]any
	raw, err := r.Attributes()
	if err != nil || len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	for _, path := range r.SensitivePaths() {
		if len(path) == 0 {
			continue
		}
		if name, ok := path[0].(string); ok {
			if _, present := m[name]; present {
				m[name] = SensitiveValue
			}
		}
	}
	return m
}

// SensitiveValue stands for a value the report must not show.
const SensitiveValue = "(sensitive value)"

func account(addr string, a map[string]any, ev Evidence) Account {
	return Account{Address: addr, Username: str(a, "username"),
		Name:  strings.TrimSpace(str(a, "first_name") + " " + str(a, "last_name")),
		Email: str(a, "email"), Registration: str(a, "registration"), RegisteredAt: str(a, "registered_at"), Evidence: ev}
}

func verification(addr string, a map[string]any, ev Evidence) Verification {
	v := Verification{Address: addr, ReferenceCode: str(a, "reference_code"), Name: str(a, "full_name"),
		Email: str(a, "email"), NIK: MaskNIK(str(a, "id_number")), Consent: str(a, "consent"),
		Status: str(a, "status"), CredibilityLevel: str(a, "credibility_level"),
		FinalDecision: str(a, "final_decision"), FailedMessage: str(a, "failed_message"),
		CreatedAt: str(a, "created_at"), UpdatedAt: str(a, "updated_at"),
		KTPDigest: str(a, "ktp_image_sha256"), ConsentDigest: str(a, "form_consent_sha256"), Evidence: ev,
		Files: evidenceFiles(a["evidence"])}
	if f, ok := a["credibility_score"].(float64); ok {
		v.CredibilityScore = &f
	}
	return v
}

func str(a map[string]any, name string) string {
	s, _ := a[name].(string)
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// MaskNIK shows the first four and last four characters of a NIK and
// stars for the rest (3171********0123); a value already masked, or too
// short to be a NIK, is shown as stars only where it has digits.
func MaskNIK(s string) string {
	if s == "" || strings.Contains(s, "*") {
		return s
	}
	if len(s) < 12 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

// LevelNames are the credibility levels the chart shows, in order; "none"
// counts verifications without a level.
var LevelNames = []string{"A", "B", "C", "D", "E", "none"}

func levels(vs []Verification) []Count {
	counts := map[string]int{}
	for _, v := range vs {
		countLevel(counts, v.CredibilityLevel)
	}
	return levelsOf(counts)
}

// countLevel counts a verification's credibility level.
func countLevel(counts map[string]int, l string) {
	if l == "" {
		l = "none"
	}
	counts[l]++
}

// levelsOf lists the counts by level: LevelNames in order, then any other
// level, sorted.
func levelsOf(counts map[string]int) []Count {
	var out []Count
	for _, l := range LevelNames {
		out = append(out, Count{l, counts[l]})
		delete(counts, l)
	}
	for _, l := range sortedKeys(counts) { // a level the documents do not name
		out = append(out, Count{l, counts[l]})
	}
	return out
}

func statuses(vs []Verification) []Count {
	counts := map[string]int{}
	for _, v := range vs {
		counts[orDash(v.Status)]++
	}
	return statusesOf(counts)
}

// statusesOf lists the counts by status, sorted.
func statusesOf(counts map[string]int) []Count {
	out := []Count{}
	for _, s := range sortedKeys(counts) {
		out = append(out, Count{s, counts[s]})
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// EvidenceFrom returns a function to hand every audit record to, in
// order, and the map it fills: by resource address, the first request
// that succeeded in changing the resource (a POST answered below 400) in
// the last run that changed it.
func EvidenceFrom() (func(audit.Record), map[string]Evidence) {
	ev := map[string]Evidence{}
	return func(r audit.Record) {
		if r.Resource == "" || r.Method != "POST" || r.Outcome != audit.OK {
			return
		}
		if prev, ok := ev[r.Resource]; ok && prev.RunID == r.RunID {
			return
		}
		ev[r.Resource] = Evidence{RunID: r.RunID, Command: r.Command, Time: r.Time, Request: r.Method + " " + r.Path, Seq: r.Seq}
	}, ev
}

// evidenceFiles reads a verification's evidence attribute (a map by kind),
// sorted by kind.
func evidenceFiles(v any) []EvidenceFile {
	m, _ := v.(map[string]any)
	out := []EvidenceFile{}
	for kind, e := range m {
		f, _ := e.(map[string]any)
		if f == nil {
			continue
		}
		size, _ := f["size"].(float64)
		out = append(out, EvidenceFile{Kind: kind, File: str(f, "file"), SHA256: str(f, "sha256"), Size: int64(size), ArchivedAt: str(f, "archived_at")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// RFC3339 writes an API's time (Laravel's 2026-02-11T10:27:41.000000Z, or
// any RFC 3339 time) as RFC 3339 with its offset, to the second; a value
// it cannot read is kept as it is.
func RFC3339(s string) string {
	if s == "" {
		return ""
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return s
}
