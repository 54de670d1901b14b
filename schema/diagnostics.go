package schema

import (
	"bytes"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
)

// WriteDiagnostics prints diags as HCL prints them: "Error: Summary", the
// "on FILE:LINE:COLUMN, in BLOCK:" line, the source snippet with the
// offending range underlined, and the detail wrapped at width (0: no
// wrapping). It knows every file the configuration's parser read, var files
// and -var values included. A nil Config prints without snippets.
func (c *Config) WriteDiagnostics(w io.Writer, diags hcl.Diagnostics, color bool, width uint) error {
	files := map[string]*hcl.File{}
	if c != nil && c.parser != nil {
		files = c.parser.Files()
	}
	var buf bytes.Buffer
	tw := hcl.NewDiagnosticTextWriter(&buf, files, width, color)
	for _, d := range diags {
		buf.Reset()
		if err := tw.WriteDiagnostic(d); err != nil {
			return err
		}
		if _, err := w.Write(withColumn(buf.Bytes(), d)); err != nil {
			return err
		}
	}
	return nil
}

// withColumn rewrites HCL's "  on FILE line N" as "  on FILE:N:C", so that
// every diagnostic names file:line:column, a form editors and terminals
// link to the source.
func withColumn(text []byte, d *hcl.Diagnostic) []byte {
	if d.Subject == nil {
		return text
	}
	s := d.Subject.Start
	old := fmt.Sprintf("  on %s line %d", d.Subject.Filename, s.Line)
	repl := fmt.Sprintf("  on %s:%d:%d", d.Subject.Filename, s.Line, s.Column)
	return bytes.Replace(text, []byte(old), []byte(repl), 1)
}
