package schema

import (
	"crypto/sha256"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/internal/addrs"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// tableScope loads main.hcl (with the files) and gives a scope over it.
func tableScope(t *testing.T, files map[string]string, vars map[string]cty.Value) (*Scope, *Config) {
	t.Helper()
	c, diags := Load(writeDir(t, files))
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	return &Scope{Config: c, Vars: vars, Data: &fakeData{}}, c
}

// checkTableIsHCL checks that the local x is read as a table whose value,
// keys, rows and fields are what HCL's evaluation gives.
func checkTableIsHCL(t *testing.T, s *Scope, c *Config) {
	t.Helper()
	expr := c.Locals["x"].Expr
	want, diags := s.EvalExpr(expr, cty.DynamicPseudoType, Repetition{})
	if len(diags) > 0 {
		t.Fatalf("HCL: %s", diagsText(diags))
	}
	tab, ok := s.CSVTableLocal(expr)
	if !ok {
		t.Fatalf("not read as a table; HCL gives %#v", want)
	}
	if got := tab.Value(); !got.RawEquals(want) {
		t.Fatalf("table's value:\n%#v\nHCL's:\n%#v", got, want)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range want.Type().AttributeTypes() {
			if !yield(n) {
				return
			}
		}
	})
	if tab.Len() != len(names) {
		t.Fatalf("%d keys, HCL %d", tab.Len(), len(names))
	}
	for i, name := range names {
		if tab.Key(i) != name {
			t.Fatalf("key %d is %q, HCL's %q", i, tab.Key(i), name)
		}
		row, wantRow := tab.Row(i), want.GetAttr(name)
		if !row.IsRow() || !row.Value().RawEquals(wantRow) {
			t.Fatalf("row %q: %#v, HCL's %#v", name, row.Value(), wantRow)
		}
		rep := RowRepetition(row)
		if !rep.Each().RawEquals(wantRow) {
			t.Fatalf("each.value of %q: %#v", name, rep.Each())
		}
		if !wantRow.Type().IsObjectType() {
			if _, ok := row.Attr("x"); ok {
				t.Fatalf("a string row has an attribute")
			}
			continue
		}
		for col := range wantRow.Type().AttributeTypes() {
			if v, ok := row.Attr(col); !ok || !v.RawEquals(wantRow.GetAttr(col)) {
				t.Fatalf("row %q's %s: %#v, HCL's %#v", name, col, v, wantRow.GetAttr(col))
			}
		}
		if _, ok := row.Attr("no_such_column"); ok {
			t.Fatalf("row %q has an attribute no_such_column", name)
		}
	}
}

// randomCSV writes a CSV of rows with unique keys in column username,
// with quoted fields (commas, quotes, line breaks), empty fields, blank
// lines, CRLF, a byte-order mark, text needing NFC normalisation.
func randomCSV(rng *rand.Rand, rows int) string {
	pick := []string{
		"ani", "", " spaced ", "Lestari, Ani", `say "hi"`, "two\nlines", "e\u0301cole", "\u00e9cole",
		"日本", "x\r\ny", "6281234", "a\u0308b",
	}
	// Half the texts are plain (no quote, no carriage return, as a
	// batch's export is) but for a few late rows, if any.
	plain := rng.Intn(2) == 0
	plainFrom := rows - rng.Intn(3)
	quote := func(s string) string {
		if strings.ContainsAny(s, ",\"\r\n") || rng.Intn(5) == 0 {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	nl := "\n"
	if !plain && rng.Intn(3) == 0 {
		nl = "\r\n"
	}
	var b strings.Builder
	if rng.Intn(3) == 0 {
		b.WriteString(utf8BOM)
	}
	b.WriteString("username,first_name,email,note" + nl)
	for r, i := range rng.Perm(rows) {
		key := fmt.Sprintf("u%d", i)
		if rng.Intn(4) == 0 {
			key = fmt.Sprintf("Jose\u0301-%d", i) // decomposed: NFC composes it
		}
		fields := []string{key, pick[rng.Intn(len(pick))], pick[rng.Intn(len(pick))], pick[rng.Intn(len(pick))]}
		for j, f := range fields {
			if j > 0 {
				b.WriteString(",")
			}
			if plain && r < plainFrom {
				b.WriteString(strings.NewReplacer(",", ";", "\"", "'", "\r", " ", "\n", " ").Replace(f))
			} else {
				b.WriteString(quote(f))
			}
		}
		b.WriteString(nl)
		if rng.Intn(6) == 0 {
			b.WriteString(nl) // a blank line, which csv skips
		}
	}
	if rng.Intn(4) == 0 {
		return strings.TrimRight(b.String(), "\r\n") // no line break at the end
	}
	return b.String()
}

// TestCSVTableIsHCL: for random CSVs and each shape the table takes, the
// table's value, keys in order, rows and fields are exactly HCL's.
func TestCSVTableIsHCL(t *testing.T) {
	shapes := []string{
		`{ for row in csvdecode(file("people.csv")) : row.username => row }`,
		`{ for i, r in csvdecode(file(var.csv)) : r.username => r }`,
		`{ for row in csvdecode(file("people.csv")) : row.username => row.email }`,
		`{ for row in csvdecode(file("people.csv")) : row.email => row.username }`,
	}
	rng := rand.New(rand.NewSource(20))
	for n := range 40 {
		text := randomCSV(rng, 1+rng.Intn(60))
		for i, shape := range shapes {
			if i == 3 && strings.Count(text, "\n") > 3 {
				continue // e-mails repeat: a duplicate key, see TestCSVTableDeclines
			}
			t.Run(fmt.Sprintf("%d/%d", n, i), func(t *testing.T) {
				s, c := tableScope(t, map[string]string{"people.csv": text, "main.hcl": `variable "csv" { type = string }` + "\nlocals { x = " + shape + " }"},
					map[string]cty.Value{"csv": cty.StringVal("people.csv")})
				checkTableIsHCL(t, s, c)
			})
		}
	}
	t.Run("a text not read from a file", func(t *testing.T) {
		s, c := tableScope(t, map[string]string{"main.hcl": `locals { x = { for r in csvdecode("k,v\nb,2\na,1\n") : r.k => r } }`}, nil)
		checkTableIsHCL(t, s, c)
	})
	t.Run("a column name needing NFC", func(t *testing.T) {
		// file() gives the text normalised, as cty.StringVal does: the
		// table reads é composed, as HCL does.
		s, c := tableScope(t, map[string]string{"p.csv": "k,e\u0301\nb,2\na,1\n", "main.hcl": `locals { x = { for r in csvdecode(file("p.csv")) : r.k => r } }`}, nil)
		checkTableIsHCL(t, s, c)
		tab, _ := s.CSVTableLocal(c.Locals["x"].Expr)
		if v, ok := tab.Row(0).Attr("\u00e9"); !ok || v.AsString() != "1" {
			t.Errorf("the composed column name reads %#v", v)
		}
	})
	t.Run("one column", func(t *testing.T) {
		s, c := tableScope(t, map[string]string{"p.csv": "k\nb\na\n", "main.hcl": `locals { x = { for r in csvdecode(file("p.csv")) : r.k => r } }`}, nil)
		checkTableIsHCL(t, s, c)
	})
}

// TestCSVTableDeclines: every expression the table must not take is left
// to HCL, which gives the value or the diagnostics it always gave.
func TestCSVTableDeclines(t *testing.T) {
	const good = "username,email\nani,a@x.id\nbudi,b@x.id\n"
	tests := map[string]struct {
		csv, expr string
		vars      map[string]cty.Value
	}{
		"a row with too few fields":  {"username,email\nani\nbudi,b@x.id\n", "", nil},
		"an unclosed quote":          {"username,email\nani,\"a@x.id\nbudi,b@x.id\n", "", nil},
		"no such key column":         {good, `{ for row in csvdecode(file("people.csv")) : row.nope => row }`, nil},
		"no such value column":       {good, `{ for row in csvdecode(file("people.csv")) : row.username => row.nope }`, nil},
		"a duplicate key":            {"username,email\nani,a@x.id\nani,b@x.id\n", "", nil},
		"a duplicate key after NFC":  {"username,email\n\u00e9,a@x.id\ne\u0301,b@x.id\n", "", nil},
		"a header only":              {"username,email\n", "", nil},
		"an empty text":              {"", "", nil},
		"a duplicate column":         {"username,username\nani,a\n", "", nil},
		"a condition":                {good, `{ for row in csvdecode(file("people.csv")) : row.username => row if row.email != "" }`, nil},
		"grouping":                   {good, `{ for row in csvdecode(file("people.csv")) : row.username => row... }`, nil},
		"a key by index":             {good, `{ for row in csvdecode(file("people.csv")) : row["username"] => row }`, nil},
		"a key built":                {good, `{ for row in csvdecode(file("people.csv")) : lower(row.username) => row }`, nil},
		"a value built":              {good, `{ for row in csvdecode(file("people.csv")) : row.username => upper(row.email) }`, nil},
		"a key of the index":         {good, `{ for i, row in csvdecode(file("people.csv")) : i => row }`, nil},
		"a tuple":                    {good, `[ for row in csvdecode(file("people.csv")) : row ]`, nil},
		"another function":           {good, `{ for row in jsondecode(file("people.csv")) : row.username => row }`, nil},
		"a number converted to text": {good, `{ for row in csvdecode(5) : row.username => row }`, nil},
		"a sensitive text": {good, `{ for row in csvdecode(var.text) : row.username => row }`,
			map[string]cty.Value{"text": cty.StringVal(good).Mark(Sensitive)}},
		"an unknown text": {good, `{ for row in csvdecode(var.text) : row.username => row }`,
			map[string]cty.Value{"text": cty.UnknownVal(cty.String)}},
		"a file that is not there": {good, `{ for row in csvdecode(file("nope.csv")) : row.username => row }`, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			expr := tc.expr
			if expr == "" {
				expr = `{ for row in csvdecode(file("people.csv")) : row.username => row }`
			}
			s, c := tableScope(t, map[string]string{"people.csv": tc.csv, "main.hcl": "variable \"text\" {}\nlocals { x = " + expr + " }"}, tc.vars)
			if tab, ok := s.CSVTableLocal(c.Locals["x"].Expr); ok {
				v, diags := s.EvalExpr(c.Locals["x"].Expr, cty.DynamicPseudoType, Repetition{})
				t.Fatalf("read as a table of %d rows; HCL gives %#v, %s", tab.Len(), v, diagsText(diags))
			}
		})
	}
}

// TestTableVal: only TableOf reads the value standing for a table.
func TestTableVal(t *testing.T) {
	s, c := tableScope(t, map[string]string{"p.csv": "k,v\na,1\n", "main.hcl": `locals { x = { for r in csvdecode(file("p.csv")) : r.k => r } }`}, nil)
	tab, ok := s.CSVTableLocal(c.Locals["x"].Expr)
	if !ok {
		t.Fatal("not a table")
	}
	if got, ok := TableOf(TableVal(tab)); !ok || got != tab {
		t.Fatal("TableOf(TableVal(t)) is not t")
	}
	for _, v := range []cty.Value{cty.NilVal, cty.StringVal("x"), cty.DynamicVal, tab.Value()} {
		if _, ok := TableOf(v); ok {
			t.Errorf("TableOf(%#v) is a table", v)
		}
	}
}

// TestBodyEvaluatorTableRow: an instance whose each.value is a table's row
// evaluates, in every way a body can read each.value (a field read
// directly, in a template, by index, whole, a column that does not exist,
// an attribute of a field), to the value and diagnostics it has with the
// row's object as each.value.
func TestBodyEvaluatorTableRow(t *testing.T) {
	spec := DecoderSpec(usapiAccountSchema())
	bodies := map[string]string{
		"direct":              "username = each.value.u\nemail = each.key\nbasic_profile {\n gender = each.value.g\n}",
		"template":            "username = \"${each.value.u}-${each.value.extra}\"\nbasic_profile {\n gender = lower(each.value.g)\n}",
		"index":               "username = each.value[\"u\"]\nemail = each.value.g",
		"whole":               "username = jsonencode(each.value)\nemail = each.value.u",
		"a missing column":    "username = \"${each.value.uu}\"\nemail = each.value.g",
		"a missing direct":    "username = each.value.uu",
		"a field's attribute": "username = \"${each.value.u.x}\"",
		"keys":                "username = join(\",\", keys(each.value))",
		"a dynamic block":     "username = each.value.u\ndynamic \"basic_profile\" {\n for_each = [each.value.extra]\n content {\n  gender = \"${each.value.g}${basic_profile.value}\"\n }\n}",
	}
	text := "u,g,extra\nani,Perempuan,1\nbudi,\"Laki-Laki\",\"a,b\"\n"
	for bname, body := range bodies {
		c := loadSrc(t, "resource \"usapi_account\" \"a\" {\n for_each = {}\n"+body+"\n}\n")
		r := c.Resources[addrs.Resource{Mode: addrs.Managed, Type: "usapi_account", Name: "a"}]
		tab, ok := parseCSVTable(text, "u", "")
		if !ok {
			t.Fatal("not a table")
		}
		s := &Scope{Config: c}
		e := s.BodyEvaluator(r.Config, spec)
		for i := range tab.Len() {
			row := tab.Row(i)
			asRow := RowRepetition(row)
			asValue := EachRepetition(cty.StringVal(tab.Key(i)), row.Value(), nil)
			got, gotDiags := e.Eval(asRow)
			want, wantDiags := e.Eval(asValue)
			if diagDetails(gotDiags) != diagDetails(wantDiags) {
				t.Errorf("%s, %s: diagnostics\n%s\nwant\n%s", bname, tab.Key(i), diagDetails(gotDiags), diagDetails(wantDiags))
				continue
			}
			if !got.RawEquals(want) {
				t.Errorf("%s, %s: %#v, want %#v", bname, tab.Key(i), got, want)
			}
			f, fDiags, ok := e.EvalFields(asRow)
			if !ok {
				continue
			}
			if diagDetails(fDiags) != diagDetails(wantDiags) || (!wantDiags.HasErrors() && !f.Object().RawEquals(want)) {
				t.Errorf("%s, %s: EvalFields %#v, %s", bname, tab.Key(i), f.Object(), diagDetails(fDiags))
			}
		}
	}
}

func diagDetails(diags hcl.Diagnostics) string {
	var lines []string
	for _, d := range diags {
		lines = append(lines, d.Summary+": "+d.Detail)
	}
	return strings.Join(lines, "\n")
}

// TestDigestOfTheSameText: the digest remembered for the last text is
// given only for that very string; any other (a copy, a part of it, an
// empty one) is digested.
func TestDigestOfTheSameText(t *testing.T) {
	s := newFileSources()
	text := strings.Repeat("username,email\nani,a@x.id\n", 3)
	other := strings.Clone(strings.Replace(text, "ani", "abi", 1))
	for i, v := range []string{text, text, text[:len(text)-1], text, strings.Clone(text), other, "", "", text[1:], other, text} {
		if got := s.digest(v); got != sha256.Sum256([]byte(v)) {
			t.Fatalf("digest %d of %q is not its SHA-256", i, v)
		}
	}
}

// TestCSVTableFieldsWhereTheyLie: a plain line's fields are read from the
// text itself, and only the rows the CSV reader read, or with a field NFC
// changes, are kept apart, each field read back whole from wherever it
// lies (an empty one, a last one, one with a comma).
func TestCSVTableFieldsWhereTheyLie(t *testing.T) {
	text := "u,a,b\n" +
		"x1,plain,e\u0301\n" + // a plain line with a field NFC composes
		"\n" + // skipped, as Go's reader skips it
		"x0,,last\n" +
		"x2,\"quo,ted\",tail\n" + // from here on, the reader's fields
		"x3,after,\u00e9\n"
	tab, ok := parseCSVTable(text, "u", "")
	if !ok {
		t.Fatal("declined")
	}
	want := map[string][]string{
		"x0": {"x0", "", "last"},
		"x1": {"x1", "plain", "\u00e9"},
		"x2": {"x2", "quo,ted", "tail"},
		"x3": {"x3", "after", "\u00e9"},
	}
	if tab.Len() != len(want) {
		t.Fatalf("%d rows, want %d", tab.Len(), len(want))
	}
	for i := range tab.Len() {
		k := tab.Key(i)
		if k != fmt.Sprintf("x%d", i) {
			t.Fatalf("key %d is %q", i, k)
		}
		for col, name := range []string{"u", "a", "b"} {
			if v, ok := tab.Row(i).Attr(name); !ok || v.AsString() != want[k][col] {
				t.Errorf("row %s column %s: %#v, want %q", k, name, v, want[k][col])
			}
		}
	}
	// Apart: x1's row (its é composed), and x2's and x3's, each whole,
	// their fields a byte apart.
	if wantExtra := "x1,plain,\u00e9" + "x2,quo,ted,tail" + "x3,after,\u00e9"; tab.at().extra != wantExtra {
		t.Errorf("fields kept apart: %q, want %q", tab.at().extra, wantExtra)
	}
}
