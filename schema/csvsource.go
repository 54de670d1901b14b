package schema

import (
	"cmp"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// A batch's people usually come as csvdecode(file("people.csv")). To point
// at the CSV's own lines, file() remembers which file each text it read
// came from (by the text's digest), and csvdecode, when its text is one of
// them:
//   - on malformed rows, fails with a CSVError holding one diagnostic per
//     bad row at the file's line and column, which Scope turns into as many
//     diagnostics;
//   - on success, remembers the text, so that CSVRowOrigin can find the line
//     of a row object (an instance's each.value) when a provider rejects it.

// fileSources are the texts read by file() under one base directory.
type fileSources struct {
	mu   sync.Mutex
	read map[[32]byte]string // digest → the path as users see it
	// decoded are the CSV texts csvdecode decoded, for CSVRowOrigin.
	decoded map[[32]byte]*csvRows
	// last is the last text digested, and its digest: file() digests the
	// text it read, and csvdecode the very same string (70 MB for a
	// million rows) again.
	last       string
	lastDigest [32]byte
}

func newFileSources() *fileSources {
	return &fileSources{read: map[[32]byte]string{}, decoded: map[[32]byte]*csvRows{}}
}

// sourcesByDir holds one fileSources per base directory, as the function
// tables are.
var sourcesByDir sync.Map // string → *fileSources

func sourcesOf(baseDir string) *fileSources {
	s, _ := sourcesByDir.LoadOrStore(baseDir, newFileSources())
	return s.(*fileSources)
}

func (s *fileSources) remember(path, text string) {
	d := s.digest(text)
	s.mu.Lock()
	s.read[d] = path
	s.mu.Unlock()
}

func (s *fileSources) lookup(text string) ([32]byte, string, bool) {
	d := s.digest(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	path, ok := s.read[d]
	return d, path, ok
}

// digest is text's SHA-256, computed once for the same string twice in a
// row (the same bytes in memory: a string is never modified, and last
// keeps it from being freed and its memory reused).
func (s *fileSources) digest(text string) [32]byte {
	s.mu.Lock()
	if len(text) > 0 && len(text) == len(s.last) && unsafe.StringData(text) == unsafe.StringData(s.last) {
		d := s.lastDigest
		s.mu.Unlock()
		return d
	}
	s.mu.Unlock()
	d := sha256.Sum256(unsafe.Slice(unsafe.StringData(text), len(text))) // read only
	s.mu.Lock()
	s.last, s.lastDigest = text, d
	s.mu.Unlock()
	return d
}

// CSVError is csvdecode's error for a text with malformed rows: one
// diagnostic per bad row (at most 100), at its file, line and column.
type CSVError struct {
	Diags hcl.Diagnostics
}

func (e *CSVError) Error() string {
	lines := make([]string, 0, len(e.Diags))
	for _, d := range e.Diags {
		lines = append(lines, d.Detail)
	}
	return strings.Join(lines, " ")
}

// csvDecodeFunc is the standard csvdecode that knows where its text came
// from.
func csvDecodeFunc(sources *fileSources) function.Function {
	std := stdlib.CSVDecodeFunc
	return function.New(&function.Spec{
		Description: std.Description(),
		Params:      std.Params(),
		Type: func(args []cty.Value) (cty.Type, error) {
			ty, err := std.ReturnTypeForValues(withoutBOM(args))
			if err != nil && args[0].IsKnown() && !args[0].IsNull() {
				return ty, sources.csvError(args[0].AsString(), err)
			}
			return ty, err
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := std.Call(withoutBOM(args))
			if err != nil {
				return v, sources.csvError(args[0].AsString(), err)
			}
			sources.decodedText(args[0].AsString())
			return v, nil
		},
	})
}

// utf8BOM is the byte-order mark that spreadsheets (Excel's "CSV UTF-8")
// and daftar's own report -format=csv put before a CSV's first byte.
const utf8BOM = "\ufeff"

// withoutBOM answers csvdecode's arguments with the text's leading
// byte-order mark dropped, so that the first column is named as written
// rather than "\ufeffusername". Terraform's csvdecode keeps it; reading a
// spreadsheet's export is what daftar's batches do.
func withoutBOM(args []cty.Value) []cty.Value {
	if len(args) == 0 {
		return args
	}
	v, marks := args[0].Unmark()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String || !strings.HasPrefix(v.AsString(), utf8BOM) {
		return args
	}
	v = cty.StringVal(strings.TrimPrefix(v.AsString(), utf8BOM)).WithMarks(marks)
	return append([]cty.Value{v}, args[1:]...)
}

// csvError explains every malformed row of text: diagnostics in the file
// it was read from, or, for a text not read by file(), the rows' lines in
// the error message.
func (s *fileSources) csvError(text string, err error) error {
	_, path, ok := s.lookup(text)
	name := path
	if !ok {
		name = "the CSV text"
	}
	diags := CSVDiagnostics(name, []byte(text))
	if len(diags) == 0 {
		return err
	}
	if !ok {
		var lines []string
		for _, d := range diags {
			lines = append(lines, d.Detail)
		}
		return errors.New(strings.Join(lines, " "))
	}
	return &CSVError{Diags: diags}
}

func (s *fileSources) decodedText(text string) {
	d, path, ok := s.lookup(text)
	if !ok {
		return
	}
	s.mu.Lock()
	if s.decoded[d] == nil {
		s.decoded[d] = &csvRows{path: path, text: text}
	}
	s.mu.Unlock()
}

// csvRows finds the line of a decoded row; its index is built on first
// use, so a run with no error pays nothing for it.
type csvRows struct {
	path string
	// text is the text, or, once a table of it was packed
	// (Scope.PackCSVTable), its packed form (the text without its
	// byte-order mark), read again by index.
	mu     sync.Mutex
	text   string
	packed *blockText
	once   sync.Once
	header []string
	// rows are the rows' digests, sorted by digest then line: 16 bytes a
	// row. A row whose digest matches is read again at its offset to be
	// sure. The index once held every row's fields joined, 150 bytes a
	// row, from the first error of a plan to its end: at a million rows,
	// a verification Proofylink answered 404 for cost 150 MB more.
	rows []rowDigest
	seed maphash.Seed
}

// rowDigest is a row of a CSV text: the digest of its fields, the offset
// of its first byte in the text without its byte-order mark, its line.
type rowDigest struct {
	h    uint64
	off  uint32
	line int32
}

func (c *csvRows) index() {
	c.seed = maphash.MakeSeed()
	src, ok := c.from(0, false)
	if !ok {
		return
	}
	r := csv.NewReader(src)
	header, err := r.Read()
	if err != nil {
		return
	}
	c.header = header
	for {
		off := r.InputOffset()
		rec, err := r.Read()
		if err != nil || off > math.MaxUint32 {
			break
		}
		line, _ := r.FieldPos(0)
		c.rows = append(c.rows, rowDigest{h: c.digest(rec), off: uint32(off), line: int32(line)})
	}
	slices.SortFunc(c.rows, func(a, b rowDigest) int {
		return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.line, b.line))
	})
	c.rows = slices.Clip(c.rows)
}

// from reads the text from off, a byte offset in the text without its
// byte-order mark: the text held, or its packed form (the block read
// kept among the recent ones when one row is read, recent).
func (c *csvRows) from(off uint32, recent bool) (io.Reader, bool) {
	c.mu.Lock()
	text, packed := c.text, c.packed
	c.mu.Unlock()
	if packed != nil {
		return packed.reader(off, recent), true
	}
	text = strings.TrimPrefix(text, utf8BOM)
	if int(off) > len(text) {
		return nil, false
	}
	return strings.NewReader(text[off:]), true
}

func (c *csvRows) digest(fields []string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, f := range fields {
		h.WriteString(f)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// lineOf returns the line of the row whose fields row holds.
func (c *csvRows) lineOf(row cty.Value) (int, bool) {
	c.once.Do(c.index)
	if len(c.header) == 0 || !row.Type().IsObjectType() {
		return 0, false
	}
	fields := make([]string, len(c.header))
	for i, name := range c.header {
		if !row.Type().HasAttribute(name) {
			return 0, false
		}
		v := row.GetAttr(name)
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			return 0, false
		}
		fields[i] = v.AsString()
	}
	h := c.digest(fields)
	i, _ := slices.BinarySearchFunc(c.rows, h, func(e rowDigest, h uint64) int { return cmp.Compare(e.h, h) })
	for ; i < len(c.rows) && c.rows[i].h == h; i++ {
		if c.rowAt(c.rows[i].off, fields) {
			return int(c.rows[i].line), true
		}
	}
	return 0, false
}

// rowAt reports whether the row at off holds fields.
func (c *csvRows) rowAt(off uint32, fields []string) bool {
	src, ok := c.from(off, true)
	if !ok {
		return false
	}
	rec, err := csv.NewReader(src).Read()
	return err == nil && slices.Equal(rec, fields)
}

// CSVRowOrigin finds where a row object decoded by csvdecode from a file
// read with file() comes from: the file as users see it and the row's
// line. It is meant for diagnostics (it indexes the file on first use);
// false when row is not such a row.
func (c *Config) CSVRowOrigin(baseDir string, row cty.Value) (string, int, bool) {
	if baseDir == "" {
		baseDir = c.Dir
	}
	row, _ = row.UnmarkDeep()
	if !row.IsKnown() || row.IsNull() {
		return "", 0, false
	}
	if rows, line := sourcesOf(baseDir).rowsHolding(row); rows != nil {
		return rows.path, line, true
	}
	return "", 0, false
}

// ForgetDecodedCSV lets go of the CSV texts csvdecode decoded from files
// read with file() under baseDir (the configuration's directory when
// empty), which CSVRowOrigin reads, and of the last text file() digested
// there: a caller that asks for no row's origin any more (apply, once no
// instance holds its row) does not hold a batch's CSV (70 MB at a
// million rows) to its end. CSVRowOrigin then finds no row of them; a
// text decoded again is remembered again.
func (c *Config) ForgetDecodedCSV(baseDir string) {
	if baseDir == "" {
		baseDir = c.Dir
	}
	v, ok := sourcesByDir.Load(baseDir)
	if !ok {
		return
	}
	s := v.(*fileSources)
	s.mu.Lock()
	clear(s.decoded)
	s.last, s.lastDigest = "", [32]byte{}
	s.mu.Unlock()
}

// PackCSVTable packs t (CSVTable.Pack), and lets go of its text wherever
// the scope's file sources hold it: the decoded text CSVRowOrigin reads,
// which then reads the packed one, and the last text file() digested (a
// cache). false when t was not packed.
func (s *Scope) PackCSVTable(t *CSVTable) bool {
	text, n := t.TextHeld(), len(t.at().text)
	if !t.Pack() {
		return false
	}
	src := sourcesOf(s.baseDir())
	src.mu.Lock()
	defer src.mu.Unlock()
	holds := func(other string) bool {
		other = strings.TrimPrefix(other, utf8BOM)
		return len(other) == n && unsafe.StringData(other) == text
	}
	if holds(src.last) {
		src.last, src.lastDigest = "", [32]byte{}
	}
	for _, rows := range src.decoded {
		rows.mu.Lock()
		if rows.packed == nil && holds(rows.text) {
			rows.text, rows.packed = "", t.at().blocks
		}
		rows.mu.Unlock()
	}
	return true
}

// rowsHolding finds the decoded CSV text that holds row, and the row's
// line there; nil when none does.
func (s *fileSources) rowsHolding(row cty.Value) (*csvRows, int) {
	s.mu.Lock()
	texts := make([]*csvRows, 0, len(s.decoded))
	for _, rows := range s.decoded {
		texts = append(texts, rows)
	}
	s.mu.Unlock()
	for _, rows := range texts {
		if line, ok := rows.lineOf(row); ok {
			return rows, line
		}
	}
	return nil, 0
}

// expandCSVErrors replaces each csvdecode failure in diags with one
// diagnostic per malformed row.
func expandCSVErrors(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for i, d := range diags {
		var ce *CSVError
		extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d)
		if !ok || !errors.As(extra.FunctionCallError(), &ce) {
			if out != nil {
				out = append(out, d)
			}
			continue
		}
		if out == nil {
			out = append(hcl.Diagnostics{}, diags[:i]...)
		}
		for _, row := range ce.Diags {
			row := *row
			if d.Subject != nil {
				row.Detail += fmt.Sprintf(" (read by csvdecode at %s:%d,%d)", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
			}
			out = append(out, &row)
		}
	}
	if out == nil {
		return diags
	}
	return out
}
