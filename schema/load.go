package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// fileSchema is the schema of a configuration file's top level.
var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "daftar"},
		{Type: "check", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "import"},
		{Type: "moved"},
		{Type: "removed"},
	},
}

// Load reads every *.hcl (and *.hcl.json) file directly in dir, in name
// order, with one parser, and decodes their blocks. It returns every problem
// of every file together; the Config is usable as far as it could be
// decoded even when there are errors.
//
// File names in ranges are the paths users would type from the process's
// working directory (main.hcl, or examples/quickstart/main.hcl).
func Load(dir string) (*Config, hcl.Diagnostics) {
	c := newConfig(dir)
	names, err := configFiles(dir)
	if err != nil {
		return c, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read the configuration directory",
			Detail:   fmt.Sprintf("daftar could not list the files of %s: %s.", dir, err),
		}}
	}
	var diags hcl.Diagnostics
	for _, name := range names {
		diags = append(diags, c.loadFile(name)...)
	}
	diags = append(diags, c.checkValidationReferences()...)
	diags = append(diags, c.checkRemoved()...)
	diags = append(diags, c.loadCalls(nil)...)
	diags = append(diags, c.flattenModules(c)...)
	c.Sources = c.parser.Sources()
	return c, diags
}

func newConfig(dir string) *Config {
	p := hclparse.NewParser()
	return &Config{
		Dir:       dir,
		Files:     p.Files(),
		Variables: map[string]*Variable{},
		Locals:    map[string]*Local{},
		Providers: map[string]*Provider{},
		Resources: map[addrs.Resource]*Resource{},
		Outputs:   map[string]*Output{},
		Checks:    map[string]*Check{},
		Calls:     map[string]*ModuleCall{},
		parser:    p,
	}
}

// configFiles lists the configuration files of dir in name order, spelled
// as displayPath spells them.
func configFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasSuffix(n, ".hcl") || strings.HasSuffix(n, ".hcl.json") {
			names = append(names, displayPath(filepath.Join(dir, n)))
		}
	}
	sort.Strings(names)
	return names, nil
}

// displayPath spells a path as users type it: relative to the process's
// working directory when it is below it, otherwise as given.
func displayPath(path string) string {
	if !filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(cwd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// loadFile parses one file and decodes its blocks into c.
func (c *Config) loadFile(name string) hcl.Diagnostics {
	file, diags := c.parseFile(name)
	if file == nil || file.Body == nil {
		return diags
	}
	content, moreDiags := file.Body.Content(fileSchema)
	diags = append(diags, hintVarFile(moreDiags)...)
	for _, block := range content.Blocks {
		diags = append(diags, c.decodeBlock(block)...)
	}
	return diags
}

// decodeBlock decodes one top-level block into c.
func (c *Config) decodeBlock(block *hcl.Block) hcl.Diagnostics {
	if c.Call != nil {
		switch block.Type {
		case "provider", "daftar":
			return c.refusedInModule(block)
		}
	}
	switch block.Type {
	case "variable":
		return c.addVariable(block)
	case "locals":
		return c.addLocals(block)
	case "provider":
		return c.addProvider(block)
	case "resource":
		return c.addResource(block, addrs.Managed)
	case "data":
		return c.addResource(block, addrs.Data)
	case "output":
		return c.addOutput(block)
	case "daftar":
		return c.addSettings(block)
	case "check":
		return c.addCheck(block)
	case "import":
		return c.addImport(block)
	case "moved":
		return c.addMoved(block)
	case "removed":
		return c.addRemoved(block)
	case "module":
		return c.addModuleCall(block)
	}
	panic("schema: block type " + block.Type + " is in fileSchema but not decoded")
}

// duplicate reports a second declaration of something already declared at
// previous.
func duplicate(what, name string, subject *hcl.Range, previous hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + what,
		Detail: fmt.Sprintf("A %s named %q was previously declared at %s. Each %s must have a unique name.",
			what, name, rangeString(previous), what),
		Subject: subject,
	}
}

// rangeString spells a range's start as file:line:column.
func rangeString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// checkName reports a block label that is not a valid identifier.
func checkName(what, name string, subject hcl.Range) hcl.Diagnostics {
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + what,
		Detail: fmt.Sprintf("%q is not a valid %s: it must start with a letter or underscore and may contain only letters, digits, underscores and dashes.",
			name, what),
		Subject: subject.Ptr(),
	}}
}

// sortedAttrNames lists attribute names in source order, so diagnostics and
// iteration are stable.
func sortedAttrNames(attrs hcl.Attributes) []string {
	names := mapKeys(attrs)
	sort.Slice(names, func(i, j int) bool {
		a, b := attrs[names[i]].Range, attrs[names[j]].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return names
}

// hintVarFile explains a top-level argument: most likely a var file was
// left in the configuration directory, where every .hcl file is
// configuration.
func hintVarFile(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		if d.Summary == "Unsupported argument" {
			d.Detail += " Arguments belong inside blocks. If this file sets input variables, keep it outside the configuration directory (every .hcl file in it is configuration) and pass it with -var-file."
		}
	}
	return diags
}
