package schema

import (
	"bytes"
	"path/filepath"
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
