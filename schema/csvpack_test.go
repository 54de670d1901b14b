package schema

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"weak"
)

// TestPackedCSVTableReadsTheSameRows: a table packed (Scope.PackCSVTable)
// holds its text no more, nor do the file sources (a weak pointer), and
// reads again, from its packed text, every key, row and field it read
// before, in the same order, the rows kept apart (a quoted one, one NFC
// changes) too, and its whole value; a row's origin (CSVRowOrigin) is its
// line as before. The file changed on disk since it was read does not
// matter. A table whose value was built is not packed (its strings are
// the text's). It fails if a packed table reads the file again, or loses
// or reorders a row.
func TestPackedCSVTableReadsTheSameRows(t *testing.T) {
	csv := "\ufeffu,a,b\n" +
		"x3,after,\u00e9\n" +
		"x1,plain,e\u0301\n" + // NFC composes it: kept apart
		"x0,,last\n" +
		"x2,\"quo,ted\",tail\n" +
		"x4,plain,z\n"
	files := map[string]string{"people.csv": csv, "main.hcl": `locals { x = { for r in csvdecode(file("people.csv")) : r.u => r } }`}
	s, c := tableScope(t, files, nil)
	tab, ok := s.CSVTableLocal(c.Locals["x"].Expr)
	if !ok {
		t.Fatal("not read as a table")
	}
	read := func(tab *CSVTable) string {
		var b strings.Builder
		for i := range tab.Len() {
			b.WriteString(tab.Key(i) + ":")
			for _, name := range []string{"u", "a", "b"} {
				v, _ := tab.Row(i).Attr(name)
				b.WriteString(v.AsString() + "|")
			}
			b.WriteString(tab.Row(i).Value().GoString() + "\n")
		}
		return b.String()
	}
	want := read(tab)
	// A text NFC changes is not found as the file's (file() digests
	// the bytes read): the rows' origins, of the same text without the
	// NFC row, are checked apart.
	s2, c2 := tableScope(t, map[string]string{"people.csv": strings.Replace(csv, "e\u0301", "\u00e9", 1), "main.hcl": files["main.hcl"]}, nil)
	tab2, _ := s2.CSVTableLocal(c2.Locals["x"].Expr)
	wantOrigin := origins(t, c2, tab2)
	if strings.Contains(wantOrigin, "-1") {
		t.Fatalf("rows without an origin: %s", wantOrigin)
	}
	text := weak.Make(tab.TextHeld())
	if !s.PackCSVTable(tab) || !tab.Packed() {
		t.Fatal("not packed")
	}
	if s.PackCSVTable(tab) {
		t.Error("packed twice")
	}
	runtime.GC()
	if text.Value() != nil {
		t.Error("the text is held once packed")
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "people.csv"), []byte(strings.ReplaceAll(csv, "plain", "other")), 0o644); err != nil {
		t.Fatal(err)
	}
	if !s2.PackCSVTable(tab2) {
		t.Fatal("not packed")
	}
	if err := os.WriteFile(filepath.Join(c2.Dir, "people.csv"), []byte("u,a,b\nzz,y,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := origins(t, c2, tab2); got != wantOrigin {
		t.Errorf("the rows' origins once packed: %s, want %s", got, wantOrigin)
	}
	if got := read(tab); got != want {
		t.Errorf("read again:\n%s\nwant\n%s", got, want)
	}
	if tab.Packed() {
		t.Error("read again, still packed")
	}
	whole := tab.Value()
	if !strings.Contains(whole.GoString(), `"plain"`) || tab.Pack() {
		t.Errorf("the value built, packed again (or the value read the file again: %#v)", whole)
	}
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
