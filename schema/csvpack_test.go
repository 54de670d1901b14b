package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"weak"
)

// TestPackedCSVTableReadsTheSameRows: a table packed (Scope.PackCSVTable)
// holds its text no more, nor do the file sources (a weak pointer), and
// reads, from its packed blocks, every key, row and field it read before,
// in the same order, the rows kept apart (a quoted one, one NFC changes)
// too, and its whole value; a row's origin (CSVRowOrigin) is its line as
// before. A table of several blocks is read the same, in key order and
// out of it, by several goroutines at once. The file changed on disk
// since it was read does not matter. A table whose value was built is not
// packed (its strings are the text's), nor one whose rows are not in key
// order. It fails if a packed table reads the file again, or loses,
// splits or reorders a row.
func TestPackedCSVTableReadsTheSameRows(t *testing.T) {
	csv := "\ufeffu,a,b\n" +
		"x0,,last\n" +
		"x1,plain,e\u0301\n" + // NFC composes it: kept apart
		"x2,\"quo,ted\",tail\n" +
		"x3,after,\u00e9\n" +
		"x4,plain,z\n"
	var big strings.Builder
	big.WriteString("u,a,b\n")
	for i := range 6000 { // three blocks and more
		fmt.Fprintf(&big, "k%05d,%s,%d\n", i, strings.Repeat("v", i%40), i)
	}
	for name, text := range map[string]string{"small": csv, "blocks": big.String()} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"people.csv": text, "main.hcl": `locals { x = { for r in csvdecode(file("people.csv")) : r.u => r } }`}
			s, c := tableScope(t, files, nil)
			tab, ok := s.CSVTableLocal(c.Locals["x"].Expr)
			if !ok {
				t.Fatal("not read as a table")
			}
			want, wantBack := readTable(tab, false), readTable(tab, true)
			held := weak.Make(tab.TextHeld())
			if !s.PackCSVTable(tab) || !tab.Packed() {
				t.Fatal("not packed")
			}
			if s.PackCSVTable(tab) {
				t.Error("packed twice")
			}
			runtime.GC()
			if held.Value() != nil {
				t.Error("the text is held once packed")
			}
			if err := os.WriteFile(filepath.Join(c.Dir, "people.csv"), []byte(strings.ReplaceAll(text, "plain", "other")), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := readTable(tab, false); got != want {
				t.Errorf("read packed:\n%s\nwant\n%s", got, want)
			}
			if got := readTable(tab, true); got != wantBack {
				t.Errorf("read packed, last row first:\n%s\nwant\n%s", got, wantBack)
			}
			// Read by several goroutines at once, as the walk reads it.
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					if got := readTable(tab, g%2 == 1); got != map[bool]string{false: want, true: wantBack}[g%2 == 1] {
						t.Errorf("goroutine %d read another table", g)
					}
				})
			}
			wg.Wait()
			whole := tab.Value()
			if whole.LengthInt() != tab.Len() || tab.Pack() {
				t.Errorf("the value built of %d rows, or packed again", whole.LengthInt())
			}
		})
	}
	// A text NFC changes is not found as the file's (file() digests the
	// bytes read): the rows' origins, of the same text without the NFC
	// row.
	files := map[string]string{"people.csv": strings.Replace(csv, "e\u0301", "\u00e9", 1), "main.hcl": `locals { x = { for r in csvdecode(file("people.csv")) : r.u => r } }`}
	s, c := tableScope(t, files, nil)
	tab, _ := s.CSVTableLocal(c.Locals["x"].Expr)
	want := origins(t, c, tab)
	if strings.Contains(want, "-1") {
		t.Fatalf("rows without an origin: %s", want)
	}
	if !s.PackCSVTable(tab) {
		t.Fatal("not packed")
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "people.csv"), []byte("u,a,b\nzz,y,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := origins(t, c, tab); got != want {
		t.Errorf("the rows' origins once packed: %s, want %s", got, want)
	}
	// Rows out of key order: not packed.
	s, c = tableScope(t, map[string]string{"people.csv": "u,a\nb,1\na,2\n", "main.hcl": files["main.hcl"]}, nil)
	tab, _ = s.CSVTableLocal(c.Locals["x"].Expr)
	if s.PackCSVTable(tab) || tab.Packed() {
		t.Error("a table out of key order packed")
	}
}

// readTable is every key, field and row of tab, in key order or from the
// last.
func readTable(tab *CSVTable, back bool) string {
	var b strings.Builder
	for j := range tab.Len() {
		i := j
		if back {
			i = tab.Len() - 1 - j
		}
		b.WriteString(tab.Key(i) + ":")
		for _, name := range []string{"u", "a", "b"} {
			v, _ := tab.Row(i).Attr(name)
			b.WriteString(v.AsString() + "|")
		}
		b.WriteString(tab.Row(i).Value().GoString() + "\n")
	}
	return b.String()
}

// origins are the lines CSVRowOrigin gives tab's rows.
func origins(t *testing.T, c *Config, tab *CSVTable) string {
	t.Helper()
	var b strings.Builder
	for i := range tab.Len() {
		row := tab.Row(i).Value()
		_, line, ok := c.CSVRowOrigin("", row)
		if !ok {
			line = -1
		}
		b.WriteString(strconv.Itoa(line) + " ")
	}
	return b.String()
}
