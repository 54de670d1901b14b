package report

import (
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

// htmlData is what the template reads: the report and its chart.
type htmlData struct {
	*Report
	Chart Chart
	// FailureKinds counts the failures by kind, sorted.
	FailureKinds []Count
}

// WriteHTML writes r as one self-contained HTML page: inline CSS, the
// credibility chart as inline SVG, no script and no external resource (a
// Content-Security-Policy forbids loading any), so it opens offline.
func WriteHTML(w io.Writer, r *Report) error {
	kinds := map[string]int{}
	for _, f := range r.Failures {
		kinds[f.Kind]++
	}
	var fk []Count
	for _, k := range sortedKeys(kinds) {
		fk = append(fk, Count{k, kinds[k]})
	}
	return htmlTemplate.Execute(w, htmlData{Report: r, Chart: chart(r.Levels), FailureKinds: fk})
}
