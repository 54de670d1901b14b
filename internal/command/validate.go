package command

import (
	"encoding/json"
	"fmt"

	"github.com/daftar-dev/daftar/planner"
	"github.com/hashicorp/hcl/v2"
)

func runValidate(m *Meta, args []string) int {
	fs := newFlagSet(m, "validate")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	cfg, diags := loadConfigQuiet(m)
	if cfg && !diags.HasErrors() {
		// The values known without a flag or a request count, as in
		// plan: two accounts given one phone number through a variable
		// are found here too. A variable with none stays unknown.
		var vdiags hcl.Diagnostics
		m.Vars, vdiags = m.Config.ResolveGivenVariables(m.Environ)
		diags = append(diags, vdiags...)
	}
	if cfg && !diags.HasErrors() {
		diags = append(diags, planner.Validate(&planner.Request{Config: m.Config, Vars: m.Vars, Providers: m.redactingProviders(), Parallelism: 1})...)
	}
	if *jsonOut {
		return validateJSON(m, diags)
	}
	m.showDiags(diags)
	if diags.HasErrors() {
		return exitError
	}
	fmt.Fprintln(m.Stdout, "Success! The configuration is valid.")
	return exitOK
}

type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func validateJSON(m *Meta, diags hcl.Diagnostics) int {
	out := struct {
		FormatVersion string           `json:"format_version"`
		Valid         bool             `json:"valid"`
		ErrorCount    int              `json:"error_count"`
		WarningCount  int              `json:"warning_count"`
		Diagnostics   []jsonDiagnostic `json:"diagnostics"`
	}{FormatVersion: "1", Valid: !diags.HasErrors(), Diagnostics: toJSONDiagnostics(diags)}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out.ErrorCount++
		} else {
			out.WarningCount++
		}
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(out)
	if diags.HasErrors() {
		return exitError
	}
	return exitOK
}

func toJSONDiagnostics(diags hcl.Diagnostics) []jsonDiagnostic {
	out := []jsonDiagnostic{}
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if d.Subject != nil {
			r := d.Subject
			jd.Range = &jsonRange{Filename: r.Filename,
				Start: jsonPos{r.Start.Line, r.Start.Column, r.Start.Byte},
				End:   jsonPos{r.End.Line, r.End.Column, r.End.Byte}}
		}
		out = append(out, jd)
	}
	return out
}
