package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// conformanceCase is one line of testdata/conformance.txt: an expression,
// the JSON value daftar output -json must give for it, and optionally its
// JSON type.
type conformanceCase struct {
	line             int
	expr, value, typ string
}

// TestConformance evaluates every expression of testdata/conformance.txt
// as an output of one configuration, applies it through the CLI (no
// request: there is no resource) and compares output -json with the
// expected values, drawn from the functions' documented examples
// (Terraform's and OpenTofu's documentation) and the cases where daftar
// once differed. A change that breaks one names its line.
func TestConformance(t *testing.T) {
	cases := readConformance(t, testdata("conformance.txt"))
	dir := t.TempDir()
	var cfg strings.Builder
	for i, c := range cases {
		fmt.Fprintf(&cfg, "output \"c%03d\" {\n  value = %s\n}\n\n", i, c.expr)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "greeting.tmpl"), []byte("Hello, ${name}!%{ for n in numbers } ${n}%{ endfor }"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, 0, dir, "apply", "-auto-approve")
	out := must(t, 0, dir, "output", "-json")
	var got map[string]struct {
		Value     json.RawMessage `json:"value"`
		Type      json.RawMessage `json:"type"`
		Sensitive bool            `json:"sensitive"`
	}
	if err := json.Unmarshal([]byte(out.stdout), &got); err != nil {
		t.Fatalf("output -json is not JSON: %v\n%s", err, out.stdout)
	}
	for i, c := range cases {
		o, ok := got[fmt.Sprintf("c%03d", i)]
		switch {
		case !ok:
			t.Errorf("conformance.txt:%d: %s: no output", c.line, c.expr)
		case !jsonEqual(o.Value, c.value):
			t.Errorf("conformance.txt:%d: %s\n  got  %s\n  want %s", c.line, c.expr, o.Value, c.value)
		case c.typ != "" && !jsonEqual(o.Type, c.typ):
			t.Errorf("conformance.txt:%d: %s: type\n  got  %s\n  want %s", c.line, c.expr, o.Type, c.typ)
		}
	}
}

// TestConformanceErrors checks expressions that must fail, each in its own
// configuration: the error names the output's line and says why, and
// never shows a sensitive argument (var.secret, set from the environment).
func TestConformanceErrors(t *testing.T) {
	tests := map[string]struct{ expr, want, secret string }{
		"sum of nothing":     {`sum([])`, "the list is empty", ""},
		"lookup no default":  {`lookup(tomap({ a = "x" }), "b")`, `no element with the key "b"`, ""},
		"tonumber secret":    {`tonumber(var.secret)`, "cannot convert this sensitive string to number", "hunter2"},
		"file secret":        {`file(var.secret)`, "the details are hidden", "hunter2"},
		"lookup secret":      {`lookup(tomap({ a = 1 }), var.secret)`, "(sensitive value)", "hunter2"},
		"missing file":       {`file("people.csv")`, `no file named "people.csv"`, ""},
		"unmarked sensitive": {`"x-${var.secret}"`, "Output refers to sensitive values", "hunter2"},
		"template variable":  {`templatestring("$${who}", {})`, `vars has no "who"`, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := "output \"o\" {\n  value = " + tc.expr + "\n}\n\nvariable \"secret\" {\n  sensitive = true\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			r := daftarEnv(t, dir, []string{"DAFTAR_VAR_secret=hunter2"}, "plan")
			if r.code != 1 {
				t.Fatalf("want exit 1, got\n%s", r)
			}
			contains(t, r, tc.want, "main.hcl:2")
			if tc.secret != "" && strings.Contains(r.stdout+r.stderr, tc.secret) {
				t.Errorf("the sensitive argument was printed:\n%s", r)
			}
		})
	}
}

// readConformance reads the table: EXPRESSION => VALUE [:: TYPE], one per
// line; # starts a comment line.
func readConformance(t *testing.T, path string) []conformanceCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []conformanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		expr, rest, ok := strings.Cut(line, " => ")
		if !ok {
			t.Fatalf("%s:%d: want EXPRESSION => VALUE [:: TYPE]", path, n)
		}
		value, typ, _ := strings.Cut(rest, " :: ")
		if !json.Valid([]byte(value)) || (typ != "" && !json.Valid([]byte(typ))) {
			t.Fatalf("%s:%d: the value or the type is not JSON", path, n)
		}
		cases = append(cases, conformanceCase{line: n, expr: expr, value: value, typ: typ})
	}
	return cases
}

func jsonEqual(a json.RawMessage, b string) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
