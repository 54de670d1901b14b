package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/daftar-dev/daftar"

// TestArchitectureMap checks docs/architecture.md's import block against
// the real import graph (go list, non-test imports within the module):
// every package is listed once, with exactly the packages it imports. The
// map is the one a newcomer reads first, so it must not drift.
func TestArchitectureMap(t *testing.T) {
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, err := parseImportBlock(doc)
	if err != nil {
		t.Fatalf("docs/architecture.md: %v", err)
	}
	real := realImports(t)
	var problems []string
	for pkg, deps := range real {
		d, ok := documented[pkg]
		if !ok {
			problems = append(problems, "package "+pkg+" is missing: add its line (and a sentence on what it owns)")
			continue
		}
		for _, dep := range deps {
			if !slices.Contains(d, dep) {
				problems = append(problems, "arrow "+pkg+" -> "+dep+" is missing")
			}
		}
		for _, dep := range d {
			if !slices.Contains(deps, dep) {
				problems = append(problems, "arrow "+pkg+" -> "+dep+" is listed, but "+pkg+" does not import "+dep)
			}
		}
	}
	for pkg := range documented {
		if _, ok := real[pkg]; !ok {
			problems = append(problems, "package "+pkg+" is listed but does not exist")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("docs/architecture.md's import block (```imports) differs from the code:\n  %s\n\n"+
			"Fix the doc, not this test: the block lists each package once as \"PKG -> DEP DEP ...\" (a package that imports "+
			"no other of the module stands alone). Its lines as the code is now:\n\n%s",
			strings.Join(problems, "\n  "), formatImports(real))
	}
}

// parseImportBlock reads the fenced block opened by ```imports.
func parseImportBlock(doc []byte) (map[string][]string, error) {
	out := map[string][]string{}
	in, found := false, false
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case !in && line == "```imports":
			in, found = true, true
			continue
		case in && line == "```":
			in = false
			continue
		case !in || line == "":
			continue
		}
		pkg, deps, _ := strings.Cut(line, "->")
		pkg = strings.TrimSpace(pkg)
		if _, dup := out[pkg]; dup {
			return nil, &docError{"package " + pkg + " is listed twice in the import block"}
		}
		out[pkg] = strings.Fields(deps)
	}
	if !found {
		return nil, &docError{"no ```imports block"}
	}
	if in {
		return nil, &docError{"the ```imports block is not closed by a ``` line"}
	}
	return out, nil
}

type docError struct{ msg string }

func (e *docError) Error() string { return e.msg }

// realImports lists each package of the module (main for the module's
// root) with the module's packages it imports, test files left out.
func realImports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var deps []string
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module+"/") {
				deps = append(deps, short(d))
			}
		}
		graph[short(f[0])] = deps
	}
	return graph
}

func short(pkg string) string {
	if pkg == module {
		return "main"
	}
	return strings.TrimPrefix(pkg, module+"/")
}

func formatImports(graph map[string][]string) string {
	var names []string
	for p := range graph {
		names = append(names, p)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("```imports\n")
	for _, p := range names {
		b.WriteString(p)
		if deps := graph[p]; len(deps) > 0 {
			b.WriteString(" -> " + strings.Join(deps, " "))
		}
		b.WriteByte('\n')
	}
	b.WriteString("```\n")
	return b.String()
}
