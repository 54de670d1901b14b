package providers

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
)

// Severity of a diagnostic.
type Severity int

const (
	Error Severity = iota
	Warning
)

// Diagnostic is a problem found by a provider. The engine attaches the
// source range of the attribute named by Path (within the resource named
// by Resource, or the one the request was about) before showing it.
type Diagnostic struct {
	Severity Severity
	// Summary is a short sentence ("Invalid NIK"), Detail the full
	// explanation saying what would be valid. Neither may contain a secret
	// or a NIK in clear.
	Summary string
	Detail  string
	// Path is the attribute the problem is about, empty for the whole
	// resource.
	Path cty.Path
	// Resource is the address of the resource the problem is about, for
	// diagnostics of a ConfigsCheck, which span several resources. Empty
	// means the resource of the request.
	Resource string
}

// Diagnostics is a list of diagnostics; a nil list means no problem.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errorf appends an error about the attribute at path.
func (ds Diagnostics) Errorf(path cty.Path, summary, detailFormat string, args ...any) Diagnostics {
	return append(ds, Diagnostic{Severity: Error, Summary: summary, Detail: fmt.Sprintf(detailFormat, args...), Path: path})
}

// Warnf appends a warning about the attribute at path.
func (ds Diagnostics) Warnf(path cty.Path, summary, detailFormat string, args ...any) Diagnostics {
	return append(ds, Diagnostic{Severity: Warning, Summary: summary, Detail: fmt.Sprintf(detailFormat, args...), Path: path})
}
