package schema

import (
	"strings"
	"testing"
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
