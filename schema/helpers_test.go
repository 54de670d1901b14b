package schema

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// writeDir writes files into a new temporary directory and returns it.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadSrc loads a configuration made of one main.hcl and fails the test on
// errors.
func loadSrc(t *testing.T, src string) *Config {
	t.Helper()
	c, diags := Load(writeDir(t, map[string]string{"main.hcl": src}))
	if diags.HasErrors() {
		t.Fatalf("unexpected errors: %s", diags.Error())
	}
	return c
}

// wantDiags checks that diags holds one diagnostic per want, each
// containing its want text in the summary or the detail, in order.
func wantDiags(t *testing.T, diags hcl.Diagnostics, want ...string) {
	t.Helper()
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(diags), len(want), diagsText(diags))
	}
	for i, w := range want {
		if text := diags[i].Summary + ": " + diags[i].Detail; !strings.Contains(text, w) {
			t.Errorf("diagnostic %d is %q, want it to contain %q", i, text, w)
		}
	}
}

func diagsText(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Error() + "\n")
	}
	return b.String()
}

// writeDirB is writeDir for benchmarks.
func writeDirB(b *testing.B, files map[string]string) string {
	dir := b.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func itoa(i int) string { return strconv.Itoa(i) }
