package schema

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Variable files that load themselves, as Terraform's terraform.tfvars and
// *.auto.tfvars do. Their extension is .vars (Terraform's .tfvars), not
// .hcl, so that the rule "every *.hcl file is configuration" keeps no
// exception: a daftar.vars file is never read as configuration, and a
// configuration file is never read as variables.
const (
	// VarsFile is loaded first, then VarsFile + ".json".
	VarsFile = "daftar.vars"
	// AutoVarsSuffix ends the files loaded next, in name order (and those
	// ending in AutoVarsSuffix + ".json").
	AutoVarsSuffix = ".auto.vars"
)

// AutoVarFiles lists the variable files of dir that load themselves, in
// the order they are read (a later one wins): daftar.vars,
// daftar.vars.json, then *.auto.vars and *.auto.vars.json in name order.
// Paths are spelled as Load spells configuration files.
func AutoVarFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var first, auto []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") {
			continue
		}
		switch {
		case n == VarsFile || n == VarsFile+".json":
			first = append(first, n)
		case strings.HasSuffix(n, AutoVarsSuffix) || strings.HasSuffix(n, AutoVarsSuffix+".json"):
			auto = append(auto, n)
		}
	}
	sort.Strings(first) // daftar.vars before daftar.vars.json
	sort.Strings(auto)
	var out []string
	for _, n := range append(first, auto...) {
		out = append(out, displayPath(filepath.Join(dir, n)))
	}
	return out, nil
}

// autoVarInputs reads the variable files that load themselves.
func (c *Config) autoVarInputs(raw map[string]inputValue) hcl.Diagnostics {
	names, err := AutoVarFiles(c.Dir)
	if err != nil {
		return nil // Load already reported an unreadable directory
	}
	var diags hcl.Diagnostics
	for _, name := range names {
		diags = append(diags, c.varFileInputs(raw, name)...)
	}
	return diags
}
