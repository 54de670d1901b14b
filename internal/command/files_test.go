package command

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFilePrivateWith: the streamed content lands whole, readable
// by its owner only; a failing writer leaves the file as it was, with no
// temporary file behind, and its error is told apart from the file's.
func TestWriteFilePrivateWith(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.csv")
	big := strings.Repeat("row,of,a,report\n", 20000) // more than one buffer
	if err := writeFilePrivateWith(path, func(w io.Writer) error {
		_, err := io.WriteString(w, big)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != big {
		t.Fatalf("wrote %d bytes, want %d", len(got), len(big))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	err = writeFilePrivateWith(path, func(w io.Writer) error {
		io.WriteString(w, "half a report")
		return errors.New("the template broke")
	})
	var werr writeError
	if !errors.As(err, &werr) || werr.err.Error() != "the template broke" {
		t.Fatalf("got %v (%T), want the writer's error as a writeError", err, err)
	}
	if got, _ := os.ReadFile(path); string(got) != big {
		t.Error("a failed write changed the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
