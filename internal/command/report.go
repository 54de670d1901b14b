package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
	"github.com/daftar-dev/daftar/internal/report"
	"github.com/daftar-dev/daftar/state"
)

func runReport(m *Meta, args []string) int {
	fs := newFlagSet(m, "report")
	format := fs.String("format", "", "html, csv or json (default: from -out's extension, else html)")
	out := fs.String("out", "", "write the report to this file (mode 0600) instead of standard output")
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	auditFile := fs.String("audit", auditPath, "the audit log the report covers")
	bom := fs.Bool("bom", true, "start a CSV report with a UTF-8 byte-order mark, which spreadsheets need to read it as UTF-8; -bom=false leaves it out")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() > 0 {
		m.errorf("daftar report takes no arguments (got %q); give the output file with -out=FILE", fs.Arg(0))
		return exitError
	}
	f, err := reportFormat(*format, *out)
	if err != nil {
		m.errorf("%s", err)
		return exitError
	}
	v, ok := m.viewState(*statePath)
	if !ok {
		return exitError
	}
	defer v.Close()
	head := v.Head()
	if head.Serial == 0 && len(head.Outputs) == 0 && isEmpty(v) {
		m.errorf("there is no state at %s: nothing was applied from this directory, so there is nothing to report. Run daftar report in the directory you apply from, or give the state with -state=PATH.",
			orDefault(*statePath, state.DefaultPath))
		return exitError
	}
	span, evidence := auditSpan(*auditFile)
	defer evidence.Close()
	la, err := report.ReadLastApply(report.LastApplyPath)
	if err != nil {
		m.warnf("the last apply's run record cannot be read (%s): the report shows what the state holds only", err)
	}
	in := report.Input{View: v, ID: report.StateID{Path: orDefault(*statePath, state.DefaultPath), Lineage: head.Lineage, Serial: head.Serial},
		Audit: span, Evidence: evidence, LastApply: la, Now: time.Now()}
	code := m.writeReport(in, f, *out, report.CSVOptions{NoBOM: !*bom})
	if span.Present && !span.Verified {
		m.errorf("the audit log %s does not verify: %s. The report was written, but its audit span cannot be trusted; run daftar audit verify for details.", span.Path, span.Problem)
		return exitError
	}
	return code
}

// isEmpty reports whether v holds no resource.
func isEmpty(v state.View) bool {
	empty, stop := true, errors.New("stop")
	_ = v.Each(context.Background(), func(*state.Resource) error {
		empty = false
		return stop
	})
	return empty
}

// reportFormat is the format asked for, or the one -out's extension names.
func reportFormat(format, out string) (string, error) {
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
		if format == "htm" {
			format = "html"
		}
		if !slices.Contains(report.Formats, format) {
			format = "html"
		}
	}
	if !slices.Contains(report.Formats, format) {
		return "", fmt.Errorf("-format=%s: choose html, csv or json", format)
	}
	return format, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// auditSpan checks the audit log as daftar audit verify does and
// summarises it, with the evidence of each resource's last change (which
// the caller closes).
func auditSpan(path string) (report.AuditSpan, *report.EvidenceLog) {
	span := report.AuditSpan{Path: path}
	evidence := report.NewEvidenceLog("")
	seen := map[string]bool{}
	record := func(r audit.Record) {
		if r.RunID != "" && !seen[r.RunID] {
			seen[r.RunID] = true
			span.RunIDs = append(span.RunIDs, r.RunID)
		}
		evidence.Add(r)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return span, evidence
	}
	span.Present = true
	if err != nil {
		span.Problem = err.Error()
		return span, evidence
	}
	defer f.Close()
	sum, err := audit.CheckEach(f, record)
	span.Lines, span.First, span.Last, span.Head = sum.Lines, sum.First, sum.Last, sum.Head
	span.Runs, span.Requests, span.Failed = sum.Runs, sum.Requests, sum.Failed
	if err == nil {
		_, err = checkAuditAnchors(path, "")
	}
	span.Verified = err == nil
	if err != nil {
		span.Problem = err.Error()
	}
	return span, evidence
}

// writeReport writes the report to out (mode 0600: it holds names and
// e-mail addresses), or to standard output, as it is made: a resource of
// the state at a time (report.Stream), never the whole report.
func (m *Meta) writeReport(in report.Input, format, out string, csvOpts report.CSVOptions) int {
	var sum report.Summary
	write := func(w io.Writer) error {
		var err error
		sum, err = report.Stream(context.Background(), w, in, format, csvOpts)
		return err
	}
	if out == "" {
		bw := bufio.NewWriterSize(m.Stdout, 64<<10)
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			m.errorf("writing the report: %s", err)
			return exitError
		}
		return exitOK
	}
	if err := writeFilePrivateWith(out, write); err != nil {
		var werr writeError
		if errors.As(err, &werr) {
			m.errorf("writing the report: %s", werr.err)
			return exitError
		}
		m.errorf("writing the report to %s: %s", out, unwrapPathError(err))
		return exitError
	}
	fmt.Fprintf(m.Stdout, "Wrote the %s report to %s: %d accounts, %d verifications, %d failures; audit log %s.\n",
		format, out, sum.Accounts, sum.Verifications, sum.Failures, auditVerdict(in.Audit))
	return exitOK
}

func auditVerdict(a report.AuditSpan) string {
	switch {
	case !a.Present:
		return "absent"
	case a.Verified:
		return fmt.Sprintf("verified, %d lines, head %s", a.Lines, a.Head)
	}
	return "NOT verified: " + a.Problem
}
