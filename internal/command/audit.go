package command

import (
	"errors"
	"fmt"
	"os"

	"github.com/daftar-dev/daftar/internal/audit"
)

// auditPath is the audit log of a working directory.
const auditPath = "daftar.audit.jsonl"

func runAudit(m *Meta, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		m.errorf("daftar audit needs a subcommand: daftar audit verify [FILE]")
		return exitError
	}
	fs := newFlagSet(m, "audit verify")
	if code, ok := parseFlags(m, fs, args[1:]); !ok {
		return code
	}
	path := auditPath
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	f, err := os.Open(path)
	if err != nil {
		m.errorf("cannot read the audit log %s: %s", path, unwrapPathError(err))
		return exitError
	}
	defer f.Close()
	lines, err := audit.Verify(f)
	var brk *audit.BreakError
	switch {
	case errors.As(err, &brk):
		m.errorf("the audit log %s is broken at line %d: %s. The lines before it are intact; this line and those after it cannot be trusted.", path, brk.Line, brk.Reason)
		return exitError
	case err != nil:
		m.errorf("reading the audit log %s: %s", path, err)
		return exitError
	}
	fmt.Fprintf(m.Stdout, "The audit log %s is intact: %d lines, each chained to the one before.\n", path, lines)
	return exitOK
}
