package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
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

// WriteJSON writes r as one indented JSON object.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// csvHeader are the CSV report's columns. Each row is one record: an
// account, a verification, a failure, or the audit log's span.
var csvHeader = []string{"kind", "address", "id", "name", "email", "nik_masked", "status",
	"credibility_score", "credibility_level", "time", "run_id", "evidence", "reason"}

// WriteCSV writes r as a CSV table, one row per account, verification,
// failure (its kind in the status column), and one for the audit log's
// span. Cells that a spreadsheet
// would take for a formula are prefixed with an apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	rows := [][]string{csvHeader}
	for _, a := range r.Accounts {
		rows = append(rows, []string{"account", a.Address, a.Username, a.Name, a.Email, "", "registered", "", "",
			a.RegisteredAt, a.Evidence.RunID, a.Evidence.Request, ""})
	}
	for _, v := range r.Verifications {
		rows = append(rows, []string{"verification", v.Address, v.ReferenceCode, v.Name, v.Email, v.NIK, v.Status,
			score(v.CredibilityScore), v.CredibilityLevel, v.UpdatedAt, v.Evidence.RunID, "ktp " + v.KTPDigest, v.FailedMessage})
	}
	for _, f := range r.Failures {
		rows = append(rows, []string{"failure", f.Address, "", "", "", "", f.Kind, "", "", "", "", "", f.Reason})
	}
	a := r.Audit
	rows = append(rows, []string{"audit", a.Path, a.Head, "", "", "", verdict(a), "", "",
		span(a), "", fmt.Sprintf("%d lines, %d runs, %d requests, %d not ok", a.Lines, a.Runs, a.Requests, a.Failed), a.Problem})
	for _, row := range rows {
		for i := range row {
			row[i] = defuse(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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

func span(a AuditSpan) string {
	if a.Lines == 0 {
		return ""
	}
	return a.First.Format(time.RFC3339) + " to " + a.Last.Format(time.RFC3339)
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
