package schema

import (
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// A CSVTable is the value of a batch's local
//
//	people = { for row in csvdecode(TEXT) : row.COL => row }
//
// (or => row.OTHER) held as the CSV's fields rather than as cty values: a
// 100,000-row batch is 100,000 row objects of three maps each, and a
// 100,000-attribute object, built by HCL one row at a time on one core,
// though a resource whose for_each is that local reads only its keys and,
// per instance, each.value.NAME. Value builds the very value HCL gives,
// on first use, for whatever needs it whole.
//
// A CSVTable is made (CSVTableLocal) only when the evaluation could not
// fail: the text is a known, unmarked string, valid CSV with a header of
// distinct names, at least one row, COL a column, and no key twice. In
// every other case the expression is evaluated by HCL, with its
// diagnostics.
type CSVTable struct {
	names []string       // the header's names, in column order
	cols  map[string]int // name → column
	// The rows' fields (tableRows), where they lie.
	rows   atomic.Pointer[tableRows] // replaced by its packed form (Pack)
	keyCol int
	valCol int // -1: the value is the row
	n      int // how many rows
	// dups are the rows, in the CSV's order, whose key an earlier row
	// has: the for expression fails (EvalCSVTableLocal).
	dups []int32

	mu    sync.Mutex  // Pack's
	built atomic.Bool // Value was asked for: t.val holds the text's strings
	once  sync.Once
	val   cty.Value
}

// tableRows are a table's rows: its text and where each row's fields lie
// there. A row lies whole in text (a line read directly: most of a
// batch's CSV) or, inExtra set in its offsets, in extra (a row the CSV
// reader read, or a line with a field cty's normalisation changes), its
// fields one byte apart (a comma in text). starts holds each field's
// offset, row after row, ends each row's end: a field ends a byte before
// the next one of its row starts, the last at its row's end. 24 bytes a
// row of five columns, instead of five strings' 80.
type tableRows struct {
	starts []uint32
	ends   []uint32
	text   string  // the CSV's text, "" once packed
	extra  string  // the rows not in text, one after another
	order  []int32 // the rows, by key
	// blocks hold the text once packed (Pack): its offsets are the same.
	blocks *blockText
}

// inExtra marks an offset of starts or ends as one into the table's
// extra, not its text.
const inExtra = 1 << 31

// CSVTableLocal recognises a local's expression of the table's shape and,
// when its text evaluates without diagnostics to a CSV that csvdecode and
// the for expression would turn into an object without error, reads it
// as a table. false means: evaluate expr as usual.
func (s *Scope) CSVTableLocal(expr hcl.Expression) (*CSVTable, bool) {
	t, diags, ok := s.EvalCSVTableLocal(expr)
	return t, ok && len(diags) == 0
}

// EvalCSVTableLocal is CSVTableLocal that also answers for a CSV whose
// rows repeat a key: no table, and the diagnostics HCL's evaluation gives,
// its "Duplicate object key" for each row that repeats an earlier row's
// key (and the CSV lines of the rows, as EvalExpr adds them). A CSV of a
// million rows with a username written twice is then an error in the
// time the table takes to read, not in the minute HCL's for expression
// takes over a million row objects (twice: the locals evaluated while the
// state loads, then the plan's).
func (s *Scope) EvalCSVTableLocal(expr hcl.Expression) (*CSVTable, hcl.Diagnostics, bool) {
	fe, ok := expr.(*hclsyntax.ForExpr)
	if !ok || fe.KeyExpr == nil || fe.CondExpr != nil || fe.Group || fe.KeyVar == fe.ValVar {
		return nil, nil, false
	}
	call, ok := fe.CollExpr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "csvdecode" || len(call.Args) != 1 || call.ExpandFinal {
		return nil, nil, false
	}
	keyName, ok := rowTraversal(fe.KeyExpr, fe.ValVar)
	if !ok || keyName == "" {
		return nil, nil, false
	}
	valName, ok := rowTraversal(fe.ValExpr, fe.ValVar)
	if !ok {
		return nil, nil, false
	}
	v, diags := s.EvalExpr(call.Args[0], cty.DynamicPseudoType, Repetition{})
	if len(diags) > 0 || v.IsMarked() || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return nil, nil, false
	}
	text := v.AsString()
	t, ok := parseCSVTable(strings.TrimPrefix(text, utf8BOM), keyName, valName)
	if !ok {
		return nil, nil, false
	}
	// What csvdecode does on success: remember the text, so that a
	// rejected row's line can be found (CSVRowOrigin).
	sourcesOf(s.baseDir()).decodedText(text)
	if len(t.dups) > 0 {
		return nil, s.withDuplicateRows(t.duplicateDiags(fe)), true
	}
	return t, nil, true
}

// duplicateDiags are the diagnostics HCL's for expression fe gives the
// table's rows that repeat an earlier row's key: one for each, in the
// rows' order, in the context of its item (the row's object, and its
// index when fe names one), so that they print as HCL's do ("with
// row.username as ...").
func (t *CSVTable) duplicateDiags(fe *hclsyntax.ForExpr) hcl.Diagnostics {
	diags := make(hcl.Diagnostics, 0, len(t.dups))
	parent := &hcl.EvalContext{}
	for _, row := range t.dups {
		ctx := parent.NewChild()
		ctx.Variables = map[string]cty.Value{fe.ValVar: TableRow{t: t, row: row}.object()}
		if fe.KeyVar != "" {
			ctx.Variables[fe.KeyVar] = cty.NumberIntVal(int64(row))
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate object key",
			Detail: fmt.Sprintf("Two different items produced the key %q in this 'for' expression. If duplicates are expected, "+
				"use the ellipsis (...) after the value expression to enable grouping by key.", t.key(row)),
			Subject:     fe.KeyExpr.Range().Ptr(),
			Context:     &fe.SrcRange,
			Expression:  fe.KeyExpr,
			EvalContext: ctx,
		})
	}
	return diags
}

// rowTraversal recognises ROW (name "") or ROW.NAME, ROW being the for
// expression's value variable.
func rowTraversal(expr hcl.Expression, row string) (name string, ok bool) {
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) == 0 || len(st.Traversal) > 2 || st.Traversal.RootName() != row {
		return "", false
	}
	if len(st.Traversal) == 1 {
		return "", true
	}
	a, ok := st.Traversal[1].(hcl.TraverseAttr)
	if !ok || a.Name == "" || cty.NormalizeString(a.Name) != a.Name {
		return "", false
	}
	return a.Name, true
}

// parseCSVTable reads text as csvdecode does; false wherever csvdecode
// or the for expression would fail, or the value would not be a
// non-empty object of rows.
func parseCSVTable(text, keyName, valName string) (*CSVTable, bool) {
	r := csv.NewReader(strings.NewReader(text))
	header, err := r.Read()
	if err != nil {
		return nil, false
	}
	if len(text) >= inExtra {
		return nil, false // beyond the offsets of starts and ends: left to HCL
	}
	t := &CSVTable{names: slices.Clone(header), cols: make(map[string]int, len(header)), valCol: -1}
	tr := &tableRows{text: text}
	var extra strings.Builder
	// addApart appends a row to extra, its fields as cty.StringVal holds
	// them.
	addApart := func(fields []string) {
		for i, f := range fields {
			if i > 0 {
				extra.WriteByte(',')
			}
			tr.starts = append(tr.starts, inExtra|uint32(extra.Len()))
			extra.WriteString(cty.NormalizeString(f))
		}
		tr.ends = append(tr.ends, inExtra|uint32(extra.Len()))
	}
	for i, name := range t.names {
		if _, dup := t.cols[name]; dup || cty.NormalizeString(name) != name {
			// csvdecode refuses the first; the second, cty's attribute
			// names being normalised, is left to it.
			return nil, false
		}
		t.cols[name] = i
	}
	var ok bool
	if t.keyCol, ok = t.cols[keyName]; !ok {
		return nil, false
	}
	if valName != "" {
		if t.valCol, ok = t.cols[valName]; !ok {
			return nil, false
		}
	}
	n := len(header)
	// A row a line, as a batch's CSV has: growing the slice instead
	// cost as much as reading the rows.
	lines := strings.Count(text, "\n")
	tr.starts, tr.ends = make([]uint32, 0, lines*n), make([]uint32, 0, lines)
	// The lines with neither a quote nor a carriage return are read here,
	// their fields shared with the text: such a line is what Go's CSV
	// reader reads as a record (its fields split at the commas, a line
	// break ending it, an empty line skipped), and its fields are copies.
	// From the first other line on, the reader reads the rest.
	pos := int(r.InputOffset())
	for pos < len(text) {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		line := text[pos:end]
		if strings.ContainsAny(line, "\"\r") {
			break
		}
		pos = min(end+1, len(text))
		if line == "" {
			continue
		}
		if strings.Count(line, ",") != n-1 {
			return nil, false // csvdecode's "wrong number of fields"
		}
		off, first, shared := end-len(line), len(tr.starts), true
		for f := range strings.SplitSeq(line, ",") {
			if cty.NormalizeString(f) != f { // cty.StringVal would hold another string
				shared = false
				break
			}
			tr.starts = append(tr.starts, uint32(off))
			off += len(f) + 1
		}
		if shared {
			tr.ends = append(tr.ends, uint32(end))
		} else {
			tr.starts = tr.starts[:first]
			addApart(strings.Split(line, ","))
		}
	}
	r = csv.NewReader(strings.NewReader(text[pos:]))
	r.FieldsPerRecord = n
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		addApart(rec)
	}
	if extra.Len() >= inExtra {
		return nil, false // beyond the offsets of starts and ends: left to HCL
	}
	tr.extra = extra.String()
	rows := len(tr.ends)
	if rows == 0 || rows > 1<<31-1 {
		return nil, false
	}
	tr.starts, tr.ends = slices.Clip(tr.starts), slices.Clip(tr.ends)
	t.n = rows
	t.rows.Store(tr)
	tr.order = make([]int32, rows)
	for i := range tr.order {
		tr.order[i] = int32(i)
	}
	byKey := func(a, b int32) int { return strings.Compare(t.key(a), t.key(b)) }
	if !slices.IsSortedFunc(tr.order, byKey) {
		slices.SortStableFunc(tr.order, byKey)
	}
	for i := 1; i < rows; i++ {
		if t.key(tr.order[i-1]) == t.key(tr.order[i]) {
			// The for expression's "Duplicate object key": the sort is
			// stable, so the later row of the two.
			t.dups = append(t.dups, tr.order[i])
		}
	}
	slices.Sort(t.dups)
	return t, true
}

func (t *CSVTable) field(row int32, col int) string {
	tr := t.at()
	i := int(row)*len(t.names) + col
	start, end := tr.starts[i], tr.ends[row]
	if col+1 < len(t.names) {
		end = tr.starts[i+1]&^inExtra - 1 // the next field's, less its separator
	}
	switch {
	case start&inExtra != 0:
		return tr.extra[start&^inExtra : end&^inExtra]
	case tr.blocks != nil:
		// A copy: a slice of the block would hold the block (64 KB)
		// wherever the field's value is kept (a check across rows keeps
		// some), and so, in all, the whole text again.
		return strings.Clone(tr.blocks.slice(start, end))
	}
	return tr.text[start:end]
}

func (t *CSVTable) key(row int32) string { return t.field(row, t.keyCol) }

// Len is the number of rows.
func (t *CSVTable) Len() int { return t.n }

// Key is the i-th key, in the order of the object's attributes (sorted).
func (t *CSVTable) Key(i int) string { return t.key(t.at().order[i]) }

// Row is the row of the i-th key.
func (t *CSVTable) Row(i int) TableRow { return TableRow{t: t, row: t.at().order[i]} }

// Value is the local's value, as the for expression gives it: built on
// first use, then kept.
func (t *CSVTable) Value() cty.Value {
	t.once.Do(func() {
		t.built.Store(true)
		order := t.at().order
		vals := make(map[string]cty.Value, len(order))
		for _, row := range order {
			vals[t.key(row)] = TableRow{t: t, row: row}.Value()
		}
		t.val = cty.ObjectVal(vals)
	})
	return t.val
}

// A TableRow is one element of a CSVTable's object: what each.value is
// for the instance of a resource whose for_each is the table's local.
// The zero TableRow is no row.
type TableRow struct {
	t   *CSVTable
	row int32
}

// IsRow reports whether r is a row.
func (r TableRow) IsRow() bool { return r.t != nil }

// Key is the row's key in the table.
func (r TableRow) Key() string { return r.t.key(r.row) }

// Value is the row's value in the table's object: the row's object, or
// its one column's string.
func (r TableRow) Value() cty.Value {
	t := r.t
	if t.valCol >= 0 {
		return cty.StringVal(t.field(r.row, t.valCol))
	}
	return r.object()
}

// object is the row's object, as csvdecode gives it.
func (r TableRow) object() cty.Value {
	t := r.t
	attrs := make(map[string]cty.Value, len(t.names))
	for i, name := range t.names {
		attrs[name] = cty.StringVal(t.field(r.row, i))
	}
	return cty.ObjectVal(attrs)
}

// project is the row's object with only the attributes names, all of them
// columns; the row's value when one is not (so that HCL's diagnostic about
// a missing attribute, which suggests the nearest name, is the one it
// gives the whole row) or when the value is a column's string.
func (r TableRow) project(names []string) cty.Value {
	t := r.t
	if t.valCol >= 0 {
		return r.Value()
	}
	attrs := make(map[string]cty.Value, len(names))
	for _, name := range names {
		col, ok := t.cols[name]
		if !ok {
			return r.Value()
		}
		attrs[name] = cty.StringVal(t.field(r.row, col))
	}
	return cty.ObjectVal(attrs)
}

// Attr is the value's attribute name (each.value.NAME), without building
// the row's object; false when the value has no such attribute (a
// column's string, or no such column).
func (r TableRow) Attr(name string) (cty.Value, bool) {
	if s, ok := r.Field(name); ok {
		return cty.StringVal(s), true
	}
	return cty.NilVal, false
}

// Field is the row's field name as the table holds it: Attr's value is
// cty.StringVal of it.
func (r TableRow) Field(name string) (string, bool) {
	t := r.t
	if t.valCol >= 0 {
		return "", false
	}
	col, ok := t.cols[name]
	if !ok {
		return "", false
	}
	return t.field(r.row, col), true
}

// tableType is the type of the values that stand for a table among the
// values of locals (TableVal): an opaque capsule that no expression
// sees, the planner handing out the table's Value instead.
var tableType = cty.Capsule("csv table", reflect.TypeOf(CSVTable{}))

// TableVal is a value standing for t among the values of locals
// (planner.EvalLocals' map, say); only TableOf reads it: it must never
// reach an expression.
func TableVal(t *CSVTable) cty.Value { return cty.CapsuleVal(tableType, t) }

// TableOf is the table v stands for, if it does.
func TableOf(v cty.Value) (*CSVTable, bool) {
	if v == cty.NilVal || !v.Type().Equals(tableType) || v.IsMarked() || !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	return v.EncapsulatedValue().(*CSVTable), true
}

// at is the table's rows.
func (t *CSVTable) at() *tableRows { return t.rows.Load() }

// Pack lets go of the table's text, keeping it compressed in blocks of
// about 64 KB of whole lines (a batch's CSV: about a fifth of its size),
// each decompressed again when a field it holds is read, the last few
// kept (blockText): the walk of an apply that refreshes a batch's
// verifications reads each row once, in key order, and holds a few
// blocks instead of the text (86 MB at a million rows, about 17 packed).
// The offsets of the fields stay. The table's keys must not be held as
// slices of its text for the text to go (planner's tableKeys copies
// them). It does nothing, and reports false, once the whole value was
// built (Value: its strings are the text's), when already packed, or
// when the rows are not in key order in the text: reading them in key
// order would then decompress a block a row.
func (t *CSVTable) Pack() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.rows.Load()
	if tr.blocks != nil || tr.text == "" || t.built.Load() || !inTextOrder(tr) {
		return false
	}
	packed := *tr
	packed.text, packed.blocks = "", packBlocks(tr.text)
	t.rows.Store(&packed)
	return true
}

// inTextOrder reports whether tr's rows by key lie one after another in
// its text (extra's rows aside): a CSV sorted by its key column.
func inTextOrder(tr *tableRows) bool {
	last := uint32(0)
	for _, row := range tr.order {
		start := tr.ends[row]
		if start&inExtra != 0 {
			continue
		}
		if start < last {
			return false
		}
		last = start
	}
	return true
}

// Packed reports whether the table's text is held packed (Pack).
func (t *CSVTable) Packed() bool { return t.at().blocks != nil }

// TextHeld is the first byte of the table's text, nil when packed: for a
// test's weak pointer, which tells whether anything still holds the text.
func (t *CSVTable) TextHeld() *byte {
	if tr := t.at(); tr.text != "" {
		return unsafe.StringData(tr.text)
	}
	return nil
}

// blockSize is about how many bytes of a text a block of blockText holds.
const blockSize = 64 << 10

// blockText is a text compressed with DEFLATE at its fastest, in blocks
// of whole lines, so that a field is read by decompressing its line's
// block alone; the last blocks decompressed are kept, for the rows read
// next, which a walk in key order reads from the same block.
type blockText struct {
	bounds []uint32 // block i is text[bounds[i]:bounds[i+1]]
	z      [][]byte
	mu     sync.Mutex
	recent [4]struct {
		i int
		s string
	}
	next int
}

func packBlocks(text string) *blockText {
	b := &blockText{bounds: []uint32{0}}
	for i := range b.recent {
		b.recent[i].i = -1
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	for start := 0; start < len(text); {
		end := min(start+blockSize, len(text))
		if nl := strings.IndexByte(text[end:], '\n'); nl >= 0 {
			end += nl + 1 // a line is never split
		} else {
			end = len(text)
		}
		buf.Reset()
		w.Reset(&buf)
		_, _ = io.WriteString(w, text[start:end]) // a bytes.Buffer does not fail
		_ = w.Close()
		b.z = append(b.z, bytes.Clone(buf.Bytes()))
		b.bounds = append(b.bounds, uint32(end))
		start = end
	}
	return b
}

// slice is text[start:end], which one line holds.
func (b *blockText) slice(start, end uint32) string {
	i := sort.Search(len(b.z), func(i int) bool { return b.bounds[i+1] > start })
	if start == end && i == len(b.z) {
		return ""
	}
	s := b.block(i)
	return s[start-b.bounds[i] : end-b.bounds[i]]
}

// block is block i decompressed, one of the recent ones when it is.
func (b *blockText) block(i int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.recent {
		if r.i == i {
			return r.s
		}
	}
	s := inflate(b.z[i], int(b.bounds[i+1]-b.bounds[i]))
	b.recent[b.next].i, b.recent[b.next].s = i, s
	b.next = (b.next + 1) % len(b.recent)
	return s
}

// reader reads the text from off on, decompressing a block at a time:
// one of the recent ones (block) when recent is set, for a row read here
// and there; otherwise not kept among them, for a read of the whole text,
// which would push out the blocks the walk's readers share.
func (b *blockText) reader(off uint32, recent bool) io.Reader {
	i := sort.Search(len(b.z), func(i int) bool { return b.bounds[i+1] > off })
	return &blockReader{b: b, i: i, skip: off - min(off, b.bounds[min(i, len(b.z))]), recent: recent}
}

type blockReader struct {
	b      *blockText
	i      int
	skip   uint32
	recent bool
	cur    string
}

func (r *blockReader) Read(p []byte) (int, error) {
	for r.cur == "" {
		if r.i >= len(r.b.z) {
			return 0, io.EOF
		}
		if r.recent {
			r.cur = r.b.block(r.i)[r.skip:]
		} else {
			r.cur = inflate(r.b.z[r.i], int(r.b.bounds[r.i+1]-r.b.bounds[r.i]))[r.skip:]
		}
		r.i, r.skip = r.i+1, 0
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func inflate(z []byte, n int) string {
	var b strings.Builder
	b.Grow(n)
	if _, err := io.Copy(&b, flate.NewReader(bytes.NewReader(z))); err != nil || b.Len() != n {
		panic("schema: a packed text could not be read again")
	}
	return b.String()
}
