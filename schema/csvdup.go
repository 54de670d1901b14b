package schema

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// shownDuplicateLines is how many lines of a duplicated key's rows a
// diagnostic lists before it says how many more there are.
const shownDuplicateLines = 5

// withDuplicateRows adds to HCL's "Duplicate object key" of a for
// expression over the rows csvdecode read from a file the lines of the
// rows that produce the key: "{ for row in csvdecode(file(...)) :
// row.username => row }" with a username written twice is fixed in the
// CSV, and HCL names only the key expression in the configuration.
//
// HCL gives the diagnostic the key expression and the context of the
// item that repeated the key: the variable that holds a CSV row there
// names the file, and the key expression is evaluated again for each of
// its rows (an error's path only).
func (s *Scope) withDuplicateRows(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for i, d := range diags {
		detail, ok := s.duplicateRows(d)
		if !ok {
			if out != nil {
				out = append(out, d)
			}
			continue
		}
		if out == nil {
			out = append(hcl.Diagnostics{}, diags[:i]...)
		}
		c := *d
		c.Detail += detail
		out = append(out, &c)
	}
	if out == nil {
		return diags
	}
	return out
}

// duplicateRows is the sentence withDuplicateRows adds to d; false when
// d is not a duplicate key of a for expression over a CSV file's rows.
func (s *Scope) duplicateRows(d *hcl.Diagnostic) (string, bool) {
	ctx := d.EvalContext
	if d.Summary != "Duplicate object key" || d.Expression == nil || ctx == nil || ctx.Parent() == nil {
		return "", false
	}
	key, diags := d.Expression.Value(ctx)
	if diags.HasErrors() || !key.IsWhollyKnown() {
		return "", false
	}
	for name, v := range ctx.Variables {
		rows := s.rowsOf(v)
		if rows == nil {
			continue
		}
		lines := rows.linesWhere(func(row cty.Value) bool {
			child := ctx.Parent().NewChild()
			child.Variables = make(map[string]cty.Value, len(ctx.Variables))
			for n, other := range ctx.Variables {
				child.Variables[n] = other
			}
			child.Variables[name] = row
			k, diags := d.Expression.Value(child)
			return !diags.HasErrors() && k.RawEquals(key)
		})
		if len(lines) < 2 {
			return "", false
		}
		return fmt.Sprintf(" The rows that give this key are on lines %s of %s: give each row a key of its own.",
			listLines(lines), rows.path), true
	}
	return "", false
}

// rowsOf is the CSV file a row object decoded by csvdecode came from; nil
// when v is not such a row.
func (s *Scope) rowsOf(v cty.Value) *csvRows {
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() {
		return nil
	}
	src := sourcesOf(s.baseDir())
	src.mu.Lock()
	texts := make([]*csvRows, 0, len(src.decoded))
	for _, rows := range src.decoded {
		texts = append(texts, rows)
	}
	src.mu.Unlock()
	for _, rows := range texts {
		if _, ok := rows.lineOf(v); ok {
			return rows
		}
	}
	return nil
}

// linesWhere returns the lines of the rows, as csvdecode decodes them
// (objects of strings named by the header), for which keep is true.
func (c *csvRows) linesWhere(keep func(row cty.Value) bool) []int {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.text, utf8BOM)))
	header, err := r.Read()
	if err != nil {
		return nil
	}
	var lines []int
	attrs := make(map[string]cty.Value, len(header))
	for {
		rec, err := r.Read()
		if err != nil {
			if err == io.EOF {
				return lines
			}
			return nil // csvdecode would have failed first
		}
		for i, name := range header {
			attrs[name] = cty.StringVal(rec[i])
		}
		if keep(cty.ObjectVal(attrs)) {
			line, _ := r.FieldPos(0)
			lines = append(lines, line)
		}
	}
}

// listLines writes lines as "2 and 7", "2, 5 and 7", or the first
// shownDuplicateLines and how many more, as the grouped diagnostics of
// several rows do.
func listLines(lines []int) string {
	shown := lines
	more := 0
	if len(shown) > shownDuplicateLines {
		shown, more = lines[:shownDuplicateLines], len(lines)-shownDuplicateLines
	}
	words := make([]string, len(shown))
	for i, l := range shown {
		words[i] = strconv.Itoa(l)
	}
	if more > 0 {
		return strings.Join(words, ", ") + fmt.Sprintf(" and %d more", more)
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
