package command

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/daftar-dev/daftar/internal/audit"
)

// auditPath is the audit log of a working directory.
const auditPath = "daftar.audit.jsonl"

func runAudit(m *Meta, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		m.errorf("daftar audit needs a subcommand: daftar audit verify [-head=SHA256] [FILE]")
		return exitError
	}
	fs := newFlagSet(m, "audit verify")
	head := fs.String("head", "", "the sha256 of a line the log must still hold (from a report, or an earlier verify)")
	if code, ok := parseFlags(m, fs, args[1:]); !ok {
		return code
	}
	path := auditPath
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		m.errorf("%s is a directory, not an audit log: give the log file, such as daftar audit verify %s", path, filepath.Join(path, auditPath))
		return exitError
	}
	f, err := os.Open(path)
	if err != nil {
		m.errorf("cannot read the audit log %s: %s", path, unwrapPathError(err))
		return exitError
	}
	defer f.Close()
	var evidence []audit.Record
	sum, err := audit.CheckEach(f, func(r audit.Record) {
		if r.IsEvidence() {
			evidence = append(evidence, r)
		}
	})
	var brk *audit.BreakError
	switch {
	case errors.As(err, &brk):
		m.errorf("the audit log %s is broken at line %d: %s. The lines before it are intact; this line and those after it cannot be trusted.", path, brk.Line, brk.Reason)
		return exitError
	case err != nil:
		m.errorf("reading the audit log %s: %s", path, err)
		return exitError
	}
	notes, err := checkAuditAnchors(path, *head)
	if err != nil {
		m.errorf("the audit log %s is not whole: %s. (Its %d lines are chained to one another; a chain cannot show lines removed from its end.)", path, err, sum.Lines)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "The audit log %s is intact: %d lines, each chained to the one before.\n", path, sum.Lines)
	if sum.Lines > 0 {
		fmt.Fprintf(m.Stdout, "It spans %s to %s, %d runs, %d requests (%d not ok).\n",
			sum.First.Format(time.RFC3339), sum.Last.Format(time.RFC3339), sum.Runs, sum.Requests, sum.Failed)
	}
	fmt.Fprintf(m.Stdout, "Head (sha256 of line %d): %s\n", sum.Lines, sum.Head)
	for _, n := range notes {
		fmt.Fprintln(m.Stdout, n)
	}
	if len(evidence) == 0 {
		return exitOK
	}
	cipher, err := m.stateCipher()
	if err != nil {
		m.errorf("the evidence files cannot be checked: %s", err)
		return exitError
	}
	checked, problems := checkEvidence(m.Dir, evidence, cipher)
	if len(problems) > 0 {
		for _, p := range problems {
			m.errorf("the evidence file %s %s", p.File, p.Why)
		}
		m.errorf("%d of %d evidence files do not match the digests the audit log recorded", len(problems), checked+len(problems))
		return exitError
	}
	fmt.Fprintf(m.Stdout, "Its %d evidence files still have the digests it recorded.\n", checked)
	return exitOK
}

// checkAuditAnchors checks the log against the head recorded in
// .daftar/audit.head and the one given with -head: the chain cannot show
// lines removed from its end, and they can. It returns what it checked.
func checkAuditAnchors(path, head string) ([]string, error) {
	var notes []string
	recorded, err := audit.ReadHead(path)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		src := audit.HeadPath(path)
		if err := audit.CheckAnchor(path, *recorded, src); err != nil {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("It holds line %d as %s recorded it (run %s, %s).", recorded.Seq, src, recorded.RunID, recorded.Time.Format(time.RFC3339)))
	} else {
		notes = append(notes, fmt.Sprintf("No head is recorded in %s: lines removed from the end of the log cannot be found without one (give it with -head).", audit.HeadPath(path)))
	}
	if head != "" {
		if err := audit.CheckAnchor(path, audit.Head{SHA256: head}, "-head"); err != nil {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("It holds the line with sha256 %s given with -head.", head))
	}
	return notes, nil
}
