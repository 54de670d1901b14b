package schema

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
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
// its rows, once for all the diagnostics of one expression (HCL gives one
// for each repeated item: a CSV of a million rows with many repeated keys
// is still read once), keeping only the lines of the repeated keys.
func (s *Scope) withDuplicateRows(diags hcl.Diagnostics) hcl.Diagnostics {
	type repeated struct {
		src duplicateSource
		key string
	}
	found := map[int]repeated{}
	wanted := map[duplicateSource]map[string][]int{}
	for i, d := range diags {
		if src, key, ok := s.duplicateOf(d); ok {
			found[i] = repeated{src, key}
			if wanted[src] == nil {
				wanted[src] = map[string][]int{}
			}
			wanted[src][key] = nil
		}
	}
	if len(found) == 0 {
		return diags
	}
	for src, keys := range wanted {
		src.rows.linesOfKeys(keys, src.column(), src.keyOf)
	}
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		out[i] = d
		r, ok := found[i]
		if lines := wanted[r.src][r.key]; ok && len(lines) >= 2 {
			c := *d
			c.Detail += fmt.Sprintf(" The rows that give this key are on lines %s of %s: give each row a key of its own.",
				listLines(lines), r.src.rows.path)
			out[i] = &c
		}
	}
	return out
}

// duplicateSource is a key expression of a for expression over a CSV
// file's rows, and the context it was evaluated in for one of them.
type duplicateSource struct {
	expr hcl.Expression
	rows *csvRows
	// ctx is the context of the repeated item; name is its variable that
	// holds the row.
	ctx  *hcl.EvalContext
	name string
}

// duplicateOf reports the source and the key of a duplicate key of a for
// expression over a CSV file's rows; false when d is not one.
func (s *Scope) duplicateOf(d *hcl.Diagnostic) (duplicateSource, string, bool) {
	ctx := d.EvalContext
	if d.Summary != "Duplicate object key" || d.Expression == nil || ctx == nil || ctx.Parent() == nil {
		return duplicateSource{}, "", false
	}
	key, ok := keyString(d.Expression.Value(ctx))
	if !ok {
		return duplicateSource{}, "", false
	}
	for name, v := range ctx.Variables {
		if rows := s.rowsOf(v); rows != nil {
			// One source per expression and file: the first item's context
			// stands for all (the for expression's other variable, the
			// index or key, is not what a key over rows reads).
			return duplicateSource{expr: d.Expression, rows: rows, ctx: ctx.Parent(), name: name}, key, true
		}
	}
	return duplicateSource{}, "", false
}

// column is the row's attribute the key expression is, as in
// row.username; "" when it is any other expression.
func (src duplicateSource) column() string {
	t, ok := src.expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != src.name {
		return ""
	}
	if attr, ok := t.Traversal[1].(hcl.TraverseAttr); ok {
		return attr.Name
	}
	return ""
}

// keyOf evaluates the key expression for row.
func (src duplicateSource) keyOf(row cty.Value) (string, bool) {
	child := src.ctx.NewChild()
	child.Variables = map[string]cty.Value{src.name: row}
	return keyString(src.expr.Value(child))
}

// keyString is a for expression's key as the object's attribute name it
// becomes; false when it is not one.
func keyString(v cty.Value, diags hcl.Diagnostics) (string, bool) {
	if diags.HasErrors() {
		return "", false
	}
	v, _ = v.UnmarkDeep()
	s, err := convert.Convert(v, cty.String)
	if err != nil || !s.IsKnown() || s.IsNull() {
		return "", false
	}
	return s.AsString(), true
}

// rowsOf is the CSV file a row object decoded by csvdecode came from; nil
// when v is not such a row.
func (s *Scope) rowsOf(v cty.Value) *csvRows {
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() {
		return nil
	}
	rows, _ := sourcesOf(s.baseDir()).rowsHolding(v)
	return rows
}

// linesOfKeys fills keys with the lines of the rows, as csvdecode decodes
// them (objects of strings named by the header), that keyOf gives one of
// its keys; when column names one of the header's, the key is that
// column's field, read without building the row.
func (c *csvRows) linesOfKeys(keys map[string][]int, column string, keyOf func(row cty.Value) (string, bool)) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.text, utf8BOM)))
	header, err := r.Read()
	if err != nil {
		return
	}
	col := slices.Index(header, column)
	r.ReuseRecord = true
	attrs := make(map[string]cty.Value, len(header))
	for {
		rec, err := r.Read()
		if err != nil {
			return // io.EOF; any other error failed csvdecode first
		}
		var k string
		ok := col >= 0
		if ok {
			k = rec[col]
		} else {
			for i, name := range header {
				attrs[name] = cty.StringVal(rec[i])
			}
			k, ok = keyOf(cty.ObjectVal(attrs))
		}
		if lines, wanted := keys[k]; ok && wanted {
			line, _ := r.FieldPos(0)
			keys[k] = append(lines, line)
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
