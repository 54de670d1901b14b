package schema

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"aligns equals": {"a = 1\nbbb = 2\n", "a   = 1\nbbb = 2\n"},
		"indents":       {"resource \"a_b\" \"c\" {\nx=1\n}\n", "resource \"a_b\" \"c\" {\n  x = 1\n}\n"},
		"canonical":     {"a = 1\n", "a = 1\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := string(Format([]byte(tc.in))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFormatDir(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"a.hcl":      "x=1\n",
		"b.hcl":      "y = 2\n",
		"c.hcl":      "z = \"\n",
		"d.hcl.json": `{"x":1}`,
	})
	changed, diffs, diags := FormatDir(dir, false)
	wantDiags(t, diags, "Invalid multi-line string", "Unterminated template string")
	a := filepath.Join(dir, "a.hcl")
	if len(changed) != 1 || changed[0] != a {
		t.Fatalf("changed %v, want only a.hcl", changed)
	}
	wantDiff := "--- a/" + filepath.ToSlash(a) + "\n+++ b/" + filepath.ToSlash(a) + "\n@@ -1 +1 @@\n-x=1\n+x = 1\n"
	if diffs[a] != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", diffs[a], wantDiff)
	}
	if b, _ := os.ReadFile(a); string(b) != "x=1\n" {
		t.Error("check mode must not write")
	}
	if err := os.Chmod(a, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, diags = FormatDir(dir, true); len(diags) != 2 {
		t.Fatal(diagsText(diags))
	}
	b, _ := os.ReadFile(a)
	info, _ := os.Stat(a)
	if string(b) != "x = 1\n" || info.Mode().Perm() != 0o600 {
		t.Errorf("write mode: got %q mode %v", b, info.Mode())
	}
	if changed, _, _ := FormatDir(dir, false); len(changed) != 0 {
		t.Errorf("formatting twice must change nothing, got %v", changed)
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := map[string]struct{ a, b, want string }{
		"equal":   {"x\n", "x\n", ""},
		"added":   {"a\n", "a\nb\n", "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b\n"},
		"removed": {"a\nb\n", "b\n", "--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-a\n b\n"},
		"context": {"1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
			"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"},
		"two hunks": {"a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n", "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n",
			"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-b\n+B\n"},
		"no final newline": {"a", "b", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := UnifiedDiff("f", tc.a, tc.b); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestFormatFilesNamesWhatCannotBeRead checks fmt FILE's errors for a
// file that is missing, a folder or a device. Found in review: "nope.hcl:
// open nope.hcl: no such file or directory" (a raw Go error chain), and
// fmt /dev/zero read until memory ran out.
func TestFormatFilesNamesWhatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.hcl")
	cases := map[string]string{missing: "no such file", dir: "not a regular file"}
	if runtime.GOOS != "windows" {
		cases["/dev/zero"] = "not a regular file"
	}
	for name, want := range cases {
		_, _, diags := FormatFiles([]string{name}, false)
		text := diagsText(diags)
		if !strings.Contains(text, want) || strings.Count(text, name) != 1 {
			t.Errorf("fmt %s: %s", name, text)
		}
	}
}
