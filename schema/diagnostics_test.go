package schema

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestDiagnosticsGolden loads each configuration under testdata/diagnostics,
// checks its references and resolves its variables with the flags of its
// args.txt, and compares the printed diagnostics with expected.txt.
func TestDiagnosticsGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/diagnostics/*")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no golden cases", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, diags := Load(dir)
			diags = append(diags, staticReferences(c)...)
			if !diags.HasErrors() || fileExists(filepath.Join(dir, "args.txt")) {
				_, more := c.ResolveVariables(readArgs(t, dir), nil)
				diags = append(diags, more...)
			}
			var got bytes.Buffer
			if err := c.WriteDiagnostics(&got, diags, false, 78); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(dir, "expected.txt"), got.Bytes())
		})
	}
}

// staticReferences checks the references of locals, outputs and the
// meta-arguments, as validate does before any provider schema is known.
func staticReferences(c *Config) hcl.Diagnostics {
	var exprs []hcl.Expression
	for _, name := range sortedNames(c.Locals) {
		exprs = append(exprs, c.Locals[name].Expr)
	}
	for _, r := range c.Resources {
		exprs = append(exprs, r.Count, r.ForEach)
	}
	for _, name := range sortedNames(c.Outputs) {
		exprs = append(exprs, c.Outputs[name].Expr)
	}
	var refs []*Reference
	var diags hcl.Diagnostics
	for _, e := range exprs {
		r, more := ReferencesInExpr(e)
		refs = append(refs, r...)
		diags = append(diags, more...)
	}
	refs, diags = sortRefs(refs), append(diags, c.CheckReferences(sortRefs(refs))...)
	return append(diags, outputRepetition(c)...)
}

// outputRepetition reports count and each in outputs, where neither exists.
func outputRepetition(c *Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedNames(c.Outputs) {
		s := &Scope{Config: c}
		refs, _ := ReferencesInExpr(c.Outputs[name].Expr)
		for _, ref := range refs {
			if ref.Kind == RefCount || ref.Kind == RefEach {
				diags = append(diags, s.add(newContextBuilder(), ref, Repetition{}))
			}
		}
	}
	return diags
}

func sortRefs(refs []*Reference) []*Reference {
	out := append([]*Reference(nil), refs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && rangeLess(out[j].Range, out[j-1].Range); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// readArgs reads args.txt: one "var NAME=VALUE" or "var-file PATH" a line.
func readArgs(t *testing.T, dir string) []VarArg {
	f, err := os.Open(filepath.Join(dir, "args.txt"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var args []VarArg
	for s := bufio.NewScanner(f); s.Scan(); {
		flag, value, _ := strings.Cut(s.Text(), " ")
		args = append(args, VarArg{Flag: flag, Value: value})
	}
	return args
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// compareGolden compares got with the golden file, or rewrites it with
// -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s (run go test ./schema -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("diagnostics differ from %s (go test ./schema -update rewrites it):\n%s", path, UnifiedDiff(path, string(want), string(got)))
	}
}

// TestWindowedDiagnosticsAreHCLs prints diagnostics about lines of a large
// file that is not configuration, which WriteDiagnostics prints from a
// window of the file, and compares them with HCL's printer given the whole
// file: the same bytes, with and without color, for lines at the start,
// the middle and the end, ranges over several lines, empty ranges, and
// files with "\r\n" line breaks and a "\r" of its own on a line.
func TestWindowedDiagnosticsAreHCLs(t *testing.T) {
	for _, brk := range []string{"\n", "\r\n", "\n\r\n"} {
		var b strings.Builder
		b.WriteString("username,email\n")
		for i := 0; b.Len() < minWindowed+1000; i++ {
			fmt.Fprintf(&b, "p%05d,p%05d@example.id%s", i, i, brk)
		}
		b.WriteString("last,row") // no final line break
		src := []byte(b.String())
		lines := lineStarts(src)
		rows := len(lines) - 1
		at := func(line, col, width int) hcl.Range {
			start := hcl.Pos{Line: line, Column: col, Byte: lines[line-1] + col - 1}
			end := hcl.Pos{Line: line, Column: col + width, Byte: start.Byte + width}
			return hcl.Range{Filename: "people.csv", Start: start, End: end}
		}
		var diags hcl.Diagnostics
		for _, line := range []int{1, 2, rows / 2, rows - 1, rows} {
			for _, width := range []int{0, 5} {
				r := at(line, 1, width)
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid CSV row", Detail: "Row " + strconv.Itoa(line) + ".", Subject: &r})
			}
		}
		over := at(rows/2, 3, 2)
		ctx := hcl.RangeBetween(at(rows/2-2, 1, 1), at(rows/2+1, 2, 1))
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Over lines", Detail: "Context.", Subject: &over, Context: &ctx})

		c := &Config{parser: hclparse.NewParser()}
		c.AddSource("people.csv", src)
		for _, color := range []bool{false, true} {
			var got bytes.Buffer
			if err := c.WriteDiagnostics(&got, diags, color, 78); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			whole := map[string]*hcl.File{"people.csv": {Bytes: src, Body: hcl.EmptyBody()}}
			for _, d := range diags {
				var one bytes.Buffer
				tw := hcl.NewDiagnosticTextWriter(&one, whole, 78, color)
				if err := tw.WriteDiagnostic(d); err != nil {
					t.Fatal(err)
				}
				want.Write(withColumn(one.Bytes(), d))
			}
			if got.String() != want.String() {
				t.Errorf("line break %q, color %v: windowed diagnostics differ from HCL's:\n%s", brk, color, lineDiff(want.String(), got.String()))
			}
			if brk != "\n\r\n" && !strings.Contains(got.String(), fmt.Sprintf("%4d: ", rows/2)) {
				t.Errorf("line break %q: no snippet line %d in:\n%s", brk, rows/2, got.String())
			}
		}
	}
}

// lineDiff shows the first line where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w[i], g[i])
		}
	}
	return fmt.Sprintf("want %d lines, got %d", len(w), len(g))
}
