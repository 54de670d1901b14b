package schema

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
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
