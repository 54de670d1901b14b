package enginetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/daftar-dev/daftar/schema"
)

// WriteConfig writes files (name → content) into a new temporary directory
// and returns it.
func WriteConfig(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// PeopleCSV is a batch's CSV of n rows, name and email: p000,
// p000@example.id and on.
func PeopleCSV(n int) string {
	var csv strings.Builder
	csv.WriteString("name,email\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%03d,p%03d@example.id\n", i, i)
	}
	return csv.String()
}

// LoadConfig writes main.hcl with src and loads it, failing the test on
// any diagnostic.
func LoadConfig(t testing.TB, src string) *schema.Config {
	t.Helper()
	dir := WriteConfig(t, map[string]string{"main.hcl": src})
	cfg, diags := schema.Load(dir)
	if diags.HasErrors() {
		t.Fatalf("loading the configuration: %s", diags.Error())
	}
	return cfg
}

// Digester is a providers.Digester for tests: the purpose and the value's
// length, never the value.
type Digester struct{}

// Digest implements providers.Digester.
func (Digester) Digest(purpose string, value []byte) string {
	return "test:" + purpose + ":" + itoa(len(value)) + ":" + string(checksum(value))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func checksum(b []byte) string {
	var h uint32 = 2166136261
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	const hex = "0123456789abcdef"
	out := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		out[i] = hex[h&15]
		h >>= 4
	}
	return string(out)
}
