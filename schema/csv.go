package schema

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// maxCSVDiagnostics bounds the errors reported for one CSV file.
const maxCSVDiagnostics = 100

// CSVDiagnostics reads CSV text as csvdecode does (a header row, then one
// record per row with as many fields) and returns one error per malformed
// row, each with its file:line:column, so that every bad row of a file is
// reported at once rather than the first only. filename is the path as
// users type it; register src with Config.AddSource to show snippets.
func CSVDiagnostics(filename string, src []byte) hcl.Diagnostics {
	r := csv.NewReader(bytes.NewReader(src))
	lines := lineStarts(src)
	var diags hcl.Diagnostics
	for len(diags) < maxCSVDiagnostics {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if !errors.As(err, &perr) {
			continue
		}
		diags = append(diags, csvError(filename, perr, lines))
		if !errors.Is(perr.Err, csv.ErrFieldCount) {
			break // the reader cannot resynchronise after a quoting error
		}
	}
	return diags
}

// csvError turns a parse error into a diagnostic at its position.
func csvError(filename string, perr *csv.ParseError, lines []int) *hcl.Diagnostic {
	detail := fmt.Sprintf("Line %d of %s is not valid CSV: %s.", perr.Line, filename, perr.Err)
	line, column := perr.Line, perr.Column
	switch {
	case errors.Is(perr.Err, csv.ErrFieldCount):
		detail = fmt.Sprintf("Row at line %d of %s does not have as many fields as the header row. Quote a field that contains a comma: \"Lestari, Ani\".", perr.Line, filename)
	case perr.StartLine > 0 && perr.StartLine != perr.Line:
		// A quoted field left open runs to where the reader gave up: point
		// at the row where it starts.
		detail = fmt.Sprintf("The row starting at line %d of %s is not valid CSV: %s (found at line %d, column %d). Close the quoted field, or double a quote inside it: \"\"\".",
			perr.StartLine, filename, perr.Err, perr.Line, perr.Column)
		line, column = perr.StartLine, 1
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid CSV row",
		Detail:   detail,
		Subject:  csvRange(filename, line, column, lines).Ptr(),
	}
}

// lineStarts lists the byte offset of the start of each line, and the
// length of the text after the last.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return append(starts, len(src)+1)
}

// csvRange is the range of one character at line and column (1-based,
// column in bytes).
func csvRange(filename string, line, column int, lines []int) hcl.Range {
	line = max(1, min(line, len(lines)-1))
	// A quote left open is reported past the end of its line: point at
	// the line's last character, so that the line is shown.
	width := lines[line] - lines[line-1] - 1 // without the line break
	column = max(1, min(column, width))
	start := hcl.Pos{Line: line, Column: column, Byte: lines[line-1] + column - 1}
	end := hcl.Pos{Line: line, Column: column + 1, Byte: start.Byte + 1}
	return hcl.Range{Filename: filename, Start: start, End: end}
}

// AddSource registers the text of a file that is not configuration (a CSV
// read with file(), say) so that diagnostics pointing into it show its
// lines. Not safe for concurrent use.
func (c *Config) AddSource(filename string, src []byte) {
	c.parser.AddFile(filename, &hcl.File{Bytes: src, Body: hcl.EmptyBody()})
}
