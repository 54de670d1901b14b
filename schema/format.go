package schema

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format rewrites HCL native syntax in the canonical style (alignment of
// equals signs, indentation, spacing). It does not check the syntax: see
// FormatDir.
func Format(src []byte) []byte {
	return hclwrite.Format(src)
}

// FormatDir formats every *.hcl file directly in dir (JSON files are left
// alone). With write set it rewrites the files that change; otherwise it
// only reports them, for fmt -check. changed lists the files whose
// formatting differs, in name order and spelled as Load spells them; diffs
// maps each of them to a unified diff from its current text to the
// formatted one, for fmt -diff. A file with a syntax error is reported and
// left untouched.
func FormatDir(dir string, write bool) (changed []string, diffs map[string]string, diags hcl.Diagnostics) {
	res := &formatResult{diffs: map[string]string{}}
	names, err := configFiles(dir)
	if err != nil {
		return nil, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read the configuration directory",
			Detail:   fmt.Sprintf("daftar could not list the files of %s: %s.", dir, err),
		}}
	}
	vars, _ := AutoVarFiles(dir)
	names = append(names, vars...)
	for _, name := range names {
		if !strings.HasSuffix(name, ".json") {
			diags = append(diags, formatFile(name, write, res)...)
		}
	}
	return res.changed, res.diffs, diags
}

// FormatFiles formats the files named (fmt FILE...), whatever their
// extension, as FormatDir formats a directory's. A JSON file is an error:
// fmt formats the native syntax only.
func FormatFiles(names []string, write bool) (changed []string, diffs map[string]string, diags hcl.Diagnostics) {
	res := &formatResult{diffs: map[string]string{}}
	for _, name := range names {
		name = displayPath(name)
		if strings.HasSuffix(name, ".json") {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot format a JSON file",
				Detail: fmt.Sprintf("%s is in HCL's JSON syntax; daftar fmt formats the native syntax (.hcl, .vars) only.", name)})
			continue
		}
		diags = append(diags, formatFile(name, write, res)...)
	}
	return res.changed, res.diffs, diags
}

// formatResult collects what FormatDir finds.
type formatResult struct {
	changed []string
	diffs   map[string]string
}

// formatFile formats one file into res.
func formatFile(name string, write bool, res *formatResult) hcl.Diagnostics {
	if info, err := os.Stat(name); err == nil && !info.Mode().IsRegular() {
		return hcl.Diagnostics{fileError("Cannot format", name, errors.New("not a regular file: give the path of a configuration file, not a folder or a device"))}
	}
	src, err := os.ReadFile(name)
	if err != nil {
		return hcl.Diagnostics{fileError("Cannot read file", name, err)}
	}
	if diags := checkSource(name, src); diags.HasErrors() {
		return diags
	}
	if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() {
		return diags
	}
	out := Format(src)
	if bytes.Equal(src, out) {
		return nil
	}
	res.changed = append(res.changed, name)
	res.diffs[name] = UnifiedDiff(filepath.ToSlash(name), string(src), string(out))
	if !write {
		return nil
	}
	if err := writeKeepingMode(name, out); err != nil {
		return hcl.Diagnostics{fileError("Cannot write file", name, err)}
	}
	return nil
}

// writeKeepingMode replaces a file's content through a temporary file and
// a rename, keeping its permissions.
func writeKeepingMode(name string, data []byte) error {
	info, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func fileError(summary, name string, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf("%s: %s.", name, pathErrorCause(err))}
}
