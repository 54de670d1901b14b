package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fmt takes Terraform's flags: -recursive formats the modules' folders too
// (never a hidden one such as .daftar), a folder named is formatted whole,
// -write=false lists without writing, -list=false writes without listing.
func TestFmtRecursive(t *testing.T) {
	dir := t.TempDir()
	const ugly, pretty = "locals {\n  a  =  1\n}\n", "locals {\n  a = 1\n}\n"
	files := map[string]string{
		"main.hcl":                     ugly,
		"modules/person/person.hcl":    ugly,
		"modules/person/deep/more.hcl": ugly,
		".daftar/kept.hcl":             ugly,
	}
	write := func() {
		for name, text := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, text)
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	lines := func(out string) string { return strings.Join(strings.Fields(out), " ") }
	write()

	if out := mustRun(t, 1, dir, "fmt", "-check"); lines(out) != "main.hcl" {
		t.Errorf("fmt -check lists %q", out)
	}
	all := "main.hcl " + filepath.Join("modules", "person", "person.hcl") + " " + filepath.Join("modules", "person", "deep", "more.hcl")
	if out := mustRun(t, 1, dir, "fmt", "-check", "-recursive"); lines(out) != all {
		t.Errorf("fmt -check -recursive lists %q, want %q", out, all)
	}
	if out := mustRun(t, 0, dir, "fmt", "-write=false", "-recursive"); lines(out) != all || read("main.hcl") != ugly {
		t.Errorf("fmt -write=false -recursive lists %q and leaves main.hcl %q", out, read("main.hcl"))
	}
	if out := mustRun(t, 0, dir, "fmt", filepath.Join("modules", "person")); lines(out) != filepath.Join("modules", "person", "person.hcl") ||
		read("modules/person/person.hcl") != pretty || read("modules/person/deep/more.hcl") != ugly || read("main.hcl") != ugly {
		t.Errorf("fmt modules/person printed %q", out)
	}
	if out := mustRun(t, 0, dir, "fmt", "-recursive", "-list=false"); out != "" {
		t.Errorf("fmt -list=false printed %q", out)
	}
	for name := range files {
		want := pretty
		if strings.HasPrefix(name, ".daftar") {
			want = ugly
		}
		if got := read(name); got != want {
			t.Errorf("after fmt -recursive, %s holds %q, want %q", name, got, want)
		}
	}
}
