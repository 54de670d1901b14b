package schema

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// evalLocal loads a configuration with files and evaluates local.x.
func evalLocal(t *testing.T, files map[string]string) (*Config, cty.Value, string, error) {
	t.Helper()
	dir := writeDir(t, files)
	c, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	s := &Scope{Config: c, Data: &fakeData{}}
	v, diags := s.EvalExpr(c.Locals["x"].Expr, cty.DynamicPseudoType, Repetition{})
	var buf bytes.Buffer
	if err := c.WriteDiagnostics(&buf, diags, false, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(buf.String())
		}
	})
	if diags.HasErrors() {
		return c, v, buf.String(), diags
	}
	return c, v, buf.String(), nil
}

func TestCSVDecodeDiagnosesEveryBadRow(t *testing.T) {
	csv := "username,email\nani,ani@x.id\nbudi\ncici,cici@x.id\ndewi,dewi@x.id,extra\n"
	dir := writeDir(t, map[string]string{"people.csv": csv, "main.hcl": `locals { x = csvdecode(file("people.csv")) }`})
	c, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	_, diags = (&Scope{Config: c, Data: &fakeData{}}).EvalExpr(c.Locals["x"].Expr, cty.DynamicPseudoType, Repetition{})
	wantDiags(t, diags, "line 3 of", "line 5 of")
	path := displayPath(filepath.Join(dir, "people.csv"))
	for i, line := range []int{3, 5} {
		d := diags[i]
		if d.Subject == nil || d.Subject.Filename != path || d.Subject.Start.Line != line || d.Subject.Start.Column < 1 {
			t.Errorf("diagnostic %d at %v, want %s line %d", i, d.Subject, path, line)
		}
		if !strings.Contains(d.Detail, "read by csvdecode at ") {
			t.Errorf("diagnostic %d does not say where the CSV was read: %s", i, d.Detail)
		}
	}
	var out bytes.Buffer
	if err := c.WriteDiagnostics(&out, diags, false, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3: budi") || !strings.Contains(out.String(), "5: dewi,dewi@x.id,extra") {
		t.Errorf("the CSV lines are not shown:\n%s", out.String())
	}
}

func TestCSVDecodeErrors(t *testing.T) {
	tests := map[string]struct {
		files map[string]string
		want  []string
	}{
		"quoting stops at the first": {
			map[string]string{"p.csv": "a,b\n1,\"2\n3,4\n", "main.hcl": `locals { x = csvdecode(file("p.csv")) }`},
			[]string{`The row starting at line 2 of`, "2: 1,\"2"}},
		"a quote left open on the last line": {
			map[string]string{"p.csv": "a,b\n1,2\n\"3,4\n", "main.hcl": `locals { x = csvdecode(file("p.csv")) }`},
			[]string{"Line 3 of", "3: \"3,4"}},
		"a text not read from a file": {
			map[string]string{"main.hcl": `locals { x = csvdecode("a,b\n1\n2,3\n4\n") }`},
			[]string{"Row at line 2 of the CSV text", "Row at line 4 of the CSV text"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, text, err := evalLocal(t, tc.files)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.ReplaceAll(text, "\n", " "), w) {
					t.Errorf("the diagnostics lack %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestCSVRowOrigin(t *testing.T) {
	csv := "username,email\nani,ani@x.id\n\"budi\",budi@x.id\ncici,cici@x.id\n"
	c, v, _, err := evalLocal(t, map[string]string{"people.csv": csv, "main.hcl": `locals { x = { for r in csvdecode(file("people.csv")) : r.username => r } }`})
	if err != nil {
		t.Fatal(err)
	}
	path, line, ok := c.CSVRowOrigin("", v.GetAttr("budi"))
	if !ok || line != 3 || filepath.Base(path) != "people.csv" {
		t.Fatalf("origin of budi: %q line %d %v", path, line, ok)
	}
	other := cty.ObjectVal(map[string]cty.Value{"username": cty.StringVal("zed"), "email": cty.StringVal("z@x.id")})
	if _, _, ok := c.CSVRowOrigin("", other); ok {
		t.Fatal("a row not in the file has an origin")
	}
	if _, _, ok := c.CSVRowOrigin("", cty.StringVal("ani")); ok {
		t.Fatal("a string has an origin")
	}
	// Forgotten, the text is held no more, and no row has an origin.
	c.ForgetDecodedCSV("")
	if _, _, ok := c.CSVRowOrigin("", v.GetAttr("budi")); ok {
		t.Fatal("a row of a forgotten text has an origin")
	}
}

// TestCSVDecodeReadsAByteOrderMark checks that a CSV saved with a UTF-8
// byte-order mark (Excel's "CSV UTF-8", and daftar's own report -format=csv)
// reads with its first column named as written, and that its rows still
// have their line. Found in review: the header's first name became
// "\ufeffusername", and a configuration keyed by row.username failed with
// `This object does not have an attribute named "username"`.
func TestCSVDecodeReadsAByteOrderMark(t *testing.T) {
	csv := "\ufeffusername,email\nani,ani@x.id\nbudi,budi@x.id\n"
	c, v, _, err := evalLocal(t, map[string]string{"people.csv": csv, "main.hcl": `locals { x = { for r in csvdecode(file("people.csv")) : r.username => r } }`})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Type().HasAttribute("budi") {
		t.Fatalf("rows keyed by username: %#v", v)
	}
	if _, line, ok := c.CSVRowOrigin("", v.GetAttr("budi")); !ok || line != 3 {
		t.Fatalf("origin of budi: line %d %v", line, ok)
	}
	_, v, _, err = evalLocal(t, map[string]string{"main.hcl": `locals { x = csvdecode("\ufeffa,b\n1,2\n") }`})
	if err != nil || !v.Index(cty.NumberIntVal(0)).Type().HasAttribute("a") {
		t.Fatalf("a literal text with a byte-order mark: %#v %v", v, err)
	}
}

// TestCSVRowOriginFindsEveryRow gives the line of every row of a text of
// several packed blocks, whose index is built after the pack (the first
// error of an apply's walk comes once the walk packed the CSV): rows of
// several lines, quoted, some across a block's end, the byte-order mark;
// and of the same text held whole, with a row repeated (its first line).
// Each line is counted as the text is written. It fails if a row is given
// another's line, or a row read from a block's start or across blocks is
// not found.
func TestCSVRowOriginFindsEveryRow(t *testing.T) {
	var text strings.Builder
	var lines []int
	starts := map[uint32]bool{} // each row's offset, in the text without its mark
	text.WriteString("\ufeffu,a,b\n")
	line := 2
	for i := range 9000 {
		lines = append(lines, line)
		starts[uint32(text.Len()-len("\ufeff"))] = true
		switch i % 7 {
		case 3:
			fmt.Fprintf(&text, "k%05d,\"two\nlines %d\",%s\n", i, i, strings.Repeat("w", i%50))
			line += 2
		case 5:
			fmt.Fprintf(&text, "k%05d,\"quo,\"\"ted\"\"\",\"%slines\"\n", i, strings.Repeat("x\n", 8))
			line += 9
		default:
			fmt.Fprintf(&text, "k%05d,%s,%d\n", i, strings.Repeat("v", i%40), i)
			line++
		}
	}
	main := `locals { x = { for r in csvdecode(file("people.csv")) : r.u => r } }`
	t.Run("packed", func(t *testing.T) {
		s, c := tableScope(t, map[string]string{"people.csv": text.String(), "main.hcl": main}, nil)
		tab, ok := s.CSVTableLocal(c.Locals["x"].Expr)
		if !ok || tab.Len() != len(lines) {
			t.Fatal("not read as a table of every row")
		}
		if !s.PackCSVTable(tab) || len(tab.at().blocks.z) < 4 {
			t.Fatal("not packed in several blocks")
		}
		bounds := tab.at().blocks.bounds
		if !slices.ContainsFunc(bounds[1:len(bounds)-1], func(b uint32) bool { return !starts[b] }) {
			t.Fatal("no row across a block's end: the test reads none")
		}
		for i := range tab.Len() {
			if _, got, ok := c.CSVRowOrigin("", tab.Row(i).Value()); !ok || got != lines[i] {
				t.Fatalf("row %d: line %d %v, want %d", i, got, ok, lines[i])
			}
		}
	})
	t.Run("held, a row repeated", func(t *testing.T) {
		again := "k00003,\"two\nlines 3\",www\n"
		c, v, _, err := evalLocal(t, map[string]string{"people.csv": text.String() + again, "main.hcl": `locals { x = csvdecode(file("people.csv")) }`})
		if err != nil {
			t.Fatal(err)
		}
		for i := range v.LengthInt() {
			want := line // the repeated row's, past the last
			if i < len(lines) {
				want = lines[i]
			}
			if i == len(lines) {
				want = lines[3]
			}
			if _, got, ok := c.CSVRowOrigin("", v.Index(cty.NumberIntVal(int64(i)))); !ok || got != want {
				t.Fatalf("row %d: line %d %v, want %d", i, got, ok, want)
			}
		}
	})
}

// TestCSVRowOriginReadsTheRowAgain: a row whose digest every row of the
// index shares (what a collision of digests would give) is still given
// its own line, read again from the text, and a row that is not in the
// text none.
func TestCSVRowOriginReadsTheRowAgain(t *testing.T) {
	rows := &csvRows{path: "people.csv", text: "u,a\nx,1\ny,\"2\n2\"\nz,3\n"}
	rows.once.Do(rows.index)
	want := map[string]int{"x": 2, "y": 3, "z": 5}
	for u, line := range want {
		a := map[string]string{"x": "1", "y": "2\n2", "z": "3"}[u]
		row := cty.ObjectVal(map[string]cty.Value{"u": cty.StringVal(u), "a": cty.StringVal(a)})
		h := rows.digest([]string{u, a})
		for i := range rows.rows {
			rows.rows[i].h = h
		}
		if got, ok := rows.lineOf(row); !ok || got != line {
			t.Errorf("row %s: line %d %v, want %d", u, got, ok, line)
		}
		other := cty.ObjectVal(map[string]cty.Value{"u": cty.StringVal(u), "a": cty.StringVal("other")})
		for i := range rows.rows {
			rows.rows[i].h = rows.digest([]string{u, "other"})
		}
		if got, ok := rows.lineOf(other); ok {
			t.Errorf("a row not in the text given line %d", got)
		}
	}
}
