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
		win, ok := window(files, d)
		if !ok {
			if err := tw.WriteDiagnostic(d); err != nil {
				return err
			}
		} else {
			one := map[string]*hcl.File{d.Subject.Filename: win.file}
			if err := hcl.NewDiagnosticTextWriter(&buf, one, width, color).WriteDiagnostic(win.diag); err != nil {
				return err
			}
			renumber(&buf, win)
		}
		if _, err := w.Write(withColumn(buf.Bytes(), d)); err != nil {
			return err
		}
	}
	return nil
}

// A diagnostic about a line of a file that is not configuration (row
// 900,000 of a CSV) is printed from a window of that file: the lines it
// shows and one on either side. HCL's snippet printer scans a file from
// its first byte, with a 4 KB buffer a line, which at a million rows is
// 3 s of CPU a diagnostic (and a CSV may have a hundred bad rows). The
// window's lines are numbered from 1, so the line numbers HCL prints are
// then put back (renumber); the text is HCL's, byte for byte.
type windowed struct {
	file   *hcl.File
	diag   *hcl.Diagnostic // d, its ranges moved into the window
	before int             // lines of the file before the window
}

// minWindowed is the size from which a file is windowed: below it, HCL's
// scan costs less than the window.
const minWindowed = 64 << 10

// window returns the window of d's file, when d points into a large file
// that is not configuration (which HCL's printer would name the block of,
// through its Nav).
func window(files map[string]*hcl.File, d *hcl.Diagnostic) (windowed, bool) {
	if d.Subject == nil || (d.Context != nil && d.Context.Filename != d.Subject.Filename) {
		return windowed{}, false
	}
	f := files[d.Subject.Filename]
	if f == nil || f.Nav != nil || len(f.Bytes) < minWindowed {
		return windowed{}, false
	}
	src := f.Bytes
	snip := *d.Subject
	if d.Context != nil {
		snip = hcl.RangeOver(snip, *d.Context)
	}
	clamp := func(b int) int { return max(0, min(b, len(src))) }
	// From the start of the line before the snippet's first to the end of
	// the line after its last: every line HCL would show is inside.
	start := clamp(snip.Start.Byte)
	start = bytes.LastIndexByte(src[:start], '\n') + 1
	if start > 0 {
		start = bytes.LastIndexByte(src[:start-1], '\n') + 1
	}
	end := clamp(snip.End.Byte + 1)
	for range 2 {
		if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
			end += i + 1
		} else {
			end = len(src)
		}
	}
	// HCL counts a line at each "\n", "\r\n" or lone "\r".
	head := src[:start]
	before := bytes.Count(head, []byte("\n")) + bytes.Count(head, []byte("\r")) - bytes.Count(head, []byte("\r\n"))
	move := func(r *hcl.Range) *hcl.Range {
		if r == nil {
			return nil
		}
		m := *r
		m.Start.Byte -= start
		m.End.Byte -= start
		m.Start.Line -= before
		m.End.Line -= before
		return &m
	}
	moved := *d
	moved.Subject, moved.Context = move(d.Subject), move(d.Context)
	return windowed{
		file:   &hcl.File{Bytes: src[start:end:end], Body: f.Body},
		diag:   &moved,
		before: before,
	}, true
}

// renumber gives the text HCL printed from w's window the file's line
// numbers: in "  on FILE line N" and in each snippet line ("%4d: ...")
// that follows it.
func renumber(buf *bytes.Buffer, w windowed) {
	text := buf.Bytes()
	s := w.diag.Subject
	old := fmt.Sprintf("  on %s line %d", s.Filename, s.Start.Line)
	i := bytes.Index(text, []byte(old))
	if i < 0 {
		return
	}
	out := make([]byte, 0, len(text)+16)
	out = append(out, text[:i]...)
	out = fmt.Appendf(out, "  on %s line %d", s.Filename, s.Start.Line+w.before)
	rest := text[i+len(old):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		buf.Reset()
		buf.Write(append(out, rest...))
		return
	}
	out = append(out, rest[:nl+1]...)
	rest = rest[nl+1:]
	for {
		n, width, ok := snippetLine(rest)
		if !ok {
			break
		}
		out = fmt.Appendf(out, "%4d: ", n+w.before)
		rest = rest[width:]
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			break
		}
		out = append(out, rest[:nl+1]...)
		rest = rest[nl+1:]
	}
	out = append(out, rest...)
	buf.Reset()
	buf.Write(out)
}

// snippetLine reads the "%4d: " that starts a line of HCL's snippet: the
// number and how many bytes it takes.
func snippetLine(b []byte) (n, width int, ok bool) {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	digits := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int(b[i]-'0')
		i++
	}
	if i == digits || i+1 >= len(b) || b[i] != ':' || b[i+1] != ' ' {
		return 0, 0, false
	}
	return n, i + 2, true
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
