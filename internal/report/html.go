package report

import (
	"bufio"
	_ "embed"
	"html/template"
	"io"
	"strconv"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"deref":   func(f *float64) string { return strconv.FormatFloat(*f, 'f', -1, 64) },
	"rfc3339": RFC3339,
}).Parse(htmlSource))

// htmlData is what the template reads: the report's parts and its chart.
type htmlData struct {
	*parts
	Chart Chart
}

// WriteHTML writes r as one self-contained HTML page: inline CSS, the
// credibility chart as inline SVG, no script and no external resource (a
// Content-Security-Policy forbids loading any), so it opens offline.
func WriteHTML(w io.Writer, r *Report) error { return writeHTML(w, partsOf(r)) }

func writeHTML(w io.Writer, p *parts) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, htmlData{parts: p, Chart: chart(p.Levels)}); err != nil {
		return err
	}
	if err := p.err(); err != nil {
		return err
	}
	return bw.Flush()
}
