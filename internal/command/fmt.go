package command

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/daftar-dev/daftar/schema"
)

func runFmt(m *Meta, args []string) int {
	fs := newFlagSet(m, "fmt")
	check := fs.Bool("check", false, "only check: exit 1 and list the files that are not formatted")
	diff := fs.Bool("diff", false, "print the changes")
	recursive := fs.Bool("recursive", false, "also format the configuration files of the folders below (modules)")
	write := fs.Bool("write", true, "with -write=false, list the files that are not formatted without changing them")
	list := fs.Bool("list", true, "with -list=false, do not list the files formatted")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	// The configuration as read, so that the diffs show no value of a
	// sensitive attribute (redact.go); its own errors are fmt's business
	// only when they are syntax errors, which FormatDir reports.
	loadConfigQuiet(m)
	writing := *write && !*check
	var changed []string
	diffs := map[string]string{}
	var diags hcl.Diagnostics
	add := func(c []string, d map[string]string, more hcl.Diagnostics) {
		changed = append(changed, c...)
		for name, text := range d {
			diffs[name] = text
		}
		diags = append(diags, more...)
	}
	targets := fs.Args()
	if len(targets) == 0 {
		targets = []string{m.Dir}
	}
	var files []string
	for _, target := range targets {
		dirs, isDir, err := fmtDirs(target, *recursive)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read the configuration directory",
				Detail: fmt.Sprintf("daftar could not list the folders below %s: %s.", target, err)})
			continue
		}
		if !isDir {
			files = append(files, target)
			continue
		}
		for _, dir := range dirs {
			add(schema.FormatDir(dir, writing))
		}
	}
	if len(files) > 0 {
		add(schema.FormatFiles(files, writing))
	}
	if m.showDiags(diags) {
		return exitError
	}
	for _, name := range changed {
		if *list {
			fmt.Fprintln(m.Stdout, name)
		}
		if *diff {
			fmt.Fprint(m.Stdout, diffs[name])
		}
	}
	if *check && len(changed) > 0 {
		return exitError
	}
	return exitOK
}

// fmtDirs lists the folders fmt formats for a target: the target itself
// when it is a folder, and with recursive every folder below it that holds
// a configuration file, but hidden ones (.daftar, .git). A target that is
// not a folder is a file (isDir false).
func fmtDirs(target string, recursive bool) (dirs []string, isDir bool, err error) {
	info, err := os.Stat(target)
	if err != nil || !info.IsDir() {
		return nil, false, nil // a file, or an error FormatFiles reports with its name
	}
	if !recursive {
		return []string{target}, true, nil
	}
	err = filepath.WalkDir(target, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != target && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	return dirs, true, err
}
