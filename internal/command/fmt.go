package command

import (
	"fmt"

	"github.com/daftar-dev/daftar/schema"
)

func runFmt(m *Meta, args []string) int {
	fs := newFlagSet(m, "fmt")
	check := fs.Bool("check", false, "only check: exit 1 and list the files that are not formatted")
	diff := fs.Bool("diff", false, "print the changes")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	// The configuration as read, so that the diffs show no value of a
	// sensitive attribute (redact.go); its own errors are fmt's business
	// only when they are syntax errors, which FormatDir reports.
	loadConfigQuiet(m)
	changed, diffs, diags := schema.FormatDir(m.Dir, !*check)
	if m.showDiags(diags) {
		return exitError
	}
	for _, name := range changed {
		fmt.Fprintln(m.Stdout, name)
		if *diff {
			fmt.Fprint(m.Stdout, diffs[name])
		}
	}
	if *check && len(changed) > 0 {
		return exitError
	}
	return exitOK
}
