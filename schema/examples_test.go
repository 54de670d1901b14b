package schema

import (
	"path/filepath"
	"testing"
)

// TestExamplesLoad reads every example configuration of the repository:
// the language must accept what the documentation shows.
func TestExamplesLoad(t *testing.T) {
	dirs, _ := filepath.Glob("../examples/*")
	for _, dir := range dirs {
		if matches, _ := filepath.Glob(filepath.Join(dir, "*.hcl")); len(matches) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, diags := Load(dir)
			diags = append(diags, staticReferences(c)...)
			if diags.HasErrors() {
				t.Fatal(diagsText(diags))
			}
		})
	}
}
