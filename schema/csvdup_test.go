package schema

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// A for expression over a CSV file's rows that gives two rows one key
// names the CSV lines of every row with that key, whatever the key
// expression; a duplicate key that no CSV row gives is HCL's alone.
func TestDuplicateKeyNamesCSVRows(t *testing.T) {
	csv := "username,email\nani,ani@x.id\nbudi,BUDI@x.id\nani,ani2@x.id\ncici,budi@X.id\ndewi,dewi@x.id\nbudi,budi@x.id\n"
	tests := map[string]struct {
		local, want string
	}{
		"two rows": {
			`{ for row in csvdecode(file("people.csv")) : row.username => row }`,
			"The rows that give this key are on lines 2 and 4 of ",
		},
		"three rows, a computed key": {
			`{ for row in csvdecode(file("people.csv")) : lower(row.email) => row.username }`,
			"The rows that give this key are on lines 3, 5 and 7 of ",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, text, err := evalLocal(t, map[string]string{"people.csv": csv, "main.hcl": "locals { x = " + tc.local + " }"})
			if err == nil || !strings.Contains(text, "Duplicate object key") || !strings.Contains(strings.Join(strings.Fields(text), " "), tc.want) ||
				!strings.Contains(text, "people.csv: give each row a key of its own.") {
				t.Errorf("want %q in:\n%s", tc.want, text)
			}
		})
	}
	_, _, text, err := evalLocal(t, map[string]string{"main.hcl": `locals { x = { for s in ["a", "b", "a"] : s => s } }`})
	if err == nil || !strings.Contains(text, "Duplicate object key") || strings.Contains(text, "rows that give") {
		t.Errorf("a list that is no CSV:\n%s", text)
	}
}

func TestListLines(t *testing.T) {
	tests := map[string][]int{
		"2":                        {2},
		"2 and 7":                  {2, 7},
		"2, 5 and 7":               {2, 5, 7},
		"1, 2, 3, 4, 5 and 7 more": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		"1, 2, 3, 4 and 5":         {1, 2, 3, 4, 5},
	}
	for want, lines := range tests {
		if got := listLines(lines); got != want {
			t.Errorf("listLines(%v) = %q, want %q", lines, got, want)
		}
	}
}

// The table's diagnostics for rows that repeat a key print exactly as
// HCL's evaluation of the same for expression does, CSV lines included:
// two rows, three, a key equal only once normalised (NFC), a row the CSV
// reader reads (quoted), and an index variable.
func TestCSVTableDuplicatesAreHCLs(t *testing.T) {
	tests := map[string]struct{ csv, expr string }{
		"two rows":                         {"username,email\nani,a@x.id\nbudi,b@x.id\nani,c@x.id\n", `{ for row in csvdecode(file("people.csv")) : row.username => row }`},
		"three rows":                       {"username,email\nani,a@x.id\nani,b@x.id\ncici,c@x.id\nani,d@x.id\ncici,e@x.id\n", `{ for row in csvdecode(file("people.csv")) : row.username => row.email }`},
		"keys repeated out of their order": {"username,email\nbudi,a@x.id\nani,b@x.id\nbudi,c@x.id\nani,d@x.id\n", `{ for row in csvdecode(file("people.csv")) : row.username => row }`},
		"after NFC":                        {"username,email\n\u00e9,a@x.id\ne\u0301,b@x.id\n", `{ for row in csvdecode(file("people.csv")) : row.username => row }`},
		"a quoted row":                     {"username,email\nani,a@x.id\n\"ani\",\"b@x.id\"\n", `{ for row in csvdecode(file("people.csv")) : row.username => row }`},
		"an index named":                   {"username,email\nani,a@x.id\nani,b@x.id\n", `{ for i, row in csvdecode(file("people.csv")) : row.username => row }`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, c := tableScope(t, map[string]string{"people.csv": tc.csv, "main.hcl": "locals { x = " + tc.expr + " }"}, nil)
			expr := c.Locals["x"].Expr
			tab, diags, ok := s.EvalCSVTableLocal(expr)
			if !ok || tab != nil || !diags.HasErrors() {
				t.Fatalf("table %v, ok %v, diagnostics %s", tab, ok, diagsText(diags))
			}
			_, want := s.EvalExpr(expr, cty.DynamicPseudoType, Repetition{})
			var got, hcl bytes.Buffer
			if err := c.WriteDiagnostics(&got, diags, false, 0); err != nil {
				t.Fatal(err)
			}
			if err := c.WriteDiagnostics(&hcl, want, false, 0); err != nil {
				t.Fatal(err)
			}
			// A CSV whose text NFC changes is not found as a file's text
			// (file's digest is of the bytes read), by HCL's evaluation
			// either: no lines there.
			lines := name == "after NFC" || strings.Contains(got.String(), "The rows that give this key are on lines")
			if got.String() != hcl.String() || !strings.Contains(got.String(), "with row.username as") || !lines {
				t.Errorf("table:\n%s\nHCL:\n%s", got.String(), hcl.String())
			}
		})
	}
}
