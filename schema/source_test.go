package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// A file that is not UTF-8 text, or has an absurdly long line, is refused
// before parsing with file:line:column; printing the diagnostic does not
// hang (HCL's snippet printer looped forever on an invalid byte followed by
// 64 KB).
func TestSourceRefusedBeforeParsing(t *testing.T) {
	tests := map[string]struct {
		src       string
		summary   string
		line, col int
	}{
		"invalid byte then 70 KB":  {"variable \"x\" {\n  default = \"a\xff" + strings.Repeat("b", 70000) + "\"\n}\n", "Invalid character encoding", 2, 15},
		"invalid byte after UTF-8": {"variable \"é\" {\n  default = \"ü\xc3\"\n}\n", "Invalid character encoding", 2, 15},
		"a long line":              {"variable \"x\" {\n  default = \"" + strings.Repeat("b", MaxLineBytes+10) + "\"\n}\n", "Line too long", 2, MaxLineBytes + 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"main.hcl": tc.src})
			cfg, diags := loadWithin(t, dir)
			if len(diags) != 1 || diags[0].Summary != tc.summary || diags[0].Subject == nil ||
				diags[0].Subject.Start.Line != tc.line || diags[0].Subject.Start.Column != tc.col {
				t.Fatalf("diagnostics:\n%s", diagsText(diags))
			}
			var out bytes.Buffer
			writeWithin(t, cfg, diags, &out)
			if !strings.Contains(out.String(), "main.hcl:") || !strings.Contains(out.String(), tc.summary) {
				t.Errorf("printed:\n%s", out.String())
			}
		})
	}
	// A long line that is fine UTF-8 just below the limit loads.
	dir := writeDir(t, map[string]string{"main.hcl": "variable \"x\" {\n  default = \"" + strings.Repeat("b", MaxLineBytes-40) + "\"\n}\n"})
	if _, diags := loadWithin(t, dir); diags.HasErrors() {
		t.Fatalf("a line under the limit: %s", diagsText(diags))
	}
}

// loadWithin loads dir, failing the test if it takes more than a few
// seconds (a hang, not a measure of speed).
func loadWithin(t testing.TB, dir string) (*Config, hcl.Diagnostics) {
	t.Helper()
	type loaded struct {
		cfg   *Config
		diags hcl.Diagnostics
	}
	done := make(chan loaded, 1)
	go func() {
		cfg, diags := Load(dir)
		done <- loaded{cfg, diags}
	}()
	select {
	case l := <-done:
		return l.cfg, l.diags
	case <-time.After(20 * time.Second):
		t.Fatal("Load did not return within 20s")
	}
	return nil, nil
}

func writeWithin(t testing.TB, cfg *Config, diags hcl.Diagnostics, w *bytes.Buffer) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		cfg.WriteDiagnostics(w, diags, false, 100)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("WriteDiagnostics did not return within 20s")
	}
}

// FuzzLoad loads a configuration file of arbitrary bytes, prints its
// diagnostics and formats it; each must end, in bounded time, without
// panicking. Run with go test -fuzz=FuzzLoad ./schema/ (the seed corpus
// runs with every go test).
func FuzzLoad(f *testing.F) {
	f.Add([]byte(fullConfig))
	f.Add([]byte("variable \"x\" {\n  default = \"a\xff" + strings.Repeat("b", 70000) + "\"\n}\n"))
	f.Add([]byte("resource \"usapi_account\" \"a\" {\n  password = \"" + strings.Repeat("x", MaxLineBytes+1) + "\"\n}\n"))
	f.Add([]byte("\xff\xfe\x00r\x00e\x00s"))
	f.Add([]byte("locals {\n  a = \"\xc3\"\n  b = <<EOT\n\xe2\x82\nEOT\n}\n"))
	f.Add([]byte("resource \"proofylink_verification\" \"v\" {\n  id_number = \"3171 0155 0496 0001\"\n  for_each = {a = 1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := loadWithin(t, dir)
		var out bytes.Buffer
		writeWithin(t, cfg, diags, &out)
		done := make(chan struct{})
		go func() {
			FormatDir(dir, false)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("FormatDir did not return within 20s")
		}
	})
}
