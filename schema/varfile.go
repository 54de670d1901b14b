package schema

import (
	"fmt"

	"github.com/daftar-dev/daftar/internal/suggest"
	"github.com/hashicorp/hcl/v2"
)

// varFileInputs reads a -var-file: HCL attributes (.hcl) or a JSON object
// (.json), its path relative to the process's working directory. Setting an
// undeclared variable is a warning, as in Terraform: a file may be shared
// between configurations.
func (c *Config) varFileInputs(raw map[string]inputValue, path string) hcl.Diagnostics {
	attrs, diags := c.parseVarFile(path)
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		if _, declared := c.Variables[name]; !declared {
			diags = append(diags, undeclaredInFile(attr, c.Variables))
			continue
		}
		val, moreDiags := attr.Expr.Value(nil)
		diags = append(diags, moreDiags...)
		if moreDiags.HasErrors() {
			continue
		}
		raw[name] = inputValue{value: val, source: "the file " + attr.Range.Filename, rng: attr.Expr.Range().Ptr()}
	}
	return diags
}

// parseVarFile parses a var file with the configuration's parser.
func (c *Config) parseVarFile(path string) (hcl.Attributes, hcl.Diagnostics) {
	name := displayPath(path)
	file, diags := c.parseFile(name)
	if file == nil || diags.HasErrors() {
		return nil, varFileError(name, diags)
	}
	return file.Body.JustAttributes()
}

// varFileError rewords the parser's "Failed to read file" for var files.
func varFileError(name string, diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		if d.Subject == nil && d.Summary == "Failed to read file" {
			d.Summary = "Cannot read variables file"
			d.Detail = fmt.Sprintf("The variables file %q could not be read: it does not exist or is not readable.", name)
		}
	}
	return diags
}

// undeclaredInFile warns about a var file setting an undeclared variable.
func undeclaredInFile(attr *hcl.Attribute, vars map[string]*Variable) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Value for undeclared variable",
		Detail: fmt.Sprintf("The file sets %q, but the configuration declares no variable of that name, so the value is ignored.%s",
			attr.Name, suggest.DidYouMean(attr.Name, mapKeys(vars))),
		Subject: attr.NameRange.Ptr(),
	}
}
