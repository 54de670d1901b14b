package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
)

// Formats are the report formats, by name.
var Formats = []string{"html", "csv", "json"}

// Write writes r in format ("html", "csv" or "json").
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "html":
		return WriteHTML(w, r)
	case "csv":
		return WriteCSV(w, r)
	case "json":
		return WriteJSON(w, r)
	}
	return fmt.Errorf("there is no report format %q: choose html, csv or json", format)
}

// WriteJSON writes r as one indented JSON object: the bytes of
// json.Encoder with a two-space indent, streamed, each account,
// verification, failure and person encoded and written on its own, so
// that the encoded report is never held whole.
func WriteJSON(w io.Writer, r *Report) error { return writeJSON(w, partsOf(r)) }

func writeJSON(w io.Writer, p *parts) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	jw := &jsonFields{w: bw}
	jw.value("generated", p.Generated)
	jw.value("state", p.State)
	writeArray(jw, "accounts", p.Accounts, p.nilLists)
	writeArray(jw, "verifications", p.Verifications, p.nilLists)
	jw.value("credibility_levels", p.Levels)
	jw.value("statuses", p.Statuses)
	writeArray(jw, "failures", p.Failures, p.nilLists)
	writeArray(jw, "people", p.People, p.nilLists)
	jw.value("audit", p.Audit)
	if jw.err == nil {
		jw.err = p.err()
	}
	if jw.err != nil {
		return jw.err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// jsonFields writes the fields of an indented JSON object one by one,
// keeping the first error.
type jsonFields struct {
	w   *bufio.Writer
	n   int
	err error
}

// key writes the separator and the field's name.
func (j *jsonFields) key(name string) {
	if j.n == 0 {
		j.w.WriteString("{\n  ")
	} else {
		j.w.WriteString(",\n  ")
	}
	j.n++
	k, _ := json.Marshal(name)
	j.w.Write(k)
	j.w.WriteString(": ")
}

// value writes a field whose value is encoded whole.
func (j *jsonFields) value(name string, v any) {
	if j.err != nil {
		return
	}
	data, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		j.err = err
		return
	}
	j.key(name)
	j.w.Write(data)
}

// writeArray writes a field whose value is an array, one element at a
// time (null for a nil slice, as encoding/json writes it).
func writeArray[T any](j *jsonFields, name string, items iter.Seq[T], null bool) {
	if j.err != nil {
		return
	}
	j.key(name)
	if null {
		j.w.WriteString("null")
		return
	}
	j.w.WriteByte('[')
	n := 0
	for item := range items {
		data, err := json.MarshalIndent(&item, "    ", "  ")
		if err != nil {
			j.err = err
			return
		}
		if n > 0 {
			j.w.WriteByte(',')
		}
		n++
		j.w.WriteString("\n    ")
		j.w.Write(data)
	}
	if n > 0 {
		j.w.WriteString("\n  ")
	}
	j.w.WriteByte(']')
}

// csvHeader are the CSV report's columns, one per fact. Each row is one
// record: an account, a verification, a failure, or the audit log's span;
// a row leaves empty the columns that are not its kind's. Every time is
// RFC 3339 with its offset.
var csvHeader = []string{"kind", "address", "id", "name", "email", "nik_masked", "consent", "status",
	"credibility_score", "credibility_level", "final_decision", "created_at", "updated_at", "registered_at", "last_seen",
	"ktp_image_digest", "form_consent_digest",
	"analysis_file", "analysis_sha256", "credit_report_file", "credit_report_sha256", "proofylink_report_file", "proofylink_report_sha256",
	"changed_by_run", "changed_at", "changed_by_request", "audit_line", "reason",
	"audit_verified", "audit_first", "audit_last", "audit_lines", "audit_runs", "audit_requests", "audit_failed_requests", "audit_head_sha256"}

// csvRow is one row, by column name.
type csvRow map[string]string

// CSVOptions shape the CSV report.
type CSVOptions struct {
	// NoBOM leaves out the UTF-8 byte-order mark that spreadsheets need
	// to read the file as UTF-8.
	NoBOM bool
}

// WriteCSV writes r as a CSV table with a UTF-8 byte-order mark.
func WriteCSV(w io.Writer, r *Report) error { return WriteCSVWith(w, r, CSVOptions{}) }

// WriteCSVWith writes r as a CSV table: a row per account, verification,
// failure and one for the audit log's span. A verification not yet final
// is a row whose last_seen is its last status change. Cells that a
// spreadsheet would take for a formula are prefixed with an apostrophe.
func WriteCSVWith(w io.Writer, r *Report, opts CSVOptions) error {
	return writeCSV(w, partsOf(r), opts)
}

func writeCSV(w io.Writer, p *parts, opts CSVOptions) error {
	if !opts.NoBOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	// Each row is written as it is made: the table is never held whole.
	line := make([]string, len(csvHeader))
	write := func(row csvRow) error {
		for i, col := range csvHeader {
			line[i] = defuse(row[col])
		}
		return cw.Write(line)
	}
	for a := range p.Accounts {
		row := csvRow{"kind": "account", "address": a.Address, "id": a.Username, "name": a.Name, "email": a.Email,
			"status": "registered", "registered_at": RFC3339(a.RegisteredAt)}
		changedBy(row, a.Evidence)
		if err := write(row); err != nil {
			return err
		}
	}
	for v := range p.Verifications {
		row := csvRow{"kind": "verification", "address": v.Address, "id": v.ReferenceCode, "name": v.Name, "email": v.Email,
			"nik_masked": v.NIK, "consent": v.Consent, "status": v.Status, "credibility_score": score(v.CredibilityScore),
			"credibility_level": v.CredibilityLevel, "final_decision": v.FinalDecision,
			"created_at": RFC3339(v.CreatedAt), "updated_at": RFC3339(v.UpdatedAt),
			"ktp_image_digest": v.KTPDigest, "form_consent_digest": v.ConsentDigest, "reason": v.FailedMessage}
		if v.Status != "completed" && v.Status != "failed" {
			row["last_seen"] = RFC3339(firstOf(v.UpdatedAt, v.CreatedAt))
		}
		for _, f := range v.Files {
			row[f.Kind+"_file"], row[f.Kind+"_sha256"] = f.File, f.SHA256
		}
		changedBy(row, v.Evidence)
		if err := write(row); err != nil {
			return err
		}
	}
	for f := range p.Failures {
		row := csvRow{"kind": "failure", "address": f.Address, "status": f.Kind, "reason": f.Reason}
		if !f.LastSeen.IsZero() {
			row["last_seen"] = f.LastSeen.Format(time.RFC3339)
		}
		if err := write(row); err != nil {
			return err
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	a := p.Audit
	row := csvRow{"kind": "audit", "address": a.Path, "status": verdict(a), "reason": a.Problem,
		"audit_verified": strconv.FormatBool(a.Verified), "audit_lines": strconv.Itoa(a.Lines), "audit_runs": strconv.Itoa(a.Runs),
		"audit_requests": strconv.Itoa(a.Requests), "audit_failed_requests": strconv.Itoa(a.Failed), "audit_head_sha256": a.Head}
	if a.Lines > 0 {
		row["audit_first"], row["audit_last"] = a.First.Format(time.RFC3339), a.Last.Format(time.RFC3339)
	}
	if err := write(row); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func changedBy(row csvRow, ev Evidence) {
	if ev.RunID == "" {
		return
	}
	row["changed_by_run"], row["changed_at"], row["changed_by_request"] = ev.RunID, ev.Time.Format(time.RFC3339), ev.Request
	row["audit_line"] = strconv.FormatUint(ev.Seq, 10)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func score(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// verdict says whether daftar audit verify passes.
func verdict(a AuditSpan) string {
	switch {
	case !a.Present:
		return "no audit log"
	case a.Verified:
		return "verified"
	}
	return "NOT verified"
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
