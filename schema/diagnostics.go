package schema

import (
	"bytes"
	"fmt"
	"io"
	"os"

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
		for name, f := range c.parser.Files() {
			files[name] = f
		}
	}
	addSubjectFiles(files, diags)
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

// addSubjectFiles reads the files diagnostics point into that are not
// configuration (a CSV row's file, say), so that their lines show too.
// A file that cannot be read, or that is not UTF-8 text with lines of a
// sane length (HCL's snippet printer loops forever on an invalid byte
// followed by a long line), is shown without its lines.
func addSubjectFiles(files map[string]*hcl.File, diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Subject == nil || d.Subject.Filename == "" {
			continue
		}
		name := d.Subject.Filename
		if _, ok := files[name]; ok {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil || checkSource(name, src).HasErrors() {
			files[name] = nil
			continue
		}
		files[name] = &hcl.File{Bytes: src, Body: hcl.EmptyBody()}
	}
	for name, f := range files {
		if f == nil {
			delete(files, name)
		}
	}
}
